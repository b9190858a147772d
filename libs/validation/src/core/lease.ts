// coordination.k8s.io/v1 Lease: kube's ValidateLease / ValidateLeaseUpdate.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { num, obj } from './json.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

function validateLeaseSpec(lease: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(lease['spec']) ?? {};
  const duration = num(spec['leaseDurationSeconds']);
  if (duration !== undefined && duration <= 0) errs.push(field.invalid(FieldPath.root('spec', 'leaseDurationSeconds'), duration, 'must be greater than 0'));
  const transitions = num(spec['leaseTransitions']);
  if (transitions !== undefined && transitions < 0) errs.push(field.invalid(FieldPath.root('spec', 'leaseTransitions'), transitions, 'must be greater than or equal to 0'));
  return errs;
}

export function validateLease(lease: JsonObject): FieldError[] {
  return [...validateObjectMeta(lease['metadata'], { namespaced: true, nameRule: 'subdomain' }), ...validateLeaseSpec(lease)];
}

export const LEASE_RULES: KindRules = {
  validateCreate: validateLease,
  validateUpdate: (lease, old) => [...validateObjectMetaUpdate(lease['metadata'], old['metadata']), ...validateLeaseSpec(lease)],
};
