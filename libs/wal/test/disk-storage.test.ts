import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryStorage, SnapshotOutOfDateError } from '@logbook/raft/core';
import type { ConfState, HardState, LogIndex, NodeId, Snapshot, Term } from '@logbook/raft/core';
import { DiskStorage, type DiskStorageOptions } from '../src/disk-storage.ts';
import { SnapshotCorruptError, WalClosedError, WalExistsError, WalNotFoundError } from '../src/errors.ts';
import { parseSegmentName, parseSnapshotName } from '../src/file-names.ts';
import { CountingFs } from '../src/fs/counting-fs.ts';
import { FsError, MemFs } from '../src/fs/mem-fs.ts';
import type { WalFs } from '../src/fs/wal-fs.ts';
import { SnapshotStore } from '../src/snapshot-store.ts';
import { entries, entry, fsVariants, prng, RecordingLogger, shape, text } from './helpers.ts';

const CS: ConfState = { voters: [1, 2, 3] as NodeId[], learners: [] };
const META = { memberId: 1, clusterId: 9 };
const I = (n: number): LogIndex => n as LogIndex;
const hs = (term: number, vote: number, commit: number): HardState => ({ term: term as Term, vote: vote as NodeId, commit: I(commit) });

function options(fs: WalFs, extra: Partial<DiskStorageOptions> = {}): DiskStorageOptions & { metadata: typeof META; logger: RecordingLogger } {
  return { fs, logger: new RecordingLogger(), metadata: META, ...extra } as DiskStorageOptions & { metadata: typeof META; logger: RecordingLogger };
}

function allEntries(ds: DiskStorage) {
  const s = ds.storage;
  return shape(s.entries(s.firstIndex(), I(s.lastIndex() + 1), Infinity));
}

async function snapshotFiles(fs: WalFs, dir: string): Promise<number[]> {
  return (await fs.readdir(join(dir, 'snap')))
    .map((n) => parseSnapshotName(n)?.index)
    .filter((i) => i !== undefined)
    .sort((a, b) => a - b);
}

for (const v of fsVariants) {
  describe(`DiskStorage on ${v.name}`, () => {
    it('bootstrap gives the same state as MemoryStorage.bootstrap, before and after a restart', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const ref = MemoryStorage.bootstrap(CS);
        let ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        for (let round = 0; round < 2; round++) {
          const s = ds.storage;
          assert.deepEqual(s.initialState(), ref.initialState());
          assert.equal(s.firstIndex(), ref.firstIndex());
          assert.equal(s.lastIndex(), ref.lastIndex());
          assert.equal(s.term(ref.lastIndex()), ref.term(ref.lastIndex()));
          assert.deepEqual(s.snapshot().metadata, ref.snapshot().metadata);
          await ds.close();
          ds = await DiskStorage.open(dir, options(fs));
        }
        assert.deepEqual(ds.metadata, META);
        await ds.close();
        await assert.rejects(DiskStorage.bootstrap(dir, CS, options(fs)), WalExistsError);
      } finally {
        await cleanup();
      }
    });

    it('persisted entries and HardState survive a restart; raft truncation replaces the suffix', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        let ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        await ds.persist({ entries: entries(2, 6, 1), hardState: hs(1, 1, 3), mustSync: true });
        await ds.persist({ entries: entries(4, 5, 2, (i) => `new${i}`), hardState: hs(2, 2, 3), mustSync: true });
        const expected = [
          { index: 2, term: 1, type: 'normal', data: 'e2' },
          { index: 3, term: 1, type: 'normal', data: 'e3' },
          { index: 4, term: 2, type: 'normal', data: 'new4' },
          { index: 5, term: 2, type: 'normal', data: 'new5' },
        ];
        assert.deepEqual(allEntries(ds), expected);
        await ds.close();
        ds = await DiskStorage.open(dir, options(fs));
        assert.deepEqual(allEntries(ds), expected);
        assert.deepEqual(ds.storage.initialState().hardState, hs(2, 2, 3));
        assert.equal(ds.storage.lastIndex(), 5);
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('a snapshot received from the leader replaces the log, also after a restart', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        let ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        await ds.persist({ entries: entries(2, 6, 1), hardState: hs(1, 0, 2), mustSync: true });
        const snap: Snapshot = {
          metadata: { index: I(20), term: 3 as Term, confState: { voters: [1, 2, 3, 4] as NodeId[], learners: [] } },
          data: new TextEncoder().encode('leader state'),
        };
        await ds.persist({ snapshot: snap, entries: entries(21, 22, 3), hardState: hs(3, 0, 20), mustSync: false });
        const check = (d: DiskStorage) => {
          assert.equal(d.storage.firstIndex(), 21);
          assert.equal(d.storage.lastIndex(), 22);
          assert.equal(d.storage.term(I(20)), 3);
          assert.deepEqual(d.storage.snapshot().metadata, snap.metadata);
          assert.equal(text(d.storage.snapshot().data), 'leader state');
          assert.deepEqual(d.storage.initialState().confState, snap.metadata.confState);
        };
        check(ds);
        await ds.close();
        ds = await DiskStorage.open(dir, options(fs));
        check(ds);
        assert.deepEqual(await snapshotFiles(fs, dir), [1, 20]);
        await assert.rejects(ds.persist({ snapshot: snap, entries: [], mustSync: true }), SnapshotOutOfDateError);
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('createSnapshot compacts (keeping retainEntries), releases segments and old snapshot files', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const opts = options(fs, { segmentSizeBytes: 1024 });
        let ds = await DiskStorage.bootstrap(dir, CS, opts);
        for (let i = 2; i <= 60; i++) await ds.persist({ entries: [entry(i, 1, 'd'.repeat(60))], hardState: hs(1, 1, i), mustSync: true });
        const segsBefore = (await fs.readdir(join(dir, 'wal'))).filter((n) => parseSegmentName(n)).length;
        const snap = await ds.createSnapshot(I(50), CS, new TextEncoder().encode('sm@50'), 5);
        assert.deepEqual(snap.metadata, { index: 50, term: 1, confState: CS });
        assert.equal(ds.storage.firstIndex(), 46);
        assert.equal(ds.storage.snapshot().metadata.index, 50);
        const segsAfter = (await fs.readdir(join(dir, 'wal'))).filter((n) => parseSegmentName(n)).length;
        assert.ok(segsAfter < segsBefore, `segments ${segsBefore} -> ${segsAfter}`);
        await assert.rejects(ds.createSnapshot(I(50), CS, new Uint8Array(0), 0), SnapshotOutOfDateError);
        await ds.createSnapshot(I(55), CS, new Uint8Array(0), 0);
        await ds.createSnapshot(I(58), CS, new Uint8Array(0), 0);
        assert.deepEqual(await snapshotFiles(fs, dir), [55, 58], 'keeps the two newest snapshot files');
        await ds.close();
        ds = await DiskStorage.open(dir, opts);
        assert.equal(ds.storage.snapshot().metadata.index, 58);
        assert.equal(ds.storage.firstIndex(), 59);
        assert.equal(ds.storage.lastIndex(), 60);
        assert.deepEqual(ds.storage.initialState().hardState, hs(1, 1, 60));
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('a corrupt newest snapshot falls back to an older one when the WAL still covers it', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        let ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        await ds.persist({ entries: entries(2, 30, 1), hardState: hs(1, 1, 30), mustSync: true });
        await ds.createSnapshot(I(10), CS, new TextEncoder().encode('sm@10'), 100);
        await ds.createSnapshot(I(20), CS, new TextEncoder().encode('sm@20'), 100);
        await ds.close();
        const f = await fs.open(join(dir, 'snap', '0000000000000014-0000000000000001.snap'), 'read-write');
        await f.write(new Uint8Array([0xff, 0xff]), 40);
        await f.datasync();
        await f.close();
        const opts = options(fs);
        ds = await DiskStorage.open(dir, opts);
        assert.equal(ds.storage.snapshot().metadata.index, 10);
        assert.equal(text(ds.storage.snapshot().data), 'sm@10');
        assert.equal(ds.storage.firstIndex(), 11);
        assert.equal(ds.storage.lastIndex(), 30);
        assert.ok(opts.logger.has('error', 'corrupt'));
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('a corrupt snapshot is a SnapshotCorruptError when nothing else covers the log', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const opts = options(fs, { segmentSizeBytes: 1024 });
        const ds = await DiskStorage.bootstrap(dir, CS, opts);
        for (let i = 2; i <= 40; i++) await ds.persist({ entries: [entry(i, 1, 'c'.repeat(60))], mustSync: true });
        await ds.createSnapshot(I(35), CS, new Uint8Array(0), 0);
        await ds.close();
        const name = (await fs.readdir(join(dir, 'snap'))).find((n) => parseSnapshotName(n)?.index === 35)!;
        const f = await fs.open(join(dir, 'snap', name), 'read-write');
        await f.write(new Uint8Array([1, 2, 3]), 20);
        await f.datasync();
        await f.close();
        await assert.rejects(DiskStorage.open(dir, opts), (err: unknown) => err instanceof SnapshotCorruptError && err.file === name);
      } finally {
        await cleanup();
      }
    });

    it('a snapshot file the WAL never recorded is ignored and removed', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        let ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        await ds.persist({ entries: entries(2, 5, 1), mustSync: true });
        await ds.close();
        const store = await SnapshotStore.open(fs, join(dir, 'snap'), new RecordingLogger());
        await store.save({ metadata: { index: I(50), term: 9 as Term, confState: CS }, data: new Uint8Array(0) });
        const opts = options(fs);
        ds = await DiskStorage.open(dir, opts);
        assert.equal(ds.storage.snapshot().metadata.index, 1);
        assert.equal(ds.storage.lastIndex(), 5);
        assert.ok(opts.logger.has('warn', 'never recorded'));
        assert.deepEqual(await snapshotFiles(fs, dir), [1]);
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('one persist is one write and at most one fdatasync', async () => {
      const { fs: inner, dir, cleanup } = await v.make();
      try {
        const fs = new CountingFs(inner);
        const ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        fs.reset();
        await ds.persist({ entries: entries(2, 200, 1), hardState: hs(1, 1, 2), mustSync: true });
        assert.deepEqual([fs.counts.writes, fs.counts.datasyncs], [1, 1]);
        await ds.persist({ entries: [], mustSync: false });
        assert.equal(fs.counts.writes, 1, 'an empty batch writes nothing');
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('a commit-only HardState is held: it goes out with the next write, a snapshot marker or close', async () => {
      const { fs: inner, dir, cleanup } = await v.make();
      try {
        const fs = new CountingFs(inner);
        let ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        await ds.persist({ entries: entries(2, 200, 1), hardState: hs(1, 1, 2), mustSync: true });
        fs.reset();
        await ds.persist({ entries: [], hardState: hs(1, 1, 50), mustSync: false });
        await ds.persist({ entries: [], hardState: hs(1, 1, 60), mustSync: false });
        assert.deepEqual([fs.counts.writes, fs.counts.datasyncs], [0, 0], 'commit-only: nothing written yet');
        assert.deepEqual(ds.storage.initialState().hardState, hs(1, 1, 60), 'but storage shows it at once');
        // Entries without a HardState carry the held one in their write.
        await ds.persist({ entries: entries(200, 201, 1), mustSync: true });
        assert.deepEqual([fs.counts.writes, fs.counts.datasyncs], [1, 1]);
        await ds.persist({ entries: [], hardState: hs(1, 1, 100), mustSync: false });
        await ds.createSnapshot(I(90), CS, new TextEncoder().encode('s'), 5);
        await ds.persist({ entries: [], hardState: hs(1, 1, 150), mustSync: false });
        await ds.close();
        ds = await DiskStorage.open(dir, options(inner));
        assert.deepEqual(ds.storage.initialState().hardState, hs(1, 1, 150), 'close wrote the held HardState');
        assert.equal(ds.storage.lastIndex(), 201);
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('a HardState that changes term or vote is written even when the persist need not sync', async () => {
      const { fs: inner, dir, cleanup } = await v.make();
      try {
        const fs = new CountingFs(inner);
        const ds = await DiskStorage.bootstrap(dir, CS, options(fs));
        await ds.persist({ entries: entries(2, 10, 1), hardState: hs(1, 1, 2), mustSync: true });
        fs.reset();
        await ds.persist({ entries: [], hardState: hs(2, 0, 2), mustSync: false });
        await ds.persist({ entries: [], hardState: hs(2, 3, 2), mustSync: false });
        assert.deepEqual([fs.counts.writes, fs.counts.datasyncs], [2, 0]);
        await ds.close();
      } finally {
        await cleanup();
      }
    });

    it('open without a WAL fails unless createIfMissing; operations after close fail', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        await assert.rejects(DiskStorage.open(dir, options(fs)), WalNotFoundError);
        const ds = await DiskStorage.open(dir, options(fs, { createIfMissing: { memberId: 4, clusterId: 0 } }));
        assert.equal(ds.storage.lastIndex(), 0);
        assert.deepEqual(ds.storage.initialState().confState, { voters: [], learners: [] });
        assert.deepEqual(ds.metadata, { memberId: 4, clusterId: 0 });
        await ds.close();
        await ds.close();
        await ds.closed;
        await assert.rejects(ds.persist({ entries: [entry(1, 1)], mustSync: true }), WalClosedError);
        await assert.rejects(ds.createSnapshot(I(1), CS, new Uint8Array(0), 0), WalClosedError);
      } finally {
        await cleanup();
      }
    });
  });
}

describe('DiskStorage on MemFs: crashes', () => {
  it('a crash between writing the snapshot file and its rename leaves the old snapshot', async () => {
    const fs = new MemFs();
    const dir = '/n1';
    const ds = await DiskStorage.bootstrap(dir, CS, options(fs));
    await ds.persist({ entries: entries(2, 20, 1), hardState: hs(1, 1, 20), mustSync: true });
    await ds.createSnapshot(I(5), CS, new TextEncoder().encode('old'), 0);
    fs.setFaultHook((op, path) => (op === 'rename' && path.endsWith('.snap.tmp') ? new FsError('EIO', op, path) : undefined));
    await assert.rejects(ds.createSnapshot(I(15), CS, new TextEncoder().encode('new'), 0), { code: 'EIO' });
    fs.setFaultHook(undefined);
    fs.crash();
    const back = await DiskStorage.open(dir, options(fs));
    assert.equal(back.storage.snapshot().metadata.index, 5);
    assert.equal(text(back.storage.snapshot().data), 'old');
    assert.equal(back.storage.firstIndex(), 6);
    assert.equal(back.storage.lastIndex(), 20);
    assert.ok(!(await fs.readdir(`${dir}/snap`)).some((n) => n.endsWith('.tmp')), 'the tmp file is cleaned up');
    await back.close();
  });

  it('a crash loses a held commit index only: the entries and the last written HardState come back', async () => {
    const fs = new MemFs();
    const dir = '/n1';
    const ds = await DiskStorage.bootstrap(dir, CS, options(fs));
    await ds.persist({ entries: entries(2, 20, 1), hardState: hs(1, 1, 5), mustSync: true });
    await ds.persist({ entries: [], hardState: hs(1, 1, 12), mustSync: false });
    await ds.persist({ entries: entries(20, 30, 1), mustSync: true });
    await ds.persist({ entries: [], hardState: hs(1, 1, 25), mustSync: false });
    fs.crash();
    const back = await DiskStorage.open(dir, options(fs));
    assert.equal(back.storage.lastIndex(), 30);
    assert.deepEqual(back.storage.initialState().hardState, hs(1, 1, 12), 'the commit index written with the synced entries');
    await back.close();
  });

  it('a crash after the snapshot file is in place but before its WAL marker is durable keeps the old snapshot', async () => {
    const fs = new MemFs();
    const dir = '/n1';
    const ds = await DiskStorage.bootstrap(dir, CS, options(fs));
    await ds.persist({ entries: entries(2, 20, 1), mustSync: true });
    let renamed = false;
    fs.setFaultHook((op, path) => {
      if (op === 'fsyncDir' && path.endsWith('snap')) renamed = true;
      return renamed && op === 'datasync' && path.includes('/wal/') ? new FsError('EIO', op, path) : undefined;
    });
    await assert.rejects(ds.createSnapshot(I(15), CS, new TextEncoder().encode('new'), 0), { code: 'EIO' });
    fs.setFaultHook(undefined);
    fs.crash();
    const opts = options(fs);
    const back = await DiskStorage.open(dir, opts);
    assert.equal(back.storage.snapshot().metadata.index, 1);
    assert.equal(back.storage.lastIndex(), 20);
    assert.ok(opts.logger.has('warn', 'never recorded'));
    await back.close();
  });

  it('random persists and snapshots, then a crash with torn writes: every synced write survives, the log stays consistent', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = prng(seed);
      const fs = new MemFs();
      const dir = '/n';
      const opts = options(fs, { segmentSizeBytes: 2048 });
      const ds = await DiskStorage.bootstrap(dir, CS, opts);
      let last = 1;
      let syncedLast = 1;
      let snapIndex = 1;
      let syncedCommit = 1;
      for (let step = 0; step < 40; step++) {
        if (random(8) === 0 && last > snapIndex + 2) {
          snapIndex = last - random(2);
          await ds.createSnapshot(I(snapIndex), CS, new TextEncoder().encode(`sm@${snapIndex}`), random(4));
          syncedLast = last;
          continue;
        }
        const n = 1 + random(4);
        const mustSync = random(2) === 0;
        const commit = last;
        await ds.persist({ entries: entries(last + 1, last + n, 1, (i) => `v${i}`.repeat(1 + random(20))), hardState: hs(1, 1, commit), mustSync });
        last += n;
        if (mustSync) {
          syncedLast = last;
          syncedCommit = commit;
        }
      }
      fs.crash({ random });
      const back = await DiskStorage.open(dir, options(fs, { segmentSizeBytes: 2048 }));
      const s = back.storage;
      assert.ok(s.lastIndex() >= syncedLast && s.lastIndex() <= last, `seed ${seed}: last ${s.lastIndex()} synced ${syncedLast} saved ${last}`);
      assert.equal(s.snapshot().metadata.index, snapIndex, `seed ${seed}: snapshots are always synced`);
      assert.ok(s.initialState().hardState.commit >= syncedCommit, `seed ${seed}: commit went back`);
      const got = shape(s.entries(s.firstIndex(), I(s.lastIndex() + 1), Infinity));
      got.forEach((e, k) => {
        assert.equal(e.index, s.firstIndex() + k);
        assert.match(e.data, new RegExp(`^(v${e.index})+$`), `seed ${seed}: entry ${e.index} data`);
      });
      // And it carries on.
      await back.persist({ entries: [entry(s.lastIndex() + 1, 2)], mustSync: true });
      await back.close();
    }
  });
});
