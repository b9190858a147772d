// The watch encoder's shortcut writes exactly what the general encoder writes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as api from '@logbook/etcd-api';
import type { Event, KeyValue } from '@logbook/mvcc';
import type { WatchResponse } from '@logbook/watch';
import { WatchResponseEncoder } from '../src/watch-response-encoder.ts';

const te = (s: string): Uint8Array => new TextEncoder().encode(s);
const kv = (key: string, rev: number, value: string): KeyValue => ({ key: te(key), createRevision: 2, modRevision: rev, version: rev - 1, value: te(value), lease: 0 });
const delivery = (watchId: number, revision: number, events: readonly Event[]): WatchResponse => ({
  header: { revision },
  watchId,
  created: false,
  canceled: false,
  compactRevision: 0,
  cancelReason: '',
  fragment: false,
  events,
});
const id = { clusterId: 3_623_446_549_073_527, memberId: 2_508_949_644_514_887, raftTerm: 7 };

describe('WatchResponseEncoder', () => {
  const put = kv('/registry/pods/ns/a', 41, 'x'.repeat(300));
  const prev = kv('/registry/pods/ns/a', 40, 'old');
  const del: KeyValue = { key: te('/registry/pods/ns/b'), createRevision: 0, modRevision: 41, version: 0, value: new Uint8Array(0), lease: 0 };
  const withPrev: Event = { type: 'PUT', kv: put, prevKv: prev };
  const withoutPrev: Event = { type: 'PUT', kv: put };
  const deletion: Event = { type: 'DELETE', kv: del, prevKv: prev };

  it('writes the bytes protobufjs writes, for every watcher of a revision, with and without prev_kv', () => {
    const enc = new WatchResponseEncoder();
    const cases: WatchResponse[] = [
      delivery(0, 41, [withoutPrev]),
      delivery(1, 41, [withPrev]),
      delivery(127, 41, [withoutPrev, deletion]),
      delivery(128, 41, [withPrev, deletion]),
      delivery(2 ** 40 + 3, 41, [deletion]),
      delivery(5, 41, [withoutPrev]),
      delivery(5, 42, [withoutPrev]),
    ];
    for (const r of cases) {
      const got = enc.encode(r, id);
      assert.ok(Buffer.from(got).equals(Buffer.from(api.encodeWatchResponse(r, id))), `watch ${r.watchId} at ${r.header.revision}`);
      const back = api.decodeWatchResponse(got);
      assert.equal(back.response.watchId, r.watchId);
      assert.equal(back.response.events.length, r.events.length);
      assert.equal(back.header.raftTerm, 7);
    }
    // A new term is a new header.
    const later = { ...id, raftTerm: 8 };
    assert.equal(api.decodeWatchResponse(enc.encode(delivery(1, 42, [withPrev]), later)).header.raftTerm, 8);
  });

  it('leaves every other response to the general encoder', () => {
    const enc = new WatchResponseEncoder();
    const others: WatchResponse[] = [
      { ...delivery(3, 41, []), created: true },
      { ...delivery(3, 41, []), canceled: true, cancelReason: 'gone' },
      { ...delivery(3, 41, []), compactRevision: 9, canceled: true },
      { ...delivery(3, 41, [withPrev]), fragment: true },
      delivery(3, 41, []),
      delivery(-1, 41, [withPrev]),
    ];
    for (const r of others) assert.ok(Buffer.from(enc.encode(r, id)).equals(Buffer.from(api.encodeWatchResponse(r, id))));
  });
});
