import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { before, describe, it } from 'node:test';
import type { SnapshotChunk } from '@logbook/proto';
import type { Message } from '@logbook/raft';
import { SnapshotAssembly, SnapshotRejectedError } from '../src/snapshot-assembly.ts';
import type { AcceptedChunk } from '../src/snapshot-assembly.ts';
import { inMemorySnapshotPayloads } from '../src/snapshot-payloads.ts';
import { SnapshotPayloadError, snapshotChunks } from '../src/snapshot-sender.ts';
import { asAsync, id, snap } from './helpers.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const pieces = (...ps: Uint8Array[]): AsyncIterable<Uint8Array> => asAsync(ps);

/** The chunks the default (in-memory) payload of `m` is sent as. */
async function chunksOf(m: Message, chunkBytes: number): Promise<SnapshotChunk[]> {
  return collect(snapshotChunks(m, await inMemorySnapshotPayloads.open(m), chunkBytes));
}

function feed(a: SnapshotAssembly, chunks: Iterable<SnapshotChunk>): AcceptedChunk[] {
  return [...chunks].map((c) => a.accept(c));
}

function rejects(code: string, f: () => unknown): void {
  assert.throws(f, (e: unknown) => e instanceof SnapshotRejectedError && e.code === code);
}

describe('snapshotChunks', () => {
  it('splits the data into views, header first, CRC last', async () => {
    const data = randomBytes(2500);
    const chunks = await chunksOf(snap(1, 2, data), 1000);
    assert.deepStrictEqual(chunks.map((c) => [c.offset, c.data.byteLength, c.final]), [[0, 1000, false], [1000, 1000, false], [2000, 500, true]]);
    assert.equal(chunks[0]?.header?.snapshot?.data.byteLength, 0);
    assert.equal(chunks[0]?.totalSize, 2500);
    assert.equal(chunks[1]?.header, undefined);
    assert.equal(chunks[2]?.crc32, crc32(data));
    assert.equal(chunks[1]?.data.buffer, data.buffer, 'chunks are views, not copies');
  });

  it('sends an empty snapshot as one chunk that is first and final', async () => {
    const chunks = await chunksOf(snap(1, 2, new Uint8Array(0)), 1000);
    assert.equal(chunks.length, 1);
    assert.ok(chunks[0]?.header !== undefined && chunks[0].final);
  });

  it('re-slices pieces of any size into full chunks, the header carrying headerData', async () => {
    const data = randomBytes(5000);
    const headerData = Buffer.from('descriptor');
    const cuts = [0, 1, 300, 301, 2900, 5000]; // pieces of 1, 299, 1, 2599 and 2100 bytes
    const ps = cuts.slice(1).map((end, i) => data.subarray(cuts[i], end));
    const chunks = await collect(snapshotChunks(snap(1, 2, new Uint8Array(0)), { headerData, size: data.byteLength, chunks: pieces(...ps) }, 1000));
    assert.deepStrictEqual(chunks.map((c) => [c.offset, c.data.byteLength, c.final]), [[0, 1000, false], [1000, 1000, false], [2000, 1000, false], [3000, 1000, false], [4000, 1000, true]]);
    assert.ok(Buffer.concat(chunks.map((c) => c.data)).equals(data));
    assert.deepStrictEqual(chunks[0]?.header?.snapshot?.data, headerData);
    assert.equal(chunks[4]?.crc32, crc32(data));
  });

  it('fails when the pieces run past the announced size or end short of it', async () => {
    const m = snap(1, 2, new Uint8Array(0));
    const headerData = new Uint8Array(0);
    const over = snapshotChunks(m, { headerData, size: 1500, chunks: pieces(new Uint8Array(1200), new Uint8Array(301)) }, 1000);
    const first = await over.next();
    assert.equal(first.done === true ? undefined : first.value.offset, 0);
    await assert.rejects(over.next(), SnapshotPayloadError, 'nothing past the size is produced');
    const short = snapshotChunks(m, { headerData, size: 1500, chunks: pieces(new Uint8Array(1499)) }, 1000);
    await assert.rejects(collect(short), SnapshotPayloadError);
    // Exactly the size, but the final chunk would only go out once the pieces ended: here they never do.
    const exact = snapshotChunks(m, { headerData, size: 1000, chunks: pieces(new Uint8Array(1000), new Uint8Array(1)) }, 1000);
    await assert.rejects(collect(exact), SnapshotPayloadError);
  });

  it('refuses headerData that cannot fit a chunk', async () => {
    const m = snap(1, 2, new Uint8Array(0));
    const big = snapshotChunks(m, { headerData: new Uint8Array(64 * 1024), size: 0, chunks: pieces() }, 1000);
    await assert.rejects(big.next(), SnapshotPayloadError);
  });
});

describe('SnapshotAssembly', () => {
  const data = randomBytes(3000);
  const m = snap(1, 2, data);
  let cs: SnapshotChunk[] = [];
  before(async () => {
    cs = await chunksOf(m, 1024);
  });
  const chunks = (): SnapshotChunk[] => [...cs];

  it('hands out a valid stream\'s header and payload in order', () => {
    const a = new SnapshotAssembly(id(2), 10_000);
    const accepted = feed(a, chunks());
    assert.deepStrictEqual(accepted[0]?.start, { header: { ...m, snapshot: { metadata: m.snapshot?.metadata, data: new Uint8Array(0) } }, size: 3000 });
    assert.ok(accepted.slice(1).every((c) => c.start === undefined));
    assert.deepStrictEqual(accepted.map((c) => c.final), [false, false, true]);
    assert.ok(Buffer.concat(accepted.map((c) => c.data)).equals(data));
    assert.equal(a.receivedBytes, 3000);
    a.end();
  });

  it('rejects a first chunk without a header', () => {
    const { header: _, ...headless } = chunks()[0]!;
    rejects('missing-header', () => new SnapshotAssembly(id(2), 10_000).accept(headless));
  });

  it('rejects a snapshot for another member', () => {
    rejects('wrong-recipient', () => new SnapshotAssembly(id(3), 10_000).accept(chunks()[0]!));
  });

  it('rejects an announced size over the limit before handing anything out', () => {
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
