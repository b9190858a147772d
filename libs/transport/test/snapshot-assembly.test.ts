import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import type { SnapshotChunk } from '@logbook/proto';
import { SnapshotAssembly, SnapshotRejectedError } from '../src/snapshot-assembly.ts';
import { snapshotChunks } from '../src/snapshot-sender.ts';
import { id, snap } from './helpers.ts';

function feed(a: SnapshotAssembly, chunks: Iterable<SnapshotChunk>): ReturnType<SnapshotAssembly['accept']> {
  let last: ReturnType<SnapshotAssembly['accept']> = { done: false };
  for (const c of chunks) last = a.accept(c);
  return last;
}

function rejects(code: string, f: () => unknown): void {
  assert.throws(f, (e: unknown) => e instanceof SnapshotRejectedError && e.code === code);
}

describe('snapshotChunks', () => {
  it('splits the data into views, header first, CRC last', () => {
    const data = randomBytes(2500);
    const chunks = [...snapshotChunks(snap(1, 2, data), 1000)];
    assert.deepStrictEqual(chunks.map((c) => [c.offset, c.data.byteLength, c.final]), [[0, 1000, false], [1000, 1000, false], [2000, 500, true]]);
    assert.equal(chunks[0]?.header?.snapshot?.data.byteLength, 0);
    assert.equal(chunks[0]?.totalSize, 2500);
    assert.equal(chunks[1]?.header, undefined);
    assert.equal(chunks[2]?.crc32, crc32(data));
    assert.equal(chunks[1]?.data.buffer, data.buffer, 'chunks are views, not copies');
  });

  it('sends an empty snapshot as one chunk that is first and final', () => {
    const chunks = [...snapshotChunks(snap(1, 2, new Uint8Array(0)), 1000)];
    assert.equal(chunks.length, 1);
    assert.ok(chunks[0]?.header !== undefined && chunks[0].final);
  });
});

describe('SnapshotAssembly', () => {
  const data = randomBytes(3000);
  const m = snap(1, 2, data);
  const chunks = (): SnapshotChunk[] => [...snapshotChunks(m, 1024)];

  it('reassembles a valid stream into the original MsgSnap', () => {
    const a = new SnapshotAssembly(id(2), 10_000);
    const r = feed(a, chunks());
    assert.ok(r.done);
    assert.deepStrictEqual(r.message, { ...m, snapshot: { metadata: m.snapshot?.metadata, data: new Uint8Array(data) } });
    a.end();
  });

  it('rejects a first chunk without a header', () => {
    const { header: _, ...headless } = chunks()[0]!;
    rejects('missing-header', () => new SnapshotAssembly(id(2), 10_000).accept(headless));
  });

  it('rejects a snapshot for another member', () => {
    rejects('wrong-recipient', () => new SnapshotAssembly(id(3), 10_000).accept(chunks()[0]!));
  });

  it('rejects an announced size over the limit before allocating', () => {
    rejects('too-large', () => new SnapshotAssembly(id(2), 2999).accept(chunks()[0]!));
  });

  it('rejects gaps, overlaps and overflow', () => {
    const [c0, c1] = chunks();
    const gap = new SnapshotAssembly(id(2), 10_000);
    gap.accept(c0!);
    rejects('bad-offset', () => gap.accept({ ...c1!, offset: 2000 }));
    const over = new SnapshotAssembly(id(2), 10_000);
    over.accept(c0!);
    rejects('overflow', () => over.accept({ ...c1!, data: new Uint8Array(2000) }));
  });

  it('rejects a second header and chunks after the final one', () => {
    const [c0, c1] = chunks();
    const dup = new SnapshotAssembly(id(2), 10_000);
    dup.accept(c0!);
    rejects('duplicate-header', () => dup.accept({ ...c1!, header: c0!.header! }));
    const done = new SnapshotAssembly(id(2), 10_000);
    feed(done, chunks());
    rejects('after-final', () => done.accept(c1!));
  });

  it('detects a short stream, a corrupted byte and a missing final chunk', () => {
    const cs = chunks();
    const short = new SnapshotAssembly(id(2), 10_000);
    short.accept(cs[0]!);
    rejects('size-mismatch', () => short.accept({ ...cs[1]!, final: true }));

    const corrupt = cs.map((c) => ({ ...c, data: new Uint8Array(c.data) }));
    corrupt[1]!.data[7]! ^= 0x01;
    rejects('crc-mismatch', () => feed(new SnapshotAssembly(id(2), 10_000), corrupt));

    const cut = new SnapshotAssembly(id(2), 10_000);
    cut.accept(cs[0]!);
    rejects('incomplete', () => cut.end());
  });
});
