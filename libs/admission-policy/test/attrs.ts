// Test helpers: admission attributes with recorded warnings and annotations,
// and policy/binding objects in their stored JSON form.

import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionOperation } from '@logbook/registry';

export interface RecordedAttributes extends AdmissionAttributes {
  readonly warnings: string[];
  readonly annotations: Map<string, string>;
  readonly companionWrites: unknown[];
}

export function attrs(over: Partial<AdmissionAttributes> & { object?: Record<string, unknown> } = {}): RecordedAttributes {
  const warnings: string[] = [];
  const annotations = new Map<string, string>();
  const companionWrites: unknown[] = [];
  const operation: AdmissionOperation = over.operation ?? 'CREATE';
  const object: AdmissionAttributes['object'] = over.object ?? { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' } }, spec: { replicas: 3 } };
  return {
    operation, group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', subresource: '',
    namespace: 'prod', name: 'web', dryRun: false,
    ctx: { user: 'alice', groups: ['devs', 'system:authenticated'], verb: 'create', resource: 'deployments', auditId: 'a1' },
    oldObject: undefined,
    ...over,
    object,
    warnings, annotations, companionWrites,
    addWarning: (m: string) => { warnings.push(m); },
    addAuditAnnotation: (k: string, v: string) => { annotations.set(k, v); },
    addCompanionWrite: (w: unknown) => { companionWrites.push(w); },
  };
}

let rv = 1;

export function policy(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy',
    metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv++), generation: 1 },
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      ...spec,
    },
  };
}

export function binding(name: string, policyName: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, uid: `uid-${name}`, resourceVersion: String(rv++) },
    spec: { policyName, validationActions: ['Deny'], ...spec },
  };
}

export function namespace(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
