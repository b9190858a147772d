// Node: kube's ValidateNode / ValidateNodeUpdate. Taint problems are reported
// under `metadata.taints` — kube builds that path from the metadata path, and
// clients see exactly that.

import { field, FieldError, FieldPath, isQualifiedName, isValidLabelValue } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { arr, ensureObject, isObject, obj, s, strings } from './json.ts';
import { parseCIDR } from './ip.ts';
import { goSlice, invalidRendered } from './go-render.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const BAD_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const POD_CIDR_CHANGE = 'node updates may not change podCIDR except from "" to valid';

/** v1's podCIDR mirrors podCIDRs[0]; allocatable defaults to capacity. */
export function defaultNode(node: JsonObject): void {
  const spec = ensureObject(node, 'spec');
  const podCIDR = s(spec['podCIDR']);
  if (podCIDR.length > 0 && strings(spec['podCIDRs']).length === 0) spec['podCIDRs'] = [podCIDR];
  const status = obj(node['status']);
  if (status !== undefined && isObject(status['capacity']) && status['allocatable'] === undefined) status['allocatable'] = { ...status['capacity'] };
}

function validateTaints(taints: readonly unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  taints.forEach((raw, i) => {
    const t = isObject(raw) ? raw : {};
    const p = path.index(i);
    const key = s(t['key']);
    const value = s(t['value']);
    const effect = s(t['effect']);
    for (const m of isQualifiedName(key)) errs.push(field.invalid(p.child('key'), key, m));
    const valueErrs = isValidLabelValue(value);
    if (valueErrs.length > 0) errs.push(field.invalid(p.child('value'), value, valueErrs.join(';')));
    if (effect.length === 0) errs.push(field.required(p.child('effect')));
    else if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) errs.push(field.notSupported(p.child('effect'), effect, TAINT_EFFECTS));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      // kube's Duplicate with a detail added, which field.duplicate() cannot carry.
      const shown = t['timeAdded'] === undefined || t['timeAdded'] === null
        ? `core.Taint{Key:${JSON.stringify(key)}, Value:${JSON.stringify(value)}, Effect:${JSON.stringify(effect)}, TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair`
        : undefined;
      errs.push(shown === undefined
        ? new FieldError('FieldValueDuplicate', p, raw, 'taints must be unique by key and effect pair')
        : new FieldError('FieldValueDuplicate', p, field.OMIT_VALUE, shown));
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
  return errs;
}

function validatePodCIDRs(spec: JsonObject): FieldError[] {
  const cidrs = strings(spec['podCIDRs']);
  const path = FieldPath.root('spec', 'podCIDRs');
  const errs: FieldError[] = [];
  const families: string[] = [];
  cidrs.forEach((c, i) => {
    const parsed = parseCIDR(c);
    if (parsed === undefined) errs.push(field.invalid(path.index(i), c, BAD_CIDR));
    else families.push(parsed.family);
  });
  if (cidrs.length > 1 && errs.length === 0 && (new Set(families).size !== cidrs.length || cidrs.length > 2)) {
    errs.push(invalidRendered(path, goSlice(cidrs), 'may specify no more than one CIDR for each IP family'));
  }
  return errs;
}

export function validateNode(node: JsonObject): FieldError[] {
  const errs = validateObjectMeta(node['metadata'], { namespaced: false, nameRule: 'subdomain' });
  const spec = obj(node['spec']) ?? {};
  errs.push(...validateTaints(arr(spec['taints']), FieldPath.root('metadata', 'taints')));
  errs.push(...validatePodCIDRs(spec));
  return errs;
}

export function validateNodeUpdate(node: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(node['metadata'], old['metadata']);
  const spec = obj(node['spec']) ?? {};
  const oldSpec = obj(old['spec']) ?? {};
  const addresses = new Set<string>();
  arr(obj(node['status'])?.['addresses']).forEach((a, i) => {
    const key = JSON.stringify([s(obj(a)?.['type']), s(obj(a)?.['address'])]);
    if (addresses.has(key)) {
      const shown = `core.NodeAddress{Type:${JSON.stringify(s(obj(a)?.['type']))}, Address:${JSON.stringify(s(obj(a)?.['address']))}}`;
      errs.push(new FieldError('FieldValueDuplicate', FieldPath.root('status', 'addresses').index(i), field.OMIT_VALUE, shown));
    }
    addresses.add(key);
  });
  // The controller manager may assign pod CIDRs once; after that they are fixed.
  const oldCIDRs = strings(oldSpec['podCIDRs']);
  const newCIDRs = strings(spec['podCIDRs']);
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(field.forbidden(FieldPath.root('spec', 'podCIDRs'), POD_CIDR_CHANGE));
    else oldCIDRs.forEach((c, i) => { if (c !== newCIDRs[i]) errs.push(field.forbidden(FieldPath.root('spec', 'podCIDRs'), POD_CIDR_CHANGE)); });
  }
  const oldProvider = s(oldSpec['providerID']);
  if (oldProvider.length > 0 && oldProvider !== s(spec['providerID'])) {
    errs.push(field.forbidden(FieldPath.root('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(arr(spec['taints']), FieldPath.root('metadata', 'taints')));
  return errs;
}

export const NODE_RULES: KindRules = {
  default: defaultNode,
  validateCreate: validateNode,
  validateUpdate: validateNodeUpdate,
  validateStatusUpdate: validateNodeUpdate,
};
