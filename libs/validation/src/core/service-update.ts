// Service updates: cluster IPs and IP families may be added or dropped for
// dual-stack changes but never swapped, except to or from ExternalName; the
// load balancer class and health check node port are fixed once set.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { num, obj, s, str, strings } from './json.ts';
import { goSlice, invalidRendered, GO_NIL } from './go-render.ts';
import { validateObjectMetaUpdate } from './object-meta.ts';
import { isHeadless, validateService } from './service.ts';
import { defaultService } from './service-defaults.ts';

const CHANGED = 'may not change once set';

function validateClusterIPsUpdate(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  if (s(spec['type']) === 'ExternalName' || s(oldSpec['type']) === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const errs: FieldError[] = [];
  const ips = strings(spec['clusterIPs']);
  const oldIPs = strings(oldSpec['clusterIPs']);
  const first = FieldPath.root('spec', 'clusterIPs').index(0);
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalidRendered(FieldPath.root('spec', 'clusterIPs').index(i), goSlice(ips), CHANGED));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalidRendered(first, goSlice(ips), 'primary clusterIP can not be unset'));
    if (ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalidRendered(first, goSlice(ips), CHANGED));
    if (ips.length === 1 && spec['ipFamilyPolicy'] !== 'SingleStack') {
      errs.push(field.invalid(FieldPath.root('spec', 'ipFamilyPolicy'), spec['ipFamilyPolicy'] ?? GO_NIL, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalidRendered(first, goSlice(ips), CHANGED));
  }
  return errs;
}

// Mirrors kube, including its quirks: every changed family is reported at
// index 0, and a changed primary family shows the cluster IPs as the value.
function validateIPFamiliesUpdate(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  if (s(spec['type']) === 'ExternalName' || s(oldSpec['type']) === 'ExternalName') return [];
  if (isHeadless(spec) !== isHeadless(oldSpec) || isHeadless(spec)) return [];
  const errs: FieldError[] = [];
  const fams = strings(spec['ipFamilies']);
  const oldFams = strings(oldSpec['ipFamilies']);
  const first = FieldPath.root('spec', 'ipFamilies').index(0);
  if (oldFams.length === fams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(invalidRendered(first, goSlice(fams, 'core.IPFamily'), CHANGED));
    });
  } else if (oldFams.length > fams.length) {
    if (strings(spec['clusterIPs']).length === 0) errs.push(invalidRendered(first, goSlice(fams, 'core.IPFamily'), 'primary ipFamily can not be unset'));
    if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(invalidRendered(first, goSlice(strings(spec['clusterIPs'])), CHANGED));
    if (fams.length === 1 && spec['ipFamilyPolicy'] !== 'SingleStack') {
      errs.push(field.invalid(FieldPath.root('spec', 'ipFamilyPolicy'), spec['ipFamilyPolicy'] ?? GO_NIL, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(invalidRendered(first, goSlice(strings(spec['clusterIPs'])), CHANGED));
  }
  return errs;
}

function needsHealthCheck(spec: JsonObject): boolean {
  return s(spec['type']) === 'LoadBalancer' && s(spec['externalTrafficPolicy']) === 'Local';
}

export function validateServiceUpdate(svc: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(svc['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  const errs = validateObjectMetaUpdate(svc['metadata'], old['metadata']);
  errs.push(...validateClusterIPsUpdate(spec, oldSpec), ...validateIPFamiliesUpdate(spec, oldSpec));
  if (s(spec['type']) === 'LoadBalancer' && s(oldSpec['type']) === 'LoadBalancer' && str(spec['loadBalancerClass']) !== str(oldSpec['loadBalancerClass'])) {
    errs.push(field.invalid(FieldPath.root('spec', 'loadBalancerClass'), spec['loadBalancerClass'] ?? GO_NIL, CHANGED));
  }
  if (needsHealthCheck(spec) && needsHealthCheck(oldSpec) && (num(spec['healthCheckNodePort']) ?? 0) !== (num(oldSpec['healthCheckNodePort']) ?? 0)) {
    errs.push(field.forbidden(FieldPath.root('spec', 'healthCheckNodePort'), 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}

export const SERVICE_RULES: KindRules = {
  default: defaultService,
  validateCreate: validateService,
  validateUpdate: validateServiceUpdate,
  validateStatusUpdate: (svc, old) => validateObjectMetaUpdate(svc['metadata'], old['metadata']),
};
