// The three LimitRange constraints (min, max, maxLimitRequestRatio), each
// returning kube-apiserver's reason text or undefined when satisfied.

import { formatQuantity, type Quantity } from '@logbook/validation';
import { comparableValues, fitsMilli, quantityMilliValue, quantityValue, ZERO_QUANTITY } from './quantity-math.ts';
import type { ResourceList } from './resource-list.ts';

export function minConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const v = comparableValues(req ?? ZERO_QUANTITY, lim ?? ZERO_QUANTITY, enforced);
  const bound = formatQuantity(enforced);
  if (req === undefined) return `minimum ${name} usage per ${limitType} is ${bound}.  No request is specified`;
  if (v.request < v.enforced) return `minimum ${name} usage per ${limitType} is ${bound}, but request is ${formatQuantity(req)}`;
  if (lim !== undefined && v.limit < v.enforced) return `minimum ${name} usage per ${limitType} is ${bound}, but limit is ${formatQuantity(lim)}`;
  return undefined;
}

export function maxConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const v = comparableValues(req ?? ZERO_QUANTITY, lim ?? ZERO_QUANTITY, enforced);
  const bound = formatQuantity(enforced);
  if (lim === undefined) return `maximum ${name} usage per ${limitType} is ${bound}.  No limit is specified`;
  if (v.limit > v.enforced) return `maximum ${name} usage per ${limitType} is ${bound}, but limit is ${formatQuantity(lim)}`;
  if (req !== undefined && v.request > v.enforced) return `maximum ${name} usage per ${limitType} is ${bound}, but request is ${formatQuantity(req)}`;
  return undefined;
}

/** For kinds whose limits are not user input (PersistentVolumeClaim): the maximum bounds the request. */
export function maxRequestConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const req = requests.get(name);
  const v = comparableValues(req ?? ZERO_QUANTITY, ZERO_QUANTITY, enforced);
  const bound = formatQuantity(enforced);
  if (req === undefined) return `maximum ${name} usage per ${limitType} is ${bound}.  No request is specified`;
  if (v.request > v.enforced) return `maximum ${name} usage per ${limitType} is ${bound}, but request is ${formatQuantity(req)}`;
  return undefined;
}

export function limitRequestRatioConstraint(limitType: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const v = comparableValues(req ?? ZERO_QUANTITY, lim ?? ZERO_QUANTITY, enforced);
  const bound = formatQuantity(enforced);
  if (req === undefined || v.request === 0n) return `${name} max limit to request ratio per ${limitType} is ${bound}, but no request is specified or request is 0`;
  if (lim === undefined || v.limit === 0n) return `${name} max limit to request ratio per ${limitType} is ${bound}, but no limit is specified or limit is 0`;
  // kube divides in float64 and compares in thousandths when the bound allows.
  const observed = Number(v.limit) / Number(v.request);
  const exceeds = fitsMilli(enforced) ? observed * 1000 > Number(quantityMilliValue(enforced)) : observed > Number(quantityValue(enforced));
  if (exceeds) return `${name} max limit to request ratio per ${limitType} is ${bound}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

/** kube's aggregate error text: duplicates dropped, one reason bare, several as `[a, b]`. */
export function aggregateReasons(reasons: readonly string[]): string | undefined {
  const unique = [...new Set(reasons)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
