import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { LogIndex } from '@logbook/raft';
import { KvStateMachine, decodeCommand, encodeCommand, type KvCommand } from '../src/index.ts';

const at = (i: number): LogIndex => i as LogIndex;
const apply = (sm: KvStateMachine, i: number, c: KvCommand) => sm.apply(at(i), encodeCommand(c));

test('put, delete and compare-and-swap', () => {
  const sm = new KvStateMachine();
  assert.deepEqual(apply(sm, 2, { op: 'put', key: 'a', value: '1' }), { op: 'put', index: 2, prev: null });
  assert.deepEqual(apply(sm, 3, { op: 'put', key: 'a', value: '2' }), { op: 'put', index: 3, prev: '1' });
  assert.deepEqual(apply(sm, 4, { op: 'cas', key: 'a', expected: '1', value: 'x' }), { op: 'cas', index: 4, succeeded: false, current: '2' });
  assert.equal(sm.get('a'), '2');
  assert.deepEqual(apply(sm, 5, { op: 'cas', key: 'a', expected: '2', value: '3' }), { op: 'cas', index: 5, succeeded: true, current: '3' });
  assert.deepEqual(apply(sm, 6, { op: 'cas', key: 'b', expected: null, value: 'new' }), { op: 'cas', index: 6, succeeded: true, current: 'new' });
  assert.deepEqual(apply(sm, 7, { op: 'cas', key: 'b', expected: null, value: 'again' }), { op: 'cas', index: 7, succeeded: false, current: 'new' });
  assert.deepEqual(apply(sm, 8, { op: 'cas', key: 'b', expected: 'new', value: null }), { op: 'cas', index: 8, succeeded: true, current: null });
  assert.equal(sm.get('b'), undefined);
  assert.deepEqual(apply(sm, 9, { op: 'delete', key: 'a' }), { op: 'delete', index: 9, prev: '3' });
  assert.deepEqual(apply(sm, 10, { op: 'delete', key: 'a' }), { op: 'delete', index: 10, prev: null });
  assert.equal(sm.size, 0);
  assert.equal(sm.applied, 10);
});

test('a malformed command applies as a deterministic no-op', () => {
  const sm = new KvStateMachine();
  apply(sm, 2, { op: 'put', key: 'k', value: 'v' });
  for (const bad of ['not json', '[]', '{"op":"put","key":"k"}', '{"op":"zap","key":"k"}', '{"op":"put","key":"","value":"v"}']) {
    const r = sm.apply(at(3), new TextEncoder().encode(bad));
    assert.equal(r.op, 'invalid', bad);
  }
  assert.equal(sm.apply(at(4), new Uint8Array([0xff, 0xfe])).op, 'invalid');
  assert.equal(sm.get('k'), 'v');
});

test('decodeCommand validates keys and value types', () => {
  assert.ok('invalid' in decodeCommand(encodeCommand({ op: 'put', key: 'x'.repeat(1025), value: 'v' })));
  assert.ok('invalid' in decodeCommand(new TextEncoder().encode('{"op":"cas","key":"k","expected":1,"value":null}')));
  assert.deepEqual(decodeCommand(encodeCommand({ op: 'delete', key: 'k' })), { op: 'delete', key: 'k' });
});

test('snapshot and restore round-trip; empty data is the empty state; malformed data throws', () => {
  const sm = new KvStateMachine();
  for (let i = 0; i < 50; i++) apply(sm, i + 2, { op: 'put', key: `k${i}`, value: `v${i}` });
  const other = new KvStateMachine();
  other.restore(sm.snapshot(), at(51));
  assert.equal(other.size, 50);
  assert.equal(other.get('k7'), 'v7');
  assert.equal(other.applied, 51);
  other.restore(new Uint8Array(0), at(1));
  assert.equal(other.size, 0);
  assert.throws(() => other.restore(new TextEncoder().encode('{"entries":[[1,2]]}'), at(5)), /malformed/);
});
