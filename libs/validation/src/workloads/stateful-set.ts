// apps/v1 StatefulSet validation. kube checks only the labels and
// annotations of a StatefulSet's pod template, not its pod spec.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { validateObjectMeta, validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { intOrPercentValue, nonNegative, notMoreThan100Percent, validatePositiveIntOrPercent } from './common.ts';
import { isObject, jsonEqual, numAt, objAt, strAt, type JsonObjectLike } from './json.ts';
import { asSelector, isEmptySelector, validateLabelSelector } from './selector.ts';
import { selectorMatchErrors, validateLongRunningTemplate, validateTemplateMeta } from './template.ts';

const SPEC = FieldPath.root('spec');
const RETENTION_POLICIES = ['Retain', 'Delete'] as const;
export const STATEFUL_SET_UPDATE_FORBIDDEN_MSG =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
  "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function validateUpdateStrategy(strategy: JsonObjectLike, path: FieldPath): FieldError[] {
  const type = strAt(strategy, 'type');
  const ru = objAt(strategy, 'rollingUpdate');
  switch (type) {
    case '':
      return [field.required(path, '')];
    case 'OnDelete':
      return ru !== undefined ? [field.invalid(path.child('rollingUpdate'), ru, "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      if (ru === undefined) return [];
      const p = path.child('rollingUpdate');
      const errs = nonNegative(numAt(ru, 'partition') ?? 0, p.child('partition'));
      const maxUnavailable = ru.maxUnavailable;
      if (maxUnavailable !== undefined && maxUnavailable !== null) {
        errs.push(...validatePositiveIntOrPercent(maxUnavailable, p.child('maxUnavailable')));
        if ((intOrPercentValue(maxUnavailable)?.value ?? 0) === 0) errs.push(field.invalid(p.child('maxUnavailable'), maxUnavailable, 'cannot be 0'));
        errs.push(...notMoreThan100Percent(maxUnavailable, p.child('maxUnavailable')));
      }
      return errs;
    }
    default:
      return [field.invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRetentionPolicy(policy: unknown, path: FieldPath): FieldError[] {
  if (!isObject(policy)) return [];
  const errs: FieldError[] = [];
  for (const k of ['whenDeleted', 'whenScaled'] as const) {
    const v = strAt(policy, k);
    if (!(RETENTION_POLICIES as readonly string[]).includes(v)) errs.push(field.notSupported(path.child(k), v, RETENTION_POLICIES));
  }
  return errs;
}

function validateStatefulSetSpec(spec: JsonObjectLike): FieldError[] {
  const errs: FieldError[] = [];
  const policy = strAt(spec, 'podManagementPolicy');
  if (policy === '') errs.push(field.required(SPEC.child('podManagementPolicy'), ''));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(field.invalid(SPEC.child('podManagementPolicy'), policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(objAt(spec, 'updateStrategy') ?? {}, SPEC.child('updateStrategy')));
  errs.push(...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy, SPEC.child('persistentVolumeClaimRetentionPolicy')));
  errs.push(...nonNegative(numAt(spec, 'replicas') ?? 0, SPEC.child('replicas')));
  errs.push(...nonNegative(numAt(spec, 'minReadySeconds') ?? 0, SPEC.child('minReadySeconds')));
  const ordinals = objAt(spec, 'ordinals');
  // kube names this path with a dot inside one segment.
  if (ordinals !== undefined) errs.push(...nonNegative(numAt(ordinals, 'start') ?? 0, SPEC.child('ordinals.start')));
  const selector = spec.selector;
  if (selector === undefined || selector === null) {
    errs.push(field.required(SPEC.child('selector'), ''));
  } else {
    errs.push(...validateLabelSelector(selector, SPEC.child('selector')));
    if (isEmptySelector(selector)) errs.push(field.invalid(SPEC.child('selector'), selector, 'empty selector is invalid for statefulset'));
  }
  const template = objAt(spec, 'template') ?? {};
  const parsed = asSelector(selector);
  if (parsed === undefined) {
    errs.push(field.invalid(SPEC.child('selector'), selector, ''));
  } else {
    errs.push(...selectorMatchErrors(parsed, template, SPEC.child('template')));
    errs.push(...validateTemplateMeta(template, SPEC.child('template')));
  }
  errs.push(...validateLongRunningTemplate(template, SPEC.child('template'), 'StatefulSet'));
  return errs;
}

export function validateStatefulSet(obj: JsonObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'label' }), ...validateStatefulSetSpec(objAt(obj, 'spec') ?? {})];
}

const MUTABLE_SPEC_FIELDS = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;

export function validateStatefulSetUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  // The name is not re-checked: older servers allowed subdomain names, and such objects must stay updatable.
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const spec = objAt(obj, 'spec') ?? {};
  const oldSpec = objAt(old, 'spec') ?? {};
  errs.push(...validateStatefulSetSpec(spec));
  const merged: JsonObject = { ...spec };
  for (const k of MUTABLE_SPEC_FIELDS) {
    if (oldSpec[k] === undefined) delete merged[k];
    else merged[k] = oldSpec[k];
  }
  if (!jsonEqual(merged, oldSpec)) errs.push(field.forbidden(SPEC, STATEFUL_SET_UPDATE_FORBIDDEN_MSG));
  return errs;
}
