import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exceedsDepth, MAX_BODY_DEPTH } from '../src/index.ts';

const nested = (depth: number): unknown => JSON.parse('{"a":'.repeat(depth - 1) + '[]' + '}'.repeat(depth - 1));

test('nesting up to the limit passes; one more level does not; scalars count as no level', () => {
  assert.equal(exceedsDepth(nested(MAX_BODY_DEPTH)), false);
  assert.equal(exceedsDepth(nested(MAX_BODY_DEPTH + 1)), true);
  assert.equal(exceedsDepth('x'), false);
  assert.equal(exceedsDepth({ a: [1, { b: 2 }] }, 3), false);
  assert.equal(exceedsDepth({ a: [1, { b: {} }] }, 3), true);
});

test('a body far deeper than any stack is measured without recursion', () => {
  const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
  assert.equal(exceedsDepth(deep), true);
});
