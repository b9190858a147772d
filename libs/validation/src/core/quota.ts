// ResourceQuota and LimitRange: kube's defaults (a container LimitRange's
// default limit and request) and the basic validation of names, quantities,
// scopes and min/default/max ordering.

import { field, FieldPath, isQualifiedName, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../workloads/quantity.ts';
import { validateContainerResourceName, validateResourceQuantity } from '../workloads/resources.ts';
import { arr, isObject, obj, s, strings } from './json.ts';
import { goSlice, invalidRendered } from './go-render.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

const QUOTA_RESOURCES: ReadonlySet<string> = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_RESOURCES: ReadonlySet<string> = new Set([...QUOTA_RESOURCES, 'storage']);
const QUOTA_SCOPES: ReadonlySet<string> = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
const CONFLICTING_SCOPES = [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']] as const;
const LIMIT_TYPES: ReadonlySet<string> = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
}

/** kube's validateResourceName: qualified, and unprefixed names must be standard. */
function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !STANDARD_RESOURCES.has(name) && !isHugePages(name)) {
    return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

function validateQuotaResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !QUOTA_RESOURCES.has(name) && !isHugePages(name)) errs.push(field.invalid(path, name, 'must be a standard resource for quota'));
  return errs;
}

/** A resource list as sorted (name, quantity) pairs; unparsable values were rejected at decode time. */
function resourceList(v: unknown): Array<[string, Quantity]> {
  const o = obj(v) ?? {};
  const out: Array<[string, Quantity]> = [];
  for (const k of Object.keys(o).sort()) {
    const raw = o[k];
    const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantity(String(raw)) : undefined;
    if (q !== undefined) out.push([k, q]);
  }
  return out;
}

function validateQuotaList(v: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of resourceList(v)) errs.push(...validateQuotaResourceName(name, path.key(name)), ...validateResourceQuantity(name, q, path.key(name)));
  return errs;
}

function validateScopes(spec: JsonObject): FieldError[] {
  const scopes = strings(spec['scopes']);
  const path = FieldPath.root('spec', 'scopes');
  const shown = goSlice(scopes, 'core.ResourceQuotaScope');
  const errs: FieldError[] = [];
  for (const sc of scopes) if (!QUOTA_SCOPES.has(sc)) errs.push(invalidRendered(path, shown, 'unsupported scope'));
  for (const [a, b] of CONFLICTING_SCOPES) if (scopes.includes(a) && scopes.includes(b)) errs.push(invalidRendered(path, shown, 'conflicting scopes'));
  return errs;
}

export function validateResourceQuota(rq: JsonObject): FieldError[] {
  const errs = validateObjectMeta(rq['metadata'], { namespaced: true, nameRule: 'subdomain' });
  const spec = obj(rq['spec']) ?? {};
  errs.push(...validateQuotaList(spec['hard'], FieldPath.root('spec', 'hard')), ...validateScopes(spec));
  const status = obj(rq['status']) ?? {};
  errs.push(...validateQuotaList(status['hard'], FieldPath.root('status', 'hard')), ...validateQuotaList(status['used'], FieldPath.root('status', 'used')));
  return errs;
}

export function validateResourceQuotaUpdate(rq: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(rq['metadata'], old['metadata']);
  const spec = obj(rq['spec']) ?? {};
  errs.push(...validateQuotaList(spec['hard'], FieldPath.root('spec', 'hard')));
  const scopes = new Set(strings(spec['scopes']));
  const oldScopes = new Set(strings(obj(old['spec'])?.['scopes']));
  if (scopes.size !== oldScopes.size || [...scopes].some((sc) => !oldScopes.has(sc))) {
    const shown = Array.isArray(spec['scopes']) ? goSlice(strings(spec['scopes']), 'core.ResourceQuotaScope') : goSlice(undefined, 'core.ResourceQuotaScope');
    errs.push(invalidRendered(FieldPath.root('spec', 'scopes'), shown, 'field is immutable'));
  }
  return errs;
}

/** SetDefaults_LimitRangeItem: a Container item's default limit falls back to max, its default request to the limit, then to min. */
export function defaultLimitRange(lr: JsonObject): void {
  for (const item of arr(obj(lr['spec'])?.['limits'])) {
    if (!isObject(item) || item['type'] !== 'Container') continue;
    const def = { ...(obj(item['default']) ?? {}) };
    const req = { ...(obj(item['defaultRequest']) ?? {}) };
    for (const [k, v] of Object.entries(obj(item['max']) ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
    for (const [k, v] of Object.entries(obj(item['min']) ?? {})) if (!(k in req)) req[k] = v;
    // Empty resource lists are omitted on the wire, as Go's omitempty does.
    if (Object.keys(def).length > 0) item['default'] = def;
    if (Object.keys(req).length > 0) item['defaultRequest'] = req;
  }
}

function validateLimitType(type: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(type).map((m) => field.invalid(path, type, m));
  if (errs.length > 0) return errs;
  return !type.includes('/') && !LIMIT_TYPES.has(type) ? [field.invalid(path, type, 'must be a standard limit type or fully qualified')] : [];
}

function validateLimitItem(item: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = s(item['type']);
  const nameRule = (name: string, p: FieldPath): FieldError[] => (type === 'Pod' || type === 'Container' ? validateContainerResourceName(name, p) : validateResourceName(name, p));
  const lists = new Map<string, Map<string, Quantity>>();
  for (const key of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) {
    const m = new Map<string, Quantity>();
    if (type === 'Pod' && (key === 'default' || key === 'defaultRequest')) {
      if (Object.keys(obj(item[key]) ?? {}).length > 0) errs.push(field.forbidden(path.child(key), "may not be specified when `type` is 'Pod'"));
      lists.set(key, m);
      continue;
    }
    for (const [name, q] of resourceList(item[key])) {
      errs.push(...nameRule(name, path.child(key).key(name)));
      m.set(name, q);
    }
    lists.set(key, m);
  }
  const max = lists.get('max') ?? new Map<string, Quantity>();
  const min = lists.get('min') ?? new Map<string, Quantity>();
  const def = lists.get('default') ?? new Map<string, Quantity>();
  const req = lists.get('defaultRequest') ?? new Map<string, Quantity>();
  if (type === 'PersistentVolumeClaim' && !min.has('storage') && !max.has('storage')) {
    errs.push(field.required(path.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  const keys = [...new Set([...max.keys(), ...min.keys(), ...def.keys(), ...req.keys()])].sort();
  const f = formatQuantity;
  for (const k of keys) {
    const mn = min.get(k);
    const mx = max.get(k);
    const d = def.get(k);
    const r = req.get(k);
    if (mn && mx && compareQuantities(mn, mx) > 0) errs.push(field.invalid(path.child('min').key(k), f(mn), `min value ${f(mn)} is greater than max value ${f(mx)}`));
    if (r && mn && compareQuantities(mn, r) > 0) errs.push(field.invalid(path.child('defaultRequest').key(k), f(r), `min value ${f(mn)} is greater than default request value ${f(r)}`));
    if (r && mx && compareQuantities(r, mx) > 0) errs.push(field.invalid(path.child('defaultRequest').key(k), f(r), `default request value ${f(r)} is greater than max value ${f(mx)}`));
    if (r && d && compareQuantities(r, d) > 0) errs.push(field.invalid(path.child('defaultRequest').key(k), f(r), `default request value ${f(r)} is greater than default limit value ${f(d)}`));
    if (d && mn && compareQuantities(mn, d) > 0) errs.push(field.invalid(path.child('default').key(k), f(mn), `min value ${f(mn)} is greater than default value ${f(d)}`));
    if (d && mx && compareQuantities(d, mx) > 0) errs.push(field.invalid(path.child('default').key(k), f(mx), `default value ${f(d)} is greater than max value ${f(mx)}`));
  }
  const one = parseQuantity('1');
  for (const [k, ratio] of lists.get('maxLimitRequestRatio') ?? new Map<string, Quantity>()) {
    if (one !== undefined && compareQuantities(ratio, one) < 0) errs.push(field.invalid(path.child('maxLimitRequestRatio').key(k), f(ratio), `ratio ${f(ratio)} is less than 1`));
  }
  return errs;
}

export function validateLimitRange(lr: JsonObject): FieldError[] {
  const errs = validateObjectMeta(lr['metadata'], { namespaced: true, nameRule: 'subdomain' });
  const seen = new Set<string>();
  arr(obj(lr['spec'])?.['limits']).forEach((raw, i) => {
    const item = isObject(raw) ? raw : {};
    const path = FieldPath.root('spec', 'limits').index(i);
    const type = s(item['type']);
    errs.push(...validateLimitType(type, path.child('type')));
    if (seen.has(type)) errs.push(field.duplicate(path.child('type'), type));
    seen.add(type);
    errs.push(...validateLimitItem(item, path));
  });
  return errs;
}

export const RESOURCE_QUOTA_RULES: KindRules = {
  validateCreate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  validateStatusUpdate: (rq, old) => [
    ...validateObjectMetaUpdate(rq['metadata'], old['metadata']),
    ...validateQuotaList(obj(rq['status'])?.['hard'], FieldPath.root('status', 'hard')),
    ...validateQuotaList(obj(rq['status'])?.['used'], FieldPath.root('status', 'used')),
  ],
};

export const LIMIT_RANGE_RULES: KindRules = {
  default: defaultLimitRange,
  validateCreate: validateLimitRange,
  validateUpdate: (lr, old) => [...validateObjectMetaUpdate(lr['metadata'], old['metadata']), ...validateLimitRange(lr)],
};
