// kube's lists library (k8s.io/apiserver/pkg/cel/library, lists): isSorted,
// sum, min, max, indexOf, lastIndexOf on lists of comparable values.

import { celMethod, CelScalar, isCelUint, listType, type CelFunc, type CelValue } from '@bufbuild/cel';
import { celCompare, celEquals } from './compare.ts';

const LIST = listType(CelScalar.DYN);
const { DYN, BOOL, INT } = CelScalar;

function noOverload(name: string, v: CelValue): Error {
  return new Error(`no such overload: ${name}(${typeof v === 'object' && v !== null ? 'list' : typeof v})`);
}

function extreme(name: 'min' | 'max', list: Iterable<CelValue>): CelValue {
  let best: CelValue | undefined;
  for (const v of list) {
    if (best === undefined) {
      if (celCompare(v, v) === undefined) throw noOverload(name, v);
      best = v;
      continue;
    }
    const c = celCompare(best, v);
    if (c === undefined) throw noOverload(name, v);
    if ((name === 'min' && c === 1) || (name === 'max' && c === -1)) best = v;
  }
  if (best === undefined) throw new Error(`${name} called on empty list`);
  return best;
}

function sum(list: Iterable<CelValue>): CelValue {
  let acc: CelValue = 0n;
  let first = true;
  for (const v of list) {
    if (first) {
      if (typeof v !== 'bigint' && typeof v !== 'number' && !isCelUint(v)) throw noOverload('sum', v);
      acc = v;
      first = false;
    } else if (typeof acc === 'bigint' && typeof v === 'bigint') {
      acc += v;
      if (acc > 9223372036854775807n || acc < -9223372036854775808n) throw new Error('integer overflow');
    } else if (typeof acc === 'number' && typeof v === 'number') {
      acc += v;
    } else {
      throw noOverload('sum', v);
    }
  }
  return acc;
}

export const listsLibrary: readonly CelFunc[] = [
  celMethod('isSorted', LIST, [], BOOL, function () {
    let prev: CelValue | undefined;
    for (const v of this) {
      if (prev !== undefined) {
        const c = celCompare(prev, v);
        if (c === undefined) throw noOverload('isSorted', v);
        if (c === 1) return false;
      }
      prev = v;
    }
    return true;
  }),
  celMethod('sum', LIST, [], DYN, function () {
    return sum(this);
  }),
  celMethod('min', LIST, [], DYN, function () {
    return extreme('min', this);
  }),
  celMethod('max', LIST, [], DYN, function () {
    return extreme('max', this);
  }),
  celMethod('indexOf', LIST, [DYN], INT, function (item) {
    let i = 0n;
    for (const v of this) {
      if (celEquals(v, item)) return i;
      i++;
    }
    return -1n;
  }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (item) {
    const all = [...this];
    for (let i = all.length - 1; i >= 0; i--) {
      const v = all[i];
      if (v !== undefined && celEquals(v, item)) return BigInt(i);
    }
    return -1n;
  }),
];
