// Pods and PodTemplates: create and update validation. A pod's spec is
// almost entirely immutable; kube lists the few fields an update may touch.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { validateObjectMeta, validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { arrAt, clone, isObject, jsonEqual, objAt, objectsAt, type JsonObjectLike } from './json.ts';
import { inclusiveRangeError } from './common.ts';
import { validatePodSpec } from './pod-spec.ts';
import { validatePodTemplateSpec } from './template.ts';

const SPEC = FieldPath.root('spec');
const MAX_INT32 = 2147483647;

export const POD_UPDATE_FORBIDDEN_MSG =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

export function validatePod(pod: JsonObject): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameRule: 'subdomain' });
  const spec = objAt(pod, 'spec') ?? {};
  errs.push(...validatePodSpec(spec, SPEC));
  if (objectsAt(spec, 'ephemeralContainers').length > 0) {
    errs.push(field.forbidden(SPEC.child('ephemeralContainers'), 'cannot be set on create'));
  }
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '' && arrAt(spec, 'schedulingGates').length > 0) {
    errs.push(field.forbidden(SPEC.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

// Mutable parts of the pod spec are copied from the new spec onto a copy of
// the old one; anything else that differs is a forbidden change.
function podSpecChangeIsAllowed(spec: JsonObjectLike, oldSpec: JsonObjectLike): boolean {
  const merged = clone(oldSpec) as JsonObject;
  for (const list of ['containers', 'initContainers'] as const) {
    const newList = arrAt(spec, list);
    const oldList = arrAt(merged, list);
    if (newList.length !== oldList.length) return false;
    oldList.forEach((ctr, i) => {
      const next = newList[i];
      if (isObject(ctr) && isObject(next)) ctr.image = next.image;
    });
  }
  merged.activeDeadlineSeconds = spec.activeDeadlineSeconds;
  // Tolerations may only grow: every old one must still be there.
  const newTolerations = arrAt(spec, 'tolerations');
  if (arrAt(oldSpec, 'tolerations').every((t) => newTolerations.some((n) => jsonEqual(n, t)))) merged.tolerations = spec.tolerations;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && spec.terminationGracePeriodSeconds === 1) merged.terminationGracePeriodSeconds = 1;
  // Scheduling gates may be removed, never added.
  const oldGates = arrAt(oldSpec, 'schedulingGates');
  if (arrAt(spec, 'schedulingGates').every((g) => oldGates.some((o) => jsonEqual(o, g)))) merged.schedulingGates = spec.schedulingGates;
  return jsonEqual(stripUndefined(merged), stripUndefined(spec));
}

function stripUndefined(v: JsonObjectLike): JsonObjectLike {
  return JSON.parse(JSON.stringify(v)) as JsonObjectLike;
}

export function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePod(pod).filter((e) => !e.field.startsWith('metadata.')));
  const spec = objAt(pod, 'spec') ?? {};
  const oldSpec = objAt(old, 'spec') ?? {};
  for (const list of ['containers', 'initContainers'] as const) {
    const next = arrAt(spec, list);
    if (next.length !== arrAt(oldSpec, list).length) {
      errs.push(field.forbidden(SPEC.child(list), 'pod updates may not add or remove containers'));
      return errs;
    }
    next.forEach((ctr, i) => {
      const image = isObject(ctr) && typeof ctr.image === 'string' ? ctr.image : '';
      if (image.trim().length !== image.length) {
        errs.push(field.invalid(SPEC.child(list).index(i).child('image'), image, 'must not have leading or trailing whitespace'));
      }
    });
  }
  // An active deadline may be set or shortened, never lifted or extended.
  const deadline = spec.activeDeadlineSeconds;
  const oldDeadline = oldSpec.activeDeadlineSeconds;
  const deadlinePath = SPEC.child('activeDeadlineSeconds');
  if (typeof deadline === 'number') {
    if (deadline < 0 || deadline > MAX_INT32) return [...errs, field.invalid(deadlinePath, deadline, inclusiveRangeError(0, MAX_INT32))];
    if (typeof oldDeadline === 'number' && oldDeadline < deadline) {
      return [...errs, field.invalid(deadlinePath, deadline, 'must be less than or equal to previous value')];
    }
  } else if (typeof oldDeadline === 'number') {
    errs.push(field.invalid(deadlinePath, null, 'must not update from a positive integer to nil value'));
  }
  // kube follows this message with a diff of the two specs, which we leave out.
  if (!podSpecChangeIsAllowed(spec, oldSpec)) errs.push(field.forbidden(SPEC, POD_UPDATE_FORBIDDEN_MSG));
  return errs;
}

const TEMPLATE = FieldPath.root('template');

export function validatePodTemplate(pt: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(pt.metadata, { namespaced: true, nameRule: 'subdomain' }),
    ...validatePodTemplateSpec(objAt(pt, 'template') ?? {}, TEMPLATE),
  ];
}

export function validatePodTemplateUpdate(pt: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(pt.metadata, old.metadata),
    ...validatePodTemplateSpec(objAt(pt, 'template') ?? {}, TEMPLATE),
  ];
}
