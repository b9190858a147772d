// Writes to /status of the replicated workloads: counters are non-negative,
// never exceed the replicas they count, and collisionCount never goes down.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { nonNegative } from './common.ts';
import { numAt, objAt, type JsonObjectLike } from './json.ts';

const STATUS = FieldPath.root('status');
const NOT_ABOVE_REPLICAS = 'cannot be greater than status.replicas';

function counters(status: JsonObjectLike, fields: readonly string[]): FieldError[] {
  return fields.flatMap((f) => nonNegative(numAt(status, f) ?? 0, STATUS.child(f)));
}

function notAbove(status: JsonObjectLike, fields: readonly string[], limit: string, msg: string): FieldError[] {
  const max = numAt(status, limit) ?? 0;
  return fields.flatMap((f) => {
    const v = numAt(status, f) ?? 0;
    return v > max ? [field.invalid(STATUS.child(f), v, msg)] : [];
  });
}

function collisionCount(status: JsonObjectLike, old: JsonObjectLike): FieldError[] {
  const errs = nonNegative(numAt(status, 'collisionCount'), STATUS.child('collisionCount'));
  const before = numAt(old, 'collisionCount');
  const now = numAt(status, 'collisionCount');
  // A nil count after a set one counts as a decrement, as in kube's IsDecremented.
  if (before !== undefined && (now === undefined || now < before)) errs.push(field.invalid(STATUS.child('collisionCount'), now ?? 0, 'cannot be decremented'));
  return errs;
}

function parts(obj: JsonObject, old: JsonObject): { status: JsonObjectLike; oldStatus: JsonObjectLike; meta: FieldError[] } {
  return { status: objAt(obj, 'status') ?? {}, oldStatus: objAt(old, 'status') ?? {}, meta: validateObjectMetaUpdate(obj.metadata, old.metadata) };
}

export function validateDeploymentStatusUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  const { status, oldStatus, meta } = parts(obj, old);
  return [
    ...meta,
    ...counters(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']),
    ...nonNegative(numAt(status, 'collisionCount'), STATUS.child('collisionCount')),
    ...notAbove(status, ['updatedReplicas', 'readyReplicas', 'availableReplicas'], 'replicas', NOT_ABOVE_REPLICAS),
    ...notAbove(status, ['availableReplicas'], 'readyReplicas', 'cannot be greater than readyReplicas'),
    ...collisionCount(status, oldStatus).filter((e) => e.detail === 'cannot be decremented'),
  ];
}

/** ReplicaSet and ReplicationController share their status rules. */
export function validateReplicaSetStatusUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  const { status, meta } = parts(obj, old);
  return [
    ...meta,
    ...counters(status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']),
    ...notAbove(status, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'], 'replicas', NOT_ABOVE_REPLICAS),
    ...notAbove(status, ['availableReplicas'], 'readyReplicas', 'cannot be greater than readyReplicas'),
  ];
}

export function validateStatefulSetStatusUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  const { status, oldStatus, meta } = parts(obj, old);
  return [
    ...counters(status, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']),
    ...nonNegative(numAt(status, 'observedGeneration'), STATUS.child('observedGeneration')),
    ...nonNegative(numAt(status, 'collisionCount'), STATUS.child('collisionCount')),
    ...notAbove(status, ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'], 'replicas', NOT_ABOVE_REPLICAS),
    ...notAbove(status, ['availableReplicas'], 'readyReplicas', 'cannot be greater than status.readyReplicas'),
    ...meta,
    ...collisionCount(status, oldStatus).filter((e) => e.detail === 'cannot be decremented'),
  ];
}

export function validateDaemonSetStatusUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  const { status, oldStatus, meta } = parts(obj, old);
  return [
    ...meta,
    ...counters(status, ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']),
    ...collisionCount(status, oldStatus),
  ];
}
