// Bugs the store simulator found outside libs/sim, reproduced
// deterministically; fixed, and these tests keep them fixed.
//
// Compaction at C deletes a tombstone at exactly C (libs/mvcc
// compaction.ts), so a watch from C — allowed, C is not below the
// compaction — never sees that delete. etcd had the same bug
// (etcd-io/etcd#18089) and fixed it by keeping a tombstone at the
// compaction revision.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '@logbook/backend';
import { MvccStore } from '@logbook/mvcc';
import { WatchHub } from '@logbook/watch';
import { runSimulation } from '../src/simulation.ts';

const enc = new TextEncoder();

describe('known bug: a watch from the compacted revision misses a delete at it', () => {
  it('directly: put k @2, delete k @3, compact 3, watch from 3 sees the delete', () => {
    const mvcc = new MvccStore(new MemoryBackend());
    const key = enc.encode('k');
    mvcc.apply(1, { type: 'put', request: { key, value: enc.encode('v') } });
    mvcc.apply(2, { type: 'deleteRange', request: { key } });
    assert.equal(mvcc.currentRevision, 3);
    const compacted = mvcc.apply(3, { type: 'compaction', request: { revision: 3 } });
    assert.equal(compacted?.ok, true);
    const w = new WatchHub(mvcc).create({ key, startRevision: 3 });
    const responses = [];
    for (let r = w.poll(); r !== undefined; r = w.poll()) responses.push(r);
    assert.equal(responses[0]?.created, true);
    assert.ok(responses.every((r) => !r.canceled), 'a watch from the compacted revision itself is served');
    assert.deepEqual(responses.flatMap((r) => r.events.map((e) => `${e.type}@${e.kv.modRevision}`)), ['DELETE@3']);
  });

  it('in the simulator: store seed 227 passes', async () => {
    const r = await runSimulation({ seed: 227, workload: 'store' });
    assert.equal(r.violation, undefined);
  });
});
