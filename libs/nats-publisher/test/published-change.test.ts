import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoDecodeError } from '@logbook/proto';
import { logbook } from '@logbook/etcd-api';
import type { Event } from '@logbook/mvcc';
import { decodePublishedChange, encodePublishedChange, NatsPublisherAssertionError, type PublishedChange } from '../src/index.ts';

const te = new TextEncoder();
const kv = (key: string, rev: number, value = 'v'): Event['kv'] => ({ key: te.encode(key), createRevision: 2, modRevision: rev, version: 3, value: te.encode(value), lease: 0 });

test('round trip: events, with prev_kv and deletes', () => {
  const c: PublishedChange = {
    revision: 42,
    prevRevision: 17,
    reference: false,
    events: [
      { type: 'PUT', kv: kv('/registry/pods/ns/a', 42, 'x'), prevKv: kv('/registry/pods/ns/a', 30, 'old') },
      { type: 'DELETE', kv: { ...kv('/registry/pods/ns/b', 42, ''), createRevision: 0, version: 0 } },
    ],
  };
  assert.deepEqual(decodePublishedChange(encodePublishedChange(c)), c);
});

test('round trip: references, with and without keys', () => {
  const withKeys: PublishedChange = { revision: 9, prevRevision: 0, reference: true, referenceKeys: [te.encode('/registry/a/b/c')] };
  assert.deepEqual(decodePublishedChange(encodePublishedChange(withKeys)), withKeys);
  const bare: PublishedChange = { revision: 2 ** 53 - 1, prevRevision: 2 ** 53 - 2, reference: true, referenceKeys: [] };
  assert.deepEqual(decodePublishedChange(encodePublishedChange(bare)), bare);
});

test('encode refuses what would mislead a subscriber', () => {
  const bad: PublishedChange[] = [
    { revision: 5, prevRevision: 5, reference: true, referenceKeys: [] },
    { revision: 0, prevRevision: 0, reference: true, referenceKeys: [] },
    { revision: 5, prevRevision: -1, reference: true, referenceKeys: [] },
    { revision: 5, prevRevision: 1, reference: false, events: [] },
    { revision: 5, prevRevision: 1, reference: false, events: [{ type: 'PUT', kv: kv('k', 4) }] },
  ];
  for (const c of bad) assert.throws(() => encodePublishedChange(c), NatsPublisherAssertionError, JSON.stringify(c.revision));
});

test('decode refuses malformed bytes and broken invariants', () => {
  const PB = logbook.store.v1.PublishedChange;
  const cases: Array<[string, Uint8Array, string]> = [
    ['truncated', Uint8Array.of(0x08), 'truncated'],
    ['invalid wire type', Uint8Array.of(0x0f, 0x00), 'malformed'],
    ['no revision', PB.encode({ prevRevision: 0, reference: true }).finish(), 'invalid-field'],
    ['prev not below revision', PB.encode({ revision: 3, prevRevision: 3, reference: true }).finish(), 'invalid-field'],
    ['negative prev', PB.encode({ revision: 3, prevRevision: -1, reference: true }).finish(), 'unsafe-integer'],
    ['no events', PB.encode({ revision: 3, prevRevision: 1 }).finish(), 'missing-field'],
    ['reference with events', PB.encode({ revision: 3, prevRevision: 1, reference: true, events: [{ type: 0, kv: { key: te.encode('k'), modRevision: 3 } }] }).finish(), 'invalid-field'],
    ['keys without reference', PB.encode({ revision: 3, prevRevision: 1, referenceKeys: [te.encode('k')], events: [{ type: 0, kv: { key: te.encode('k'), modRevision: 3 } }] }).finish(), 'invalid-field'],
    ['event of another revision', PB.encode({ revision: 3, prevRevision: 1, events: [{ type: 0, kv: { key: te.encode('k'), modRevision: 2 } }] }).finish(), 'invalid-field'],
    ['unknown event type', PB.encode({ revision: 3, prevRevision: 1, events: [{ type: 7 as 0, kv: { key: te.encode('k'), modRevision: 3 } }] }).finish(), 'invalid-enum'],
  ];
  for (const [name, bytes, code] of cases) {
    assert.throws(() => decodePublishedChange(bytes), (e: unknown) => e instanceof ProtoDecodeError && e.code === code, name);
  }
});
