// kube's quantity library: quantity(), isQuantity() and the Quantity methods.
// The evaluator has no way to add an opaque type, so a Quantity is a one-entry
// map under a key no JSON object carries ("@quantity" → canonical string);
// the methods are declared on maps and refuse any map without the key.

import { celFunc, celMethod, CelScalar, isCelMap, mapType, type CelFunc, type CelValue } from '@bufbuild/cel';
import { addQuantity, compareQuantity, formatQuantity, parseQuantity, type QuantityValue } from './quantity.ts';

const QUANTITY_KEY = '@quantity';
const Q = mapType(CelScalar.DYN, CelScalar.DYN);
const { STRING, BOOL, INT, DOUBLE } = CelScalar;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function make(q: QuantityValue): Map<string, string> {
  return new Map([[QUANTITY_KEY, formatQuantity(q)]]);
}

function valueOf(v: CelValue, fn: string): QuantityValue {
  if (isCelMap(v)) {
    const text = v.get(QUANTITY_KEY);
    if (typeof text === 'string' && v.size === 1) return parseQuantity(text);
  }
  throw new Error(`no such overload: ${fn}`);
}

function isQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch {
    // Any parse failure is the answer "no", not an error.
    return false;
  }
}

function fromInt(n: bigint): QuantityValue {
  return { num: n, den: 1n };
}

export const quantityLibrary: readonly CelFunc[] = [
  celFunc('quantity', [STRING], Q, (s) => make(parseQuantity(s))),
  celFunc('isQuantity', [STRING], BOOL, isQuantity),
  celMethod('sign', Q, [], INT, function () {
    const q = valueOf(this, 'sign');
    return q.num > 0n ? 1n : q.num < 0n ? -1n : 0n;
  }),
  celMethod('isInteger', Q, [], BOOL, function () {
    const q = valueOf(this, 'isInteger');
    return q.den === 1n && q.num <= INT64_MAX && q.num >= INT64_MIN;
  }),
  celMethod('asInteger', Q, [], INT, function () {
    const q = valueOf(this, 'asInteger');
    if (q.den !== 1n || q.num > INT64_MAX || q.num < INT64_MIN) throw new Error('cannot convert value to integer');
    return q.num;
  }),
  celMethod('asApproximateFloat', Q, [], DOUBLE, function () {
    const q = valueOf(this, 'asApproximateFloat');
    return Number(q.num) / Number(q.den);
  }),
  celMethod('compareTo', Q, [Q], INT, function (other) {
    return BigInt(compareQuantity(valueOf(this, 'compareTo'), valueOf(other, 'compareTo')));
  }),
  celMethod('isGreaterThan', Q, [Q], BOOL, function (other) {
    return compareQuantity(valueOf(this, 'isGreaterThan'), valueOf(other, 'isGreaterThan')) === 1;
  }),
  celMethod('isLessThan', Q, [Q], BOOL, function (other) {
    return compareQuantity(valueOf(this, 'isLessThan'), valueOf(other, 'isLessThan')) === -1;
  }),
  celMethod('add', Q, [Q], Q, function (other) {
    return make(addQuantity(valueOf(this, 'add'), valueOf(other, 'add'), 1n));
  }),
  celMethod('add', Q, [INT], Q, function (n) {
    return make(addQuantity(valueOf(this, 'add'), fromInt(n), 1n));
  }),
  celMethod('sub', Q, [Q], Q, function (other) {
    return make(addQuantity(valueOf(this, 'sub'), valueOf(other, 'sub'), -1n));
  }),
  celMethod('sub', Q, [INT], Q, function (n) {
    return make(addQuantity(valueOf(this, 'sub'), fromInt(n), -1n));
  }),
];
