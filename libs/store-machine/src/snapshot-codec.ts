// The store's Raft snapshot payload: every backend pair, in key order, from
// one consistent read view. Layout: u8 version (1), u32 pair count, then per
// pair u32 key length, key, u32 value length, value. Restoring it reproduces
// the backend byte for byte, so HashKV agrees with the member it came from.
//
// Limit: the payload is built whole in memory, so a member needs about twice
// the database size in RAM to take or install a snapshot (etcd streams its
// bbolt file instead); encodeBackendSnapshotAsync at least builds it without
// holding the event loop. MAX_SNAPSHOT_BYTES bounds it; past it, taking a
// snapshot fails loudly rather than exhausting memory.

import type { Backend, Bytes } from '@logbook/backend';

const VERSION = 1;
/** 2 GiB minus one: the most a Uint8Array holds safely in every engine we run on. */
export const MAX_SNAPSHOT_BYTES = 2 ** 31 - 1;

export class SnapshotFormatError extends Error {
  readonly code = 'snapshot-malformed';
  constructor(message: string) {
    super(`store snapshot: ${message}`);
    this.name = 'SnapshotFormatError';
  }
}

export function encodeBackendSnapshot(backend: Backend): Uint8Array {
  return backend.read((txn) => {
    const pairs: (readonly [Bytes, Bytes])[] = [];
    let size = 5;
    for (const [k, v] of txn.range(new Uint8Array(0), undefined)) {
      pairs.push([k.slice(), v.slice()]);
      size += 8 + k.byteLength + v.byteLength;
      if (size > MAX_SNAPSHOT_BYTES) throw new SnapshotFormatError(`state exceeds ${MAX_SNAPSHOT_BYTES} bytes`);
    }
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setUint8(0, VERSION);
    view.setUint32(1, pairs.length);
    let at = 5;
    for (const [k, v] of pairs) {
      view.setUint32(at, k.byteLength);
      out.set(k, at + 4);
      at += 4 + k.byteLength;
      view.setUint32(at, v.byteLength);
      out.set(v, at + 4);
      at += 4 + v.byteLength;
    }
    return out;
  });
}

/** How long encodeBackendSnapshotAsync works before it lets the event loop turn. */
const SLICE_MS = 4;
const CHUNK_BYTES = 1 << 20;

/**
 * encodeBackendSnapshot's bytes, from the backend's dump(): the read view is
 * taken before this returns (writes committed afterwards are not in it), and
 * the pairs are copied out in slices of about SLICE_MS, with a turn of the
 * event loop between slices, so a large state does not hold up a member's
 * heartbeats and I/O while it is serialized.
 */
export function encodeBackendSnapshotAsync(backend: Backend): Promise<Uint8Array> {
  const pairs = backend.dump()[Symbol.asyncIterator]();
  // The first step runs the dump up to its first pair: that opens the view.
  const first = pairs.next();
  return (async () => {
    const chunks: Uint8Array[] = [];
    let chunk = new Uint8Array(CHUNK_BYTES);
    let at = 0;
    let count = 0;
    let size = 5;
    const put = (b: Uint8Array): void => {
      if (at === chunk.byteLength) {
        chunks.push(chunk);
        chunk = new Uint8Array(Math.max(CHUNK_BYTES, b.byteLength));
        at = 0;
      }
      const n = Math.min(b.byteLength, chunk.byteLength - at);
      chunk.set(n === b.byteLength ? b : b.subarray(0, n), at);
      at += n;
      if (n < b.byteLength) put(b.subarray(n));
    };
    const lengthOf = new Uint8Array(4);
    const lengthView = new DataView(lengthOf.buffer);
    const putLength = (n: number): void => {
      lengthView.setUint32(0, n);
      put(lengthOf);
    };
    let sliceStart = performance.now();
    for (let r = await first; r.done !== true; r = await pairs.next()) {
      const [k, v] = r.value;
      size += 8 + k.byteLength + v.byteLength;
      if (size > MAX_SNAPSHOT_BYTES) {
        await pairs.return?.();
        throw new SnapshotFormatError(`state exceeds ${MAX_SNAPSHOT_BYTES} bytes`);
      }
      putLength(k.byteLength);
      put(k);
      putLength(v.byteLength);
      put(v);
      count++;
      if ((count & 255) === 0 && performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    chunks.push(chunk.subarray(0, at));
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setUint8(0, VERSION);
    view.setUint32(1, count);
    let offset = 5;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  })();
}

export function decodeBackendSnapshot(data: Uint8Array): (readonly [Bytes, Bytes])[] {
  if (data.byteLength < 5) throw new SnapshotFormatError('shorter than its header');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint8(0) !== VERSION) throw new SnapshotFormatError(`unknown version ${view.getUint8(0)}`);
  const count = view.getUint32(1);
  const pairs: (readonly [Bytes, Bytes])[] = [];
  let at = 5;
  const take = (): Bytes => {
    if (at + 4 > data.byteLength) throw new SnapshotFormatError(`truncated at byte ${at}`);
    const n = view.getUint32(at);
    if (at + 4 + n > data.byteLength) throw new SnapshotFormatError(`field overruns the payload at byte ${at}`);
    const b = data.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return b;
  };
  for (let i = 0; i < count; i++) {
    const k = take();
    pairs.push([k, take()]);
  }
  if (at !== data.byteLength) throw new SnapshotFormatError(`${data.byteLength - at} trailing bytes`);
  return pairs;
}

/** Replace the backend's whole contents with the pairs, in one write transaction. */
export function loadBackendSnapshot(backend: Backend, pairs: readonly (readonly [Bytes, Bytes])[]): void {
  backend.write((txn) => {
    // Collect first: the engine forbids writes while a range iterator is open.
    const existing: Bytes[] = [];
    for (const [k] of txn.range(new Uint8Array(0), undefined)) existing.push(k.slice());
    for (const k of existing) txn.delete(k);
    for (const [k, v] of pairs) txn.put(k, v);
  });
}
