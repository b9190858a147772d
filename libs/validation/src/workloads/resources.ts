// A container's resource requirements: names kube knows, quantities that are
// non-negative (whole numbers where they must be) and requests within limits.

import { field, isQualifiedName, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { IS_NEGATIVE_MSG } from './common.ts';
import { objAt } from './json.ts';
import { compareQuantities, formatQuantity, isNegative, parseQuantity, type Quantity } from './quantity.ts';

const STANDARD_CONTAINER_RESOURCES: ReadonlySet<string> = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES: ReadonlySet<string> = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers',
  'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);
// Counted resources (quota objects) can only be whole numbers.
const INTEGER_RESOURCES: ReadonlySet<string> = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
const HUGEPAGES_PREFIX = 'hugepages-';

function isHugePages(name: string): boolean {
  return name.startsWith(HUGEPAGES_PREFIX);
}

function isNative(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

function isStandard(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith(`requests.${HUGEPAGES_PREFIX}`);
}

function isExtended(name: string): boolean {
  return !isNative(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
}

// Native resources other than hugepages may be requested below their limit;
// extended resources and hugepages must request exactly their limit.
function isOvercommitAllowed(name: string): boolean {
  return isNative(name) && !isHugePages(name);
}

function isIntegerResource(name: string): boolean {
  return isExtended(name) || INTEGER_RESOURCES.has(name);
}

/** validateContainerResourceName. */
export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const qualified = isQualifiedName(name).map((m) => field.invalid(path, name, m));
  if (qualified.length > 0) return qualified;
  if (!name.includes('/')) {
    if (!isStandard(name)) return [field.invalid(path, name, 'must be a standard resource type or fully qualified')];
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      return [field.invalid(path, name, 'must be a standard resource for containers')];
    }
  } else if (!isNative(name) && !isExtended(name)) {
    return [field.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

/** ValidateResourceQuantityValue; an unparseable quantity is the schema pass's to reject. */
export function validateResourceQuantity(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isNegative(q)) errs.push(field.invalid(path, formatQuantity(q), IS_NEGATIVE_MSG));
  if (isIntegerResource(name) && !isWholeNumber(q)) errs.push(field.invalid(path, formatQuantity(q), 'must be an integer'));
  return errs;
}

// kube asks MilliValue() % 1000 == 0, MilliValue rounding up: a sliver below
// a milli-unit counts as one milli-unit, hence not whole.
function isWholeNumber(q: Quantity): boolean {
  if (q.exp10 >= 0 || q.digits === 0n) return true;
  const num = q.digits * 2n ** BigInt(q.exp2);
  const shift = q.exp10 + 3;
  const milli = shift >= 0 ? num * 10n ** BigInt(shift) : ceilDiv(num, 10n ** BigInt(-shift));
  return milli % 1000n === 0n;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a % b === 0n ? a / b : a / b + 1n;
}

function quantities(obj: Record<string, unknown> | undefined): Array<[string, Quantity]> {
  const out: Array<[string, Quantity]> = [];
  if (obj === undefined) return out;
  // Go walks a map in random order; sorted keys keep our messages stable.
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    const q = typeof v === 'string' ? parseQuantity(v) : typeof v === 'number' ? parseQuantity(String(v)) : undefined;
    if (q !== undefined) out.push([k, q]);
  }
  return out;
}

/** ValidateContainerResourceRequirements (without dynamic resource claims). */
export function validateResourceRequirements(resources: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map(quantities(objAt(resources, 'limits')));
  for (const [name, q] of limits) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantity(name, q, p));
  }
  for (const [name, q] of quantities(objAt(resources, 'requests'))) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantity(name, q, p));
    const limit = limits.get(name);
    if (limit !== undefined) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
