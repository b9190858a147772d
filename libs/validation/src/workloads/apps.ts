// apps/v1 Deployment, ReplicaSet and DaemonSet validation, plus kube's
// apps/v1 rule that selectors never change after create.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { intOrPercentValue, nonNegative, notMoreThan100Percent, validatePositiveIntOrPercent } from './common.ts';
import { numAt, objAt, strAt, type JsonObjectLike } from './json.ts';
import { asSelector, isEmptySelector, validateLabelSelector } from './selector.ts';
import { selectorMatchErrors, validateLongRunningTemplate, validatePodTemplateSpec, validateReplicatedTemplate } from './template.ts';

const SPEC = FieldPath.root('spec');

/** The value getIntOrPercentValue gives: the number, or the percentage as a number. */
function intOrPercent(v: unknown): number {
  return intOrPercentValue(v)?.value ?? 0;
}

/** Required, syntactically valid, non-empty selector; then the template checked against it. */
function validateSelectorAndTemplate(spec: JsonObjectLike, kind: string, owner: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec.selector;
  if (selector === undefined || selector === null) {
    errs.push(field.required(SPEC.child('selector'), ''));
  } else {
    errs.push(...validateLabelSelector(selector, SPEC.child('selector')));
    if (isEmptySelector(selector)) errs.push(field.invalid(SPEC.child('selector'), selector, `empty selector is invalid for ${kind}`));
  }
  const parsed = asSelector(selector);
  if (parsed === undefined) errs.push(field.invalid(SPEC.child('selector'), selector, 'invalid label selector'));
  else errs.push(...validateReplicatedTemplate(spec.template, parsed, SPEC.child('template'), owner));
  return errs;
}

function validateRollingUpdateDeployment(ru: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, path.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, path.child('maxSurge')),
  ];
  // With neither surge nor unavailability allowed, a rollout could never make progress.
  if (intOrPercent(ru.maxUnavailable) === 0 && intOrPercent(ru.maxSurge) === 0) {
    errs.push(field.invalid(path.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, path.child('maxUnavailable')));
  return errs;
}

function validateDeploymentStrategy(strategy: JsonObjectLike, path: FieldPath): FieldError[] {
  const type = strAt(strategy, 'type');
  const ru = objAt(strategy, 'rollingUpdate');
  switch (type) {
    case 'Recreate':
      return ru !== undefined ? [field.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      if (ru === undefined) return [field.required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
      return validateRollingUpdateDeployment(ru, path.child('rollingUpdate'));
    default:
      return [field.notSupported(path, strategy, ['Recreate', 'RollingUpdate'])];
  }
}

function validateDeploymentSpec(spec: JsonObjectLike): FieldError[] {
  const errs = nonNegative(numAt(spec, 'replicas') ?? 0, SPEC.child('replicas'));
  errs.push(...validateSelectorAndTemplate(spec, 'deployment', 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(objAt(spec, 'strategy') ?? {}, SPEC.child('strategy')));
  const minReady = numAt(spec, 'minReadySeconds') ?? 0;
  errs.push(...nonNegative(minReady, SPEC.child('minReadySeconds')));
  errs.push(...nonNegative(numAt(spec, 'revisionHistoryLimit'), SPEC.child('revisionHistoryLimit')));
  const rollbackRevision = numAt(objAt(spec, 'rollbackTo'), 'revision');
  errs.push(...nonNegative(rollbackRevision, SPEC.child('rollback', 'version')));
  const deadline = numAt(spec, 'progressDeadlineSeconds');
  if (deadline !== undefined) {
    errs.push(...nonNegative(deadline, SPEC.child('progressDeadlineSeconds')));
    if (deadline <= minReady) errs.push(field.invalid(SPEC.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

function selectorImmutable(obj: JsonObject, old: JsonObject): FieldError[] {
  return validateImmutable(objAt(obj, 'spec')?.selector, objAt(old, 'spec')?.selector, SPEC.child('selector'));
}

export function validateDeployment(obj: JsonObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' }), ...validateDeploymentSpec(objAt(obj, 'spec') ?? {})];
}

export function validateDeploymentUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateDeploymentSpec(objAt(obj, 'spec') ?? {}),
    ...selectorImmutable(obj, old),
  ];
}

function validateReplicaSetSpec(spec: JsonObjectLike): FieldError[] {
  return [
    ...nonNegative(numAt(spec, 'replicas') ?? 0, SPEC.child('replicas')),
    ...nonNegative(numAt(spec, 'minReadySeconds') ?? 0, SPEC.child('minReadySeconds')),
    // kube's ReplicaSet message says "deployment" too.
    ...validateSelectorAndTemplate(spec, 'deployment', 'ReplicaSet'),
  ];
}

export function validateReplicaSet(obj: JsonObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' }), ...validateReplicaSetSpec(objAt(obj, 'spec') ?? {})];
}

export function validateReplicaSetUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateReplicaSetSpec(objAt(obj, 'spec') ?? {}),
    ...selectorImmutable(obj, old),
  ];
}

function validateRollingUpdateDaemonSet(ru: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, path.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, path.child('maxSurge')),
    ...notMoreThan100Percent(ru.maxUnavailable, path.child('maxUnavailable')),
    ...notMoreThan100Percent(ru.maxSurge, path.child('maxSurge')),
  ];
  const hasUnavailable = intOrPercent(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercent(ru.maxSurge) !== 0;
  // A daemon pod per node: either surge a new one first or take the old one down, not both.
  if (hasUnavailable && hasSurge) errs.push(field.invalid(path.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) errs.push(field.required(path.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function validateDaemonSetStrategy(strategy: JsonObjectLike, path: FieldPath): FieldError[] {
  switch (strAt(strategy, 'type')) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = objAt(strategy, 'rollingUpdate');
      return ru === undefined ? [field.required(path.child('rollingUpdate'), '')] : validateRollingUpdateDaemonSet(ru, path.child('rollingUpdate'));
    }
    default:
      return [field.notSupported(path, strategy, ['RollingUpdate', 'OnDelete'])];
  }
}

function validateDaemonSetSpec(spec: JsonObjectLike): FieldError[] {
  const errs = validateLabelSelector(spec.selector, SPEC.child('selector'));
  const selector = asSelector(spec.selector);
  const template = objAt(spec, 'template') ?? {};
  // No Required here: a missing selector matches nothing, which the match check reports.
  if (selector !== undefined) errs.push(...selectorMatchErrors(selector, template, SPEC.child('template')));
  if (spec.selector !== undefined && spec.selector !== null && isEmptySelector(spec.selector)) {
    errs.push(field.invalid(SPEC.child('selector'), spec.selector, 'empty selector is invalid for daemonset'));
  }
  errs.push(...validatePodTemplateSpec(template, SPEC.child('template')));
  errs.push(...validateLongRunningTemplate(template, SPEC.child('template'), 'DaemonSet'));
  errs.push(...nonNegative(numAt(spec, 'minReadySeconds') ?? 0, SPEC.child('minReadySeconds')));
  errs.push(...nonNegative(numAt(spec, 'templateGeneration') ?? 0, SPEC.child('templateGeneration')));
  errs.push(...validateDaemonSetStrategy(objAt(spec, 'updateStrategy') ?? {}, SPEC.child('updateStrategy')));
  errs.push(...nonNegative(numAt(spec, 'revisionHistoryLimit'), SPEC.child('revisionHistoryLimit')));
  return errs;
}

export function validateDaemonSet(obj: JsonObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' }), ...validateDaemonSetSpec(objAt(obj, 'spec') ?? {})];
}

export function validateDaemonSetUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...validateDaemonSetSpec(objAt(obj, 'spec') ?? {}),
    ...selectorImmutable(obj, old),
  ];
}
