// The store's inline Raft snapshot payload: every backend pair, in key order,
// from one consistent read view. Layout: u8 version (1), u32 pair count, then
// per pair u32 key length, key, u32 value length, value. Restoring it
// reproduces the backend byte for byte, so HashKV agrees with the member it
// came from.
//
// The inline form is built whole in memory (MAX_SNAPSHOT_BYTES bounds it;
// past it, taking a snapshot fails loudly rather than exhausting memory). A
// store member snapshots as LMDB copies instead (snapshot-copies.ts); this
// form serves the memory backend (the simulator) and restores snapshots taken
// before copies existed.

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

const CHUNK_BYTES = 1 << 20;

/** Builds the payload pair by pair, in chunks: no array of pairs, no copy of each pair first. */
class SnapshotWriter {
  readonly #chunks: Uint8Array[] = [];
  #chunk = new Uint8Array(CHUNK_BYTES);
  #at = 0;
  #size = 5;
  #count = 0;
  readonly #length = new Uint8Array(4);
  readonly #lengthView = new DataView(this.#length.buffer);

  add(k: Bytes, v: Bytes): void {
    this.#size += 8 + k.byteLength + v.byteLength;
    if (this.#size > MAX_SNAPSHOT_BYTES) throw new SnapshotFormatError(`state exceeds ${MAX_SNAPSHOT_BYTES} bytes`);
    this.#putLength(k.byteLength);
    this.#put(k);
    this.#putLength(v.byteLength);
    this.#put(v);
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  finish(): Uint8Array {
    this.#chunks.push(this.#chunk.subarray(0, this.#at));
    const out = new Uint8Array(this.#size);
    const view = new DataView(out.buffer);
    view.setUint8(0, VERSION);
    view.setUint32(1, this.#count);
    let offset = 5;
    for (const c of this.#chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  }

  #putLength(n: number): void {
    this.#lengthView.setUint32(0, n);
    this.#put(this.#length);
  }

  #put(b: Uint8Array): void {
    if (this.#at === this.#chunk.byteLength) {
      this.#chunks.push(this.#chunk);
      this.#chunk = new Uint8Array(Math.max(CHUNK_BYTES, b.byteLength));
      this.#at = 0;
    }
    const n = Math.min(b.byteLength, this.#chunk.byteLength - this.#at);
    this.#chunk.set(n === b.byteLength ? b : b.subarray(0, n), this.#at);
    this.#at += n;
    if (n < b.byteLength) this.#put(b.subarray(n));
  }
}

export function encodeBackendSnapshot(backend: Backend): Uint8Array {
  return backend.read((txn) => {
    const w = new SnapshotWriter();
    for (const [k, v] of txn.range(new Uint8Array(0), undefined)) w.add(k, v);
    return w.finish();
  });
}

/** How long encodeBackendSnapshotAsync works before it lets the event loop turn. */
const SLICE_MS = 4;

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
    const w = new SnapshotWriter();
    let sliceStart = performance.now();
    for (let r = await first; r.done !== true; r = await pairs.next()) {
      try {
        w.add(r.value[0], r.value[1]);
      } catch (err) {
        await pairs.return?.();
        throw err;
      }
      if ((w.count & 255) === 0 && performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return w.finish();
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
