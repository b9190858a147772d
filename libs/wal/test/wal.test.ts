import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LogIndex, NodeId, Term } from '@logbook/raft/core';
import { WalClosedError, WalCorruptError, WalExistsError, WalNotFoundError } from '../src/errors.ts';
import { parseSegmentName, segmentName } from '../src/file-names.ts';
import { CountingFs } from '../src/fs/counting-fs.ts';
import { Wal } from '../src/wal.ts';
import { entries, entry, fsVariants } from './helpers.ts';
import { META, appendRaw, body, encoded, entryShapes, fresh, hs, overwrite, reopen, segmentFiles } from './wal-helpers.ts';

for (const v of fsVariants) {
  describe(`Wal on ${v.name}`, () => {
    it('saves every record type and reads them back in order after reopening', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        await wal.save({ snapshot: { index: 4 as LogIndex, term: 2 as Term }, confState: { voters: [1, 2, 3] as NodeId[], learners: [] } }, true);
        await wal.save({ entries: [entry(5, 2), { ...entry(6, 3, 'cc'), type: 'conf-change' }], hardState: hs(3, 1, 5) }, true);
        await wal.close();
        const { wal: w2, records } = await reopen(fs, walDir);
        assert.deepEqual(w2.metadata, META);
        const recs = body(records);
        assert.deepEqual(
          recs.map((r) => r.type),
          ['snapshot', 'conf-state', 'entry', 'entry', 'hard-state'],
        );
        assert.deepEqual(recs[0], { type: 'snapshot', index: 4, term: 2 });
        assert.deepEqual(recs[1], { type: 'conf-state', confState: { voters: [1, 2, 3], learners: [] } });
        assert.deepEqual(entryShapes(records), [
          { index: 5, term: 2, type: 'normal', data: 'e5' },
          { index: 6, term: 3, type: 'conf-change', data: 'cc' },
        ]);
        assert.deepEqual(recs[4], { type: 'hard-state', hardState: hs(3, 1, 5) });
        await w2.close();
      } finally {
        await cleanup();
      }
    });

    it('group commit: concurrent saves share one write and one fdatasync', async () => {
      const { fs: inner, dir, cleanup } = await v.make();
      try {
        const fs = new CountingFs(inner);
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        fs.reset();
        await Promise.all(Array.from({ length: 20 }, (_, i) => wal.save({ entries: [entry(i + 1, 1)] }, i % 3 === 0)));
        assert.equal(fs.counts.writes, 1);
        assert.equal(fs.counts.datasyncs, 1);
        fs.reset();
        await wal.save({ hardState: hs(1, 0, 3) }, false);
        assert.deepEqual([fs.counts.writes, fs.counts.datasyncs], [1, 0]);
        await wal.save({ entries: [entry(21, 1)] }, true);
        assert.deepEqual([fs.counts.writes, fs.counts.datasyncs], [2, 1]);
        await wal.close();
        const { wal: w2, records } = await reopen(fs, walDir);
        assert.deepEqual(
          entryShapes(records).map((e) => e.index),
          Array.from({ length: 21 }, (_, i) => i + 1),
        );
        await w2.close();
      } finally {
        await cleanup();
      }
    });

    it('rotates segments at the size limit and recovers across them', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const opts = { segmentSizeBytes: 2048 };
        const { wal } = await fresh(fs, walDir, opts);
        for (let i = 1; i <= 60; i++) await wal.save({ entries: [entry(i, 1, 'x'.repeat(100))], hardState: hs(1, 0, i - 1) }, true);
        const names = await segmentFiles(fs, walDir);
        assert.ok(names.length >= 3, `expected rotation, got ${names.length} segments`);
        const segs = names.map((n) => parseSegmentName(n)!);
        segs.forEach((s, i) => assert.equal(s.seq, i + 1));
        assert.deepEqual(wal.segments.map((s) => s.name), names);
        await wal.close();
        const { wal: w2, records } = await reopen(fs, walDir, opts);
        assert.deepEqual(
          entryShapes(records).map((e) => e.index),
          Array.from({ length: 60 }, (_, i) => i + 1),
        );
        // Each segment's first index is one past every entry in the segments before it.
        for (const s of segs.slice(1)) {
          const before = records.filter((r) => r.seq < s.seq && r.record.type === 'entry');
          const maxBefore = Math.max(...before.map((r) => (r.record.type === 'entry' ? r.record.entry.index : 0)));
          assert.equal(s.firstIndex, maxBefore + 1);
        }
        // Every segment repeats the metadata and the latest HardState in its preamble.
        for (const s of segs) assert.ok(records.some((r) => r.seq === s.seq && r.record.type === 'metadata'));
        await w2.save({ entries: [entry(61, 2)] }, true);
        await w2.close();
        const { wal: w3, records: again } = await reopen(fs, walDir, opts);
        assert.equal(entryShapes(again).at(-1)!.index, 61);
        await w3.close();
      } finally {
        await cleanup();
      }
    });

    it('truncates a torn write at the tail, logs it, and stays appendable', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        await wal.save({ entries: entries(1, 5, 1) }, true);
        await wal.close();
        const [last] = (await segmentFiles(fs, walDir)).slice(-1);
        const path = join(walDir, last!);
        const sizeBefore = (await fs.readFile(path)).byteLength;
        const frame = encoded([{ type: 'entry', entry: entry(6, 1, 'torn-away') }]);
        await appendRaw(fs, path, frame.subarray(0, frame.byteLength - 4));
        const { wal: w2, records, logger } = await reopen(fs, walDir);
        assert.ok(logger.has('warn', 'torn'), 'the truncation is logged');
        assert.deepEqual(entryShapes(records).map((e) => e.index), [1, 2, 3, 4, 5]);
        assert.equal((await fs.readFile(path)).byteLength, sizeBefore);
        await w2.save({ entries: [entry(6, 2, 'after')] }, true);
        await w2.close();
        const { wal: w3, records: again } = await reopen(fs, walDir);
        assert.deepEqual(entryShapes(again).at(-1), { index: 6, term: 2, type: 'normal', data: 'after' });
        await w3.close();
      } finally {
        await cleanup();
      }
    });

    it('truncates a zero-filled tail', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        await wal.save({ entries: entries(1, 3, 1) }, true);
        await wal.close();
        const path = join(walDir, (await segmentFiles(fs, walDir)).at(-1)!);
        const sizeBefore = (await fs.readFile(path)).byteLength;
        await appendRaw(fs, path, new Uint8Array(5000));
        const { wal: w2, records, logger } = await reopen(fs, walDir);
        assert.ok(logger.has('info', 'zero-filled'));
        assert.equal(entryShapes(records).length, 3);
        assert.equal((await fs.readFile(path)).byteLength, sizeBefore);
        await w2.close();
      } finally {
        await cleanup();
      }
    });

    it('a bad record in a segment other than the last is a WalCorruptError with file and offset', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const opts = { segmentSizeBytes: 1024 };
        const { wal } = await fresh(fs, walDir, opts);
        for (let i = 1; i <= 30; i++) await wal.save({ entries: [entry(i, 1, 'y'.repeat(80))] }, true);
        await wal.close();
        const names = await segmentFiles(fs, walDir);
        assert.ok(names.length >= 2);
        const { records } = await reopen(fs, walDir, opts).then(async (r) => (await r.wal.close(), r));
        const victim = records.find((r) => r.file === names[0] && r.record.type === 'entry' && r.record.entry.index === 3)!;
        await overwrite(fs, join(walDir, names[0]!), victim.offset + 30, new Uint8Array([0xde, 0xad]));
        await assert.rejects(reopen(fs, walDir, opts), (err: unknown) => {
          assert.ok(err instanceof WalCorruptError);
          assert.equal(err.file, names[0]);
          assert.equal(err.offset, victim.offset);
          assert.equal(err.code, 'corrupt');
          return true;
        });
      } finally {
        await cleanup();
      }
    });

    it('a bad record in the middle of the last segment, followed by good ones, is a WalCorruptError', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        for (let i = 1; i <= 10; i++) await wal.save({ entries: [entry(i, 1, 'z'.repeat(40))] }, true);
        await wal.close();
        const { records } = await reopen(fs, walDir).then(async (r) => (await r.wal.close(), r));
        const victim = records.find((r) => r.record.type === 'entry' && r.record.entry.index === 4)!;
        await overwrite(fs, join(walDir, victim.file), victim.offset + 20, new Uint8Array([0x01]));
        await assert.rejects(reopen(fs, walDir), (err: unknown) => err instanceof WalCorruptError && err.offset === victim.offset);
      } finally {
        await cleanup();
      }
    });

    it('a flipped bit in the last record of the log is reported, not silently dropped', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        await wal.save({ entries: entries(1, 3, 1) }, true);
        await wal.close();
        const { records } = await reopen(fs, walDir).then(async (r) => (await r.wal.close(), r));
        const last = records.at(-1)!;
        await overwrite(fs, join(walDir, last.file), last.offset + 12, new Uint8Array([0x7f]));
        await assert.rejects(reopen(fs, walDir), WalCorruptError);
      } finally {
        await cleanup();
      }
    });

    it('detects a broken CRC chain between segments', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const opts = { segmentSizeBytes: 1024 };
        const build = async (walDir: string, variant: string) => {
          const { wal } = await fresh(fs, walDir, opts);
          for (let i = 1; i <= 20; i++) await wal.save({ entries: [entry(i, 1, i === 2 ? variant : 'w'.repeat(60))] }, true);
          await wal.close();
        };
        await build(join(dir, 'a'), 'AAAA');
        await build(join(dir, 'b'), 'BBBB');
        const first = (await segmentFiles(fs, join(dir, 'a')))[0]!;
        // Splice b's first segment (valid on its own) in front of a's second.
        const fromB = await fs.readFile(join(dir, 'b', first));
        await fs.unlink(join(dir, 'a', first));
        const f = await fs.open(join(dir, 'a', first), 'create-new');
        await f.write(fromB, 0);
        await f.datasync();
        await f.close();
        await assert.rejects(reopen(fs, join(dir, 'a'), opts), /CRC chain broken/);
      } finally {
        await cleanup();
      }
    });

    it('rewrites a last segment whose own header was torn', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const { wal } = await fresh(fs, walDir);
        await wal.save({ entries: entries(1, 4, 1), hardState: hs(1, 0, 2) }, true);
        await wal.close();
        const seg = segmentName(2, 5);
        const header = encoded([{ type: 'segment', seq: 2, firstIndex: 5 as LogIndex, prevCrc: 1 }]);
        const f = await fs.open(join(walDir, seg.name), 'create-new');
        await f.write(header.subarray(0, 11), 0);
        await f.datasync();
        await f.close();
        await fs.fsyncDir(walDir);
        const { wal: w2, logger } = await reopen(fs, walDir);
        assert.ok(logger.has('warn', 'header'));
        await w2.save({ entries: [entry(5, 1)] }, true);
        await w2.close();
        const { wal: w3, records } = await reopen(fs, walDir);
        assert.deepEqual(entryShapes(records).map((e) => e.index), [1, 2, 3, 4, 5]);
        assert.ok(records.some((r) => r.seq === 2 && r.record.type === 'hard-state'), 'the preamble carries the HardState');
        await w3.close();
      } finally {
        await cleanup();
      }
    });

    it('ignores and deletes segments left before a gap by an interrupted release', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const opts = { segmentSizeBytes: 1024 };
        const { wal } = await fresh(fs, walDir, opts);
        for (let i = 1; i <= 30; i++) await wal.save({ entries: [entry(i, 1, 'q'.repeat(80))] }, true);
        await wal.close();
        const names = await segmentFiles(fs, walDir);
        assert.ok(names.length >= 3);
        await fs.unlink(join(walDir, names[1]!));
        const { wal: w2, records, logger } = await reopen(fs, walDir, opts);
        assert.ok(logger.has('warn', 'gap'));
        assert.equal(records[0]!.file, names[2]);
        assert.deepEqual(await segmentFiles(fs, walDir), names.slice(2));
        await w2.close();
      } finally {
        await cleanup();
      }
    });

    it('preallocates segments and still recovers exactly', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const opts = { segmentSizeBytes: 4096, preallocate: true };
        const { wal } = await fresh(fs, walDir, opts);
        await wal.save({ entries: entries(1, 3, 1) }, true);
        const path = join(walDir, (await segmentFiles(fs, walDir))[0]!);
        // The default chunk (1 MiB) is capped at the segment size.
        assert.equal((await fs.readFile(path)).byteLength, 4096);
        for (let i = 4; i <= 80; i++) await wal.save({ entries: [entry(i, 1, 'p'.repeat(50))] }, true);
        const names = await segmentFiles(fs, walDir);
        assert.ok(names.length >= 2);
        // Closed segments are cut back to their content.
        assert.ok((await fs.readFile(join(walDir, names[0]!))).byteLength <= 4096);
        await wal.close();
        const { wal: w2, records } = await reopen(fs, walDir, opts);
        assert.equal(entryShapes(records).length, 80);
        await w2.save({ entries: [entry(81, 1)] }, true);
        await w2.close();
        const { wal: w3, records: again } = await reopen(fs, walDir, opts);
        assert.equal(entryShapes(again).length, 81);
        await w3.close();
      } finally {
        await cleanup();
      }
    });

    it('preallocation writes zeros a chunk ahead, so appends in between leave the size alone', async () => {
      const { fs: inner, dir, cleanup } = await v.make();
      try {
        const fs = new CountingFs(inner);
        const walDir = join(dir, 'wal');
        const chunk = 8192;
        const opts = { segmentSizeBytes: 64 * 1024, preallocate: true, preallocateChunkBytes: chunk };
        const { wal } = await fresh(fs, walDir, opts);
        const path = join(walDir, (await segmentFiles(fs, walDir))[0]!);
        const sizeOf = async (): Promise<number> => (await fs.readFile(path)).byteLength;
        fs.reset();
        await wal.save({ entries: [entry(1, 1, 'z'.repeat(100))] }, true);
        // One chunk of zeros written (not a sparse extension) and synced with the record.
        assert.equal(await sizeOf(), chunk);
        assert.ok(fs.counts.bytesWritten >= chunk - 200, `wrote ${fs.counts.bytesWritten} bytes`);
        assert.equal(fs.counts.datasyncs, 1);
        const content = (await fs.readFile(path)).subarray(0, chunk);
        const sizes = new Set<number>();
        let index = 2;
        while (sizes.size < 2 && index < 1000) {
          await wal.save({ entries: [entry(index++, 1, 'z'.repeat(100))] }, true);
          sizes.add(await sizeOf());
        }
        // ~60 appends fit in the first chunk without changing the size; the next chunk follows.
        assert.ok(index > 40, `second chunk after ${index - 1} entries`);
        assert.deepEqual([...sizes].sort((a, b) => a - b), [chunk, 2 * chunk]);
        // The zeros past the records stay zeros: the reader sees them as unused space.
        assert.ok(content.subarray(content.length - 16).every((b) => b === 0));
        await wal.close();
        // close() cuts the segment back to its records.
        assert.ok((await sizeOf()) < 2 * chunk && (await sizeOf()) > chunk);
        const { wal: w2, records, logger } = await reopen(fs, walDir, opts);
        assert.equal(entryShapes(records).length, index - 1);
        assert.equal(logger.has('info', 'zero-filled'), false);
        await w2.close();
      } finally {
        await cleanup();
      }
    });

    it('a crash with preallocated zeros after the tail loses nothing synced', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const opts = { segmentSizeBytes: 64 * 1024, preallocate: true, preallocateChunkBytes: 8192 };
        const { wal } = await fresh(fs, walDir, opts);
        for (let i = 1; i <= 10; i++) await wal.save({ entries: [entry(i, 1, 'c'.repeat(40))] }, true);
        // What a kill leaves: the records, then the zero fill (close() would cut it off).
        const path = join(walDir, (await segmentFiles(fs, walDir))[0]!);
        const killed = await fs.readFile(path);
        assert.equal(killed.byteLength, 8192);
        await wal.close();
        await overwrite(fs, path, 0, killed);
        const { wal: w2, records, logger } = await reopen(fs, walDir, opts);
        assert.deepEqual(
          entryShapes(records).map((e) => e.index),
          Array.from({ length: 10 }, (_, i) => i + 1),
        );
        assert.equal(logger.has('info', 'zero-filled'), true);
        await w2.save({ entries: [entry(11, 1)] }, true);
        await w2.close();
        const { wal: w3, records: again } = await reopen(fs, walDir, opts);
        assert.equal(entryShapes(again).length, 11);
        await w3.close();
      } finally {
        await cleanup();
      }
    });

    it('releases segments covered by a snapshot, never the one holding its marker', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        const opts = { segmentSizeBytes: 1024 };
        const { wal } = await fresh(fs, walDir, opts);
        for (let i = 1; i <= 40; i++) await wal.save({ entries: [entry(i, 1, 'r'.repeat(80))] }, true);
        const before = wal.segments.map((s) => s);
        assert.ok(before.length >= 4);
        // No snapshot marker yet: nothing may go.
        assert.equal(await wal.release(40), 0);
        await wal.save({ snapshot: { index: 30 as LogIndex, term: 1 as Term } }, true);
        const released = await wal.release(20);
        assert.ok(released > 0);
        // Released: segments whose entries are all below 20; the one holding entry 20 stays.
        assert.ok(wal.segments[0]!.firstIndex <= 20);
        assert.ok(wal.segments[1]!.firstIndex > 20);
        assert.deepEqual(await segmentFiles(fs, walDir), wal.segments.map((s) => s.name));
        // Everything above the compaction point is still there after reopening.
        await wal.close();
        const { wal: w2, records } = await reopen(fs, walDir, opts);
        const idx = entryShapes(records).map((e) => e.index);
        assert.ok(idx[0]! <= 20 && idx.at(-1) === 40);
        await w2.close();
      } finally {
        await cleanup();
      }
    });

    it('create refuses an existing WAL, open refuses a missing one, save after close is refused', async () => {
      const { fs, dir, cleanup } = await v.make();
      try {
        const walDir = join(dir, 'wal');
        await assert.rejects(reopen(fs, walDir), WalNotFoundError);
        const { wal } = await fresh(fs, walDir);
        await assert.rejects(Wal.create(fs, walDir, META), WalExistsError);
        await wal.close();
        await assert.rejects(wal.save({ entries: [entry(1, 1)] }, true), WalClosedError);
      } finally {
        await cleanup();
      }
    });
  });
}
