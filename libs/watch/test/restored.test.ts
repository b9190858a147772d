import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '@logbook/backend';
import { MvccStore, type Event, type MvccRequest } from '@logbook/mvcc';
import { WatchHub } from '../src/index.ts';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('WatchHub.restored', () => {
  it('a synced watcher catches up from history after the state jumps, without gaps', () => {
    const store = new MvccStore(new MemoryBackend());
    let index = 1;
    const apply = (r: MvccRequest): readonly Event[] => {
      const result = store.apply(++index, r);
      assert.ok(result?.ok);
      return result.events;
    };
    const hub = new WatchHub(store);
    const w = hub.create({ key: b('k'), rangeEnd: b('l') });
    // Revisions 2..4 are applied without being published (as when a snapshot is installed).
    apply({ type: 'put', request: { key: b('k1'), value: b('a') } });
    apply({ type: 'put', request: { key: b('k2'), value: b('b') } });
    apply({ type: 'deleteRange', request: { key: b('k1') } });
    hub.restored(store.currentRevision);
    hub.publish(apply({ type: 'put', request: { key: b('k3'), value: b('c') } }), 5);
    const revisions: number[] = [];
    for (let r = w.poll(); r !== undefined; r = w.poll()) for (const e of r.events) revisions.push(e.kv.modRevision);
    assert.deepEqual(revisions, [2, 3, 4, 5]);
  });
});
