import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addQuantities, parseQuantity, subtractQuantities, ZERO_QUANTITY, type Quantity } from '../src/index.ts';

const q = (s: string): Quantity => {
  const v = parseQuantity(s);
  assert.ok(v !== undefined, s);
  return v;
};

test('sums and differences are exact and printed as kube prints them; a zero receiver takes the operand\'s format', () => {
  const cases: [string, string, '+' | '-', string][] = [
    ['0', '1Gi', '+', '1Gi'],
    ['1Gi', '512Mi', '+', '1536Mi'],
    ['100m', '250m', '+', '350m'],
    ['1', '250m', '-', '750m'],
    ['1k', '1', '+', '1001'],
    ['1Gi', '1Gi', '-', '0'],
    ['1', '2', '-', '-1'],
  ];
  for (const [a, b, op, want] of cases) {
    const got = op === '+' ? addQuantities(q(a), q(b)) : subtractQuantities(q(a), q(b));
    assert.equal(got.text, want, `${a} ${op} ${b}`);
  }
  assert.equal(addQuantities(ZERO_QUANTITY, q('64Mi')).format, 'BinarySI');
  assert.equal(addQuantities(q('1'), q('64Mi')).format, 'DecimalSI');
});
