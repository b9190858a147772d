// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding specs
// (admissionregistration.k8s.io/v1), decoded once from stored objects. The
// API validated them on write; decoding here only guards the plugin against
// shapes it cannot use, dropping entries that are not objects.

import type { KubeObject } from '@logbook/apistorage';
import type { MatchResources } from './match-resources.ts';
import type { ParamKind, ParamRef } from './params.ts';

export interface Validation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

export interface PolicySpec {
  readonly name: string;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly paramKind?: ParamKind;
  readonly matchConstraints?: MatchResources;
  readonly validations: readonly Validation[];
  readonly auditAnnotations: readonly { readonly key: string; readonly valueExpression: string }[];
  readonly matchConditions: readonly { readonly name: string; readonly expression: string }[];
  readonly variables: readonly { readonly name: string; readonly expression: string }[];
}

export const VALIDATION_ACTIONS = ['Deny', 'Warn', 'Audit'] as const;
export type ValidationAction = (typeof VALIDATION_ACTIONS)[number];

export interface BindingSpec {
  readonly name: string;
  readonly policyName: string;
  readonly paramRef?: ParamRef;
  readonly matchResources?: MatchResources;
  readonly validationActions: readonly ValidationAction[];
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const objects = (v: unknown): Obj[] => (Array.isArray(v) ? (v as unknown[]).filter(isObj) : []);

function specOf(o: KubeObject): Obj {
  return isObj(o.spec) ? o.spec : {};
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function decodePolicy(o: KubeObject): PolicySpec {
  const s = specOf(o);
  return {
    name: o.metadata.name ?? '',
    failurePolicy: s.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    ...optional('paramKind', isObj(s.paramKind) ? (s.paramKind as ParamKind) : undefined),
    ...optional('matchConstraints', isObj(s.matchConstraints) ? (s.matchConstraints as MatchResources) : undefined),
    validations: objects(s.validations).map((v) => ({
      expression: str(v.expression) ?? '',
      ...optional('message', str(v.message)),
      ...optional('messageExpression', str(v.messageExpression)),
      ...optional('reason', str(v.reason)),
      ...optional('fieldPath', str(v.fieldPath)),
    })),
    auditAnnotations: objects(s.auditAnnotations).map((a) => ({ key: str(a.key) ?? '', valueExpression: str(a.valueExpression) ?? '' })),
    matchConditions: objects(s.matchConditions).map((c) => ({ name: str(c.name) ?? '', expression: str(c.expression) ?? '' })),
    variables: objects(s.variables).map((v) => ({ name: str(v.name) ?? '', expression: str(v.expression) ?? '' })),
  };
}

export function decodeBinding(o: KubeObject): BindingSpec {
  const s = specOf(o);
  const actions = Array.isArray(s.validationActions) ? (s.validationActions as unknown[]) : [];
  return {
    name: o.metadata.name ?? '',
    policyName: str(s.policyName) ?? '',
    ...optional('paramRef', isObj(s.paramRef) ? (s.paramRef as ParamRef) : undefined),
    ...optional('matchResources', isObj(s.matchResources) ? (s.matchResources as MatchResources) : undefined),
    validationActions: actions.filter((a): a is ValidationAction => (VALIDATION_ACTIONS as readonly unknown[]).includes(a)),
  };
}
