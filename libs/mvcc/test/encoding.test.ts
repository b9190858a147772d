import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareBytes, decodeRecord, decodeRev, decodeU64, encodeRecord, encodeRev, escapeKey, escapedKeyEnd, prefixEnd, u64, unescapeKey,
} from '../src/encoding.ts';
import { MvccAssertionError } from '../src/errors.ts';
import { rng } from './harness.ts';

function randomKey(r: () => number): Uint8Array {
  const n = Math.floor(r() * 5);
  // Bias towards 0x00, 0x01, 0xff: the escape's edge cases.
  return Uint8Array.from({ length: n }, () => [0, 1, 0xff, 2, 0x61][Math.floor(r() * 5)]!);
}

test('u64 round-trips and orders numerically, including above 2^32', () => {
  const values = [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER];
  for (const v of values) assert.equal(decodeU64(u64(v)), v);
  for (let i = 1; i < values.length; i++) assert.ok(compareBytes(u64(values[i - 1]!), u64(values[i]!)) < 0);
});

test('u64 refuses negative, fractional and unsafe numbers', () => {
  for (const v of [-1, 1.5, 2 ** 53, NaN, Infinity]) assert.throws(() => u64(v), MvccAssertionError);
});

test('revisions order by (main, sub)', () => {
  assert.deepEqual(decodeRev(encodeRev({ main: 7, sub: 3 })), { main: 7, sub: 3 });
  assert.ok(compareBytes(encodeRev({ main: 1, sub: 999 }), encodeRev({ main: 2, sub: 0 })) < 0);
  assert.ok(compareBytes(encodeRev({ main: 2, sub: 0 }), encodeRev({ main: 2, sub: 1 })) < 0);
});

test('escapeKey preserves order, is prefix-free and round-trips (random keys)', () => {
  const r = rng(42);
  for (let i = 0; i < 3000; i++) {
    const a = randomKey(r);
    const c = randomKey(r);
    const ea = escapeKey(a);
    const ec = escapeKey(c);
    assert.equal(Math.sign(compareBytes(ea, ec)), Math.sign(compareBytes(a, c)), `${a.join(",")} vs ${c.join(",")}`);
    assert.deepEqual(unescapeKey(ea, 0), { key: a, end: ea.length });
    // Every index entry of a (escaped ++ revision) stays below escapedKeyEnd(a),
    // which is <= the escape of any greater key.
    const entry = Uint8Array.from([...ea, ...encodeRev({ main: 2 ** 40, sub: 5 })]);
    assert.ok(compareBytes(entry, escapedKeyEnd(ea)) < 0);
    if (compareBytes(a, c) < 0) assert.ok(compareBytes(escapedKeyEnd(ea), ec) <= 0);
  }
});

test('unescapeKey rejects corrupt input', () => {
  assert.throws(() => unescapeKey(Uint8Array.from([0x61]), 0), MvccAssertionError);
  assert.throws(() => unescapeKey(Uint8Array.from([0x61, 0, 7]), 0), MvccAssertionError);
});

test('prefixEnd', () => {
  assert.deepEqual(prefixEnd(Uint8Array.from([1, 2])), Uint8Array.from([1, 3]));
  assert.deepEqual(prefixEnd(Uint8Array.from([1, 0xff])), Uint8Array.from([2]));
  assert.equal(prefixEnd(Uint8Array.from([0xff, 0xff])), undefined);
});

test('history records round-trip; corrupt records are assertion failures', () => {
  const kv = { key: Uint8Array.from([0, 1]), value: Uint8Array.from([9, 9, 9]), createRevision: 2, modRevision: 5, version: 3, lease: 2 ** 45 };
  assert.deepEqual(decodeRecord(encodeRecord({ tombstone: false, kv })), { tombstone: false, kv });
  const enc = encodeRecord({ tombstone: true, kv: { ...kv, value: new Uint8Array(0) } });
  assert.equal(decodeRecord(enc).tombstone, true);
  assert.throws(() => decodeRecord(enc.slice(0, 10)), MvccAssertionError);
  const bad = enc.slice();
  bad[0] = 9;
  assert.throws(() => decodeRecord(bad), MvccAssertionError);
});
