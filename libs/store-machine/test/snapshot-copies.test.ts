import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbBackend, MemoryBackend } from '@logbook/backend';
import { EMPTY_REQUEST_CONTEXT, encodeStoreEntry } from '@logbook/etcd-api';
import type { MvccRequest } from '@logbook/mvcc';
import type { LogIndex } from '@logbook/raft';
import { SnapshotCopies, SnapshotFormatError, StoreStateMachine, decodeCopyDescriptor } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'sm-copies-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => join(root, `m${counter++}`);

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const entry = (request: MvccRequest): Uint8Array => encodeStoreEntry({ context: EMPTY_REQUEST_CONTEXT, request });
const put = (k: string, v: string): Uint8Array => entry({ type: 'put', request: { key: b(k), value: b(v) } });
const ix = (n: number): LogIndex => n as LogIndex;

interface CopyMember {
  readonly dir: string;
  readonly backend: LmdbBackend;
  readonly copies: SnapshotCopies;
  readonly sm: StoreStateMachine;
}

function member(dir = fresh(), bootId = 'boot-1'): CopyMember {
  const backend = LmdbBackend.open(join(dir, 'db'), { commitSync: 'none', bootId });
  const copies = SnapshotCopies.open(join(dir, 'snap-db'));
  return { dir, backend, copies, sm: new StoreStateMachine({ backend, copies }) };
}

/** What the transport does between two members: the sender's copy file, streamed into the receiver's copies. */
async function transfer(from: SnapshotCopies, to: SnapshotCopies, index: LogIndex): Promise<number> {
  const reader = await from.read(index);
  const writer = await to.receive(index);
  let bytes = 0;
  try {
    for await (const chunk of reader.chunks) {
      bytes += chunk.byteLength;
      await writer.write(chunk);
    }
    await writer.complete();
  } finally {
    await reader.close();
  }
  assert.equal(bytes, reader.size);
  return bytes;
}

/** Applies `n` puts of ~1 KiB from index `first` on. */
function fill(sm: StoreStateMachine, first: number, n: number): void {
  sm.applyBatch(Array.from({ length: n }, (_, i) => ({ index: ix(first + i), data: put(`k/${String(i % 3000).padStart(5, '0')}`, `${first + i}`.repeat(100)) })));
}

describe('StoreStateMachine with snapshot copies', () => {
  it('a periodic snapshot is a small descriptor and an LMDB copy on disk; a peer installs the copy and agrees on HashKV', async () => {
    const a = member();
    const c = member();
    try {
      fill(a.sm, 2, 5000);
      const data = await a.sm.snapshotAsync(ix(5001));
      assert.equal(data.byteLength, 9, 'the Raft snapshot holds a descriptor, not the state');
      assert.equal(decodeCopyDescriptor(data), 5001);
      assert.ok(a.copies.has(ix(5001)));
      fill(a.sm, 5002, 10); // after the copy: replayed on the receiver from the log

      const bytes = await transfer(a.copies, c.copies, ix(5001));
      assert.ok(bytes > 1_000_000, `a copy of ~1 MB of state (${bytes} bytes)`);
      fill(c.sm, 2, 3); // stale state of its own, replaced
      const restored: number[] = [];
      c.sm.onRestored((rev) => restored.push(rev));
      const pending = c.sm.restore(data, ix(5001));
      assert.ok(pending instanceof Promise, 'installing a copy is asynchronous');
      await pending;
      assert.equal(c.sm.mvcc.appliedIndex, 5001);
      assert.deepEqual(restored, [c.sm.mvcc.currentRevision]);
      // The log after the snapshot brings it level with the sender.
      fill(c.sm, 5002, 10);
      assert.deepEqual(c.sm.mvcc.hashKv(0), a.sm.mvcc.hashKv(0));
    } finally {
      await Promise.all([a.backend.close(), c.backend.close()]);
    }
  });

  it('a restart with the backend intact skips the copy; after a machine crash discarded the backend, the copy rebuilds it', async () => {
    const a = member();
    fill(a.sm, 2, 2000);
    const data = await a.sm.snapshotAsync(ix(2001));
    fill(a.sm, 2002, 50);
    const expected = a.sm.mvcc.hashKv(0);
    await a.backend.close();

    const again = member(a.dir);
    assert.equal(again.sm.restore(data, ix(2001)), undefined, 'the backend is past the snapshot: nothing to restore');
    assert.deepEqual(again.sm.mvcc.hashKv(0), expected);
    await again.backend.close();

    // A machine crash: the backend's unsynced marker names an earlier boot, so it opens empty.
    writeFileSync(join(a.dir, 'db', 'unsynced'), 'boot-1\n');
    const rebooted = member(a.dir, 'boot-2');
    try {
      assert.equal(rebooted.backend.discardedAfterMachineCrash, true);
      assert.equal(rebooted.sm.mvcc.appliedIndex, 0);
      await rebooted.sm.restore(data, ix(2001));
      assert.equal(rebooted.sm.mvcc.appliedIndex, 2001);
      // The WAL's entries after the snapshot are replayed on top.
      fill(rebooted.sm, 2002, 50);
      assert.deepEqual(rebooted.sm.mvcc.hashKv(0), expected);
    } finally {
      await rebooted.backend.close();
    }
  });

  it('keeps the newest copy before the current one and any newer; removes older copies and interrupted transfers', async () => {
    const a = member();
    try {
      for (const i of [10, 20, 30]) {
        fill(a.sm, i, 1);
        await a.sm.snapshotAsync(ix(i));
      }
      assert.deepEqual(a.copies.indexes(), [20, 30]);
      // A transfer of a newer snapshot is under way; an older one was interrupted by a crash.
      const incoming = await a.copies.receive(ix(99));
      await incoming.write(new Uint8Array(10));
      fill(a.sm, 40, 1);
      await a.sm.snapshotAsync(ix(40));
      assert.deepEqual(a.copies.indexes(), [30, 40]);
      assert.ok(readdirSync(a.copies.dir).some((n) => n.endsWith('.partial')));
      const reopened = SnapshotCopies.open(a.copies.dir);
      assert.ok(!readdirSync(reopened.dir).some((n) => n.endsWith('.partial')), 'open removes partial transfers');
      await incoming.abort();
    } finally {
      await a.backend.close();
    }
  });

  it('an aborted transfer leaves nothing; a missing or foreign copy is a loud error, not an empty state', async () => {
    const a = member();
    const c = member();
    try {
      fill(a.sm, 2, 100);
      const data = await a.sm.snapshotAsync(ix(101));
      const writer = await c.copies.receive(ix(101));
      await writer.write(new Uint8Array(4096));
      await writer.abort();
      assert.deepEqual(readdirSync(c.copies.dir), []);
      await assert.rejects(Promise.resolve(c.sm.restore(data, ix(101))), /no LMDB copy/);
      assert.equal(c.sm.mvcc.appliedIndex, 0, 'nothing changed');
      await assert.rejects(Promise.resolve(c.sm.restore(data, ix(102))), SnapshotFormatError);
      const plain = new StoreStateMachine({ backend: new MemoryBackend() });
      await assert.rejects(Promise.resolve(plain.restore(data, ix(101))), SnapshotFormatError);
      assert.throws(() => new StoreStateMachine({ backend: new MemoryBackend(), copies: c.copies }), TypeError);
    } finally {
      await Promise.all([a.backend.close(), c.backend.close()]);
    }
  });
});
