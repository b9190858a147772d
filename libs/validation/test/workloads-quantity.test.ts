import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareQuantities, formatQuantity, isNegative, parseQuantity, parseQuantityDetailed, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR,
} from '../src/workloads/quantity.ts';

function q(text: string): NonNullable<ReturnType<typeof parseQuantity>> {
  const v = parseQuantity(text);
  assert.ok(v !== undefined, `${text} should parse`);
  return v;
}

test('quantity: kube canonical forms', () => {
  const cases: Array<[string, string]> = [
    ['0', '0'], ['1', '1'], ['100m', '100m'], ['0.25', '250m'], ['1.5', '1500m'], ['1000', '1k'], ['1500', '1500'],
    ['2000m', '2'], ['1k', '1k'], ['1M', '1M'], ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1.5Gi', '1536Mi'], ['1.5Ki', '1536'],
    ['512', '512'], ['0.5Ki', '512'], ['1000Ki', '1000Ki'], ['1e3', '1e3'], ['1E3', '1e3'], ['1.5e3', '1500'], ['1e4', '10e3'],
    ['-1', '-1'], ['-100m', '-100m'], ['+5', '5'], ['1n', '1n'], ['0.0000000001', '1n'], ['1E', '1E'], ['1e21', '1e21'],
    ['.5', '500m'], ['5.', '5'], ['-', '0'], ['1.G', '1G'], ['0.1Ki', '102400m'], ['12u', '12u'],
  ];
  for (const [text, canonical] of cases) assert.equal(formatQuantity(q(text)), canonical, text);
});

test('quantity: malformed text is refused with kube\'s reason', () => {
  const cases: Array<[string, string]> = [
    ['', QUANTITY_FORMAT_ERROR], ['abc', QUANTITY_FORMAT_ERROR], ['1 ', QUANTITY_FORMAT_ERROR], ['1X', QUANTITY_FORMAT_ERROR],
    ['1..2', QUANTITY_FORMAT_ERROR], ['--1', QUANTITY_SUFFIX_ERROR], ['1Gi ', QUANTITY_FORMAT_ERROR],
    ['1K', QUANTITY_SUFFIX_ERROR], ['1e', QUANTITY_SUFFIX_ERROR], ['1Mi5', QUANTITY_SUFFIX_ERROR], ['1iG', QUANTITY_SUFFIX_ERROR],
    ['1e99999999999', QUANTITY_SUFFIX_ERROR],
  ];
  for (const [text, error] of cases) {
    assert.equal(parseQuantity(text), undefined, text);
    assert.deepEqual(parseQuantityDetailed(text), { ok: false, error }, text);
  }
});

test('quantity: exact ordering across suffixes', () => {
  const cases: Array<[string, string, -1 | 0 | 1]> = [
    ['1', '1000m', 0], ['1Ki', '1024', 0], ['1k', '1Ki', -1], ['500m', '0.5', 0], ['2', '1', 1], ['-1', '1', -1],
    ['-2', '-1', -1], ['0', '-0', 0], ['1e3', '1k', 0], ['1Gi', '1G', 1], ['1e2000000000', '1', 1], ['1e-2000000000', '1n', 0],
    ['0.0000000001', '0.0000000002', 0], ['1Ei', '1E', 1], ['999999999999999999999', '1e21', -1],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(compareQuantities(q(a), q(b)), want, `${a} vs ${b}`);
    assert.equal(compareQuantities(q(b), q(a)), -want || 0, `${b} vs ${a}`);
  }
  assert.equal(isNegative(q('-1m')), true);
  assert.equal(isNegative(q('-0')), false);
  assert.equal(isNegative(q('1')), false);
});
