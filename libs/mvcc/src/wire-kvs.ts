// The `kvs` of a Range answer in etcd's wire form, built without a KeyValue
// object per key: each entry is field 2 of etcdserverpb.RangeResponse (tag,
// length, mvccpb.KeyValue bytes), appended as the scan goes. A stored record
// is a kind byte followed by the KeyValue's bytes (encoding.ts), so a key at
// the current revision is copied once, by the engine, from its page straight
// into this buffer (the ValueSink of ReadTxn.rangeInto).

import type { ValueSink } from '@logbook/backend';
import type { Bytes } from './types.ts';
import { assert } from './errors.ts';
import { RECORD_KIND_PUT, keyValueValueSpan, writeVarint } from './encoding.ts';

/** RangeResponse.kvs: field 2, length-delimited. */
const KVS_TAG = (2 << 3) | 2;
const MAX_VARINT_BYTES = 10;
/**
 * Room kept free before the entries and after them for the rest of a
 * RangeResponse (header ≤ 48 bytes; more + count ≤ 13), so that the answer
 * is framed in place (RangeWireResponse.kvsFieldRoom).
 */
const ROOM_BEFORE = 64;
const ROOM_AFTER = 16;
/**
 * The buffer grows fourfold: a 10,000-key answer (~3 MB) is copied about a
 * third of its size on the way instead of once over, in 5 steps, not 10.
 */
const GROWTH = 4;

/**
 * Large answer buffers are reused. A fresh multi-megabyte buffer is fresh
 * memory from the kernel, and each of its pages faults on first write: a
 * 10,000-key range took ~900 page faults and 12.0–12.8 ms of member CPU,
 * 9.1 ms with its buffer reused (scratch probe, 2 vCPUs under KVM). Buffers
 * come back through WireKvs.release(), which the gRPC layer calls once the
 * socket has taken the bytes. Bounds: at most POOL_MAX_BUFFERS buffers and
 * POOL_MAX_BYTES kept; only sizes in [POOL_MIN_BUFFER_BYTES,
 * POOL_MAX_BUFFER_BYTES] (a rare huge answer is not kept); past a bound the
 * smallest buffer is let go to the garbage collector.
 */
const POOL_MAX_BUFFERS = 4;
const POOL_MAX_BYTES = 32 << 20;
const POOL_MIN_BUFFER_BYTES = 256 << 10;
const POOL_MAX_BUFFER_BYTES = 16 << 20;

class BufferPool {
  /** Free buffers, smallest first. */
  readonly #free: Uint8Array[] = [];
  #bytes = 0;

  /** The smallest free buffer of at least `bytes`, now the caller's; undefined if none. */
  take(bytes: number): Uint8Array | undefined {
    const i = this.#free.findIndex((b) => b.length >= bytes);
    if (i === -1) return undefined;
    const [b] = this.#free.splice(i, 1);
    this.#bytes -= b!.length;
    return b;
  }

  /** A buffer nothing reads or writes any more. */
  give(b: Uint8Array): void {
    if (b.length < POOL_MIN_BUFFER_BYTES || b.length > POOL_MAX_BUFFER_BYTES) return;
    assert(!this.#free.includes(b), 'a buffer was given back to the pool twice');
    let at = this.#free.findIndex((x) => x.length > b.length);
    if (at === -1) at = this.#free.length;
    this.#free.splice(at, 0, b);
    this.#bytes += b.length;
    while (this.#free.length > POOL_MAX_BUFFERS || this.#bytes > POOL_MAX_BYTES) this.#bytes -= this.#free.shift()!.length;
  }

  /** For tests: buffers and bytes kept. */
  get stats(): { readonly buffers: number; readonly bytes: number } {
    return { buffers: this.#free.length, bytes: this.#bytes };
  }
}

/** The process's pool of answer buffers (one thread runs the store). */
export const wireBufferPool = new BufferPool();

const RELEASED = new Uint8Array(0);

export class WireKvs implements ValueSink {
  buffer: Uint8Array = new Uint8Array(4096);
  /** End of the complete entries (they start at ROOM_BEFORE). */
  #used = ROOM_BEFORE;
  /** KeyValues kept. */
  #count = 0;
  readonly #max: number;
  /** Where reserve() put the record, or -1. */
  #record = -1;
  #recordSize = 0;

  /** Where reserve() put the record's entry header (its tag). */
  #entryStart = -1;
  /** keys_only: each KeyValue goes in without its value field. */
  readonly #keysOnly: boolean;

  /**
   * max: keep at most this many KeyValues (later ones are copied over and
   * dropped); 0 = no limit. keysOnly: leave every value out, as etcd's
   * keys_only does.
   */
  constructor(max: number, keysOnly = false) {
    this.#max = max;
    this.#keysOnly = keysOnly;
  }

  /**
   * The answer is no longer read (its bytes are on their way, or dropped):
   * the buffer goes back to the pool, and every view of it (bytes()) may be
   * overwritten by another answer. Idempotent; the WireKvs is unusable after.
   */
  release(): void {
    const b = this.buffer;
    if (b === RELEASED) return;
    this.buffer = RELEASED;
    wireBufferPool.give(b);
  }

  get length(): number {
    return this.#count;
  }

  /** Whether another KeyValue would be kept. */
  get wants(): boolean {
    return this.#max === 0 || this.#count < this.#max;
  }

  /** The entries so far (a view of the buffer). */
  bytes(): Bytes {
    return this.buffer.subarray(ROOM_BEFORE, this.#used);
  }

  /** The free room around bytes() in the buffer. */
  room(): { before: number; after: number } {
    this.#grow(this.#used + ROOM_AFTER);
    return { before: ROOM_BEFORE, after: this.buffer.length - this.#used };
  }

  /** Append one KeyValue given as its mvccpb.KeyValue bytes. */
  append(kv: Bytes): void {
    if (!this.wants) return;
    if (this.#keysOnly) {
      const { from, to } = keyValueValueSpan(kv, 0, kv.length);
      const at = this.#entryHeader(kv.length - (to - from));
      this.buffer.set(kv.subarray(0, from), at);
      this.buffer.set(kv.subarray(to), at + from);
      this.#used = at + kv.length - (to - from);
    } else {
      const at = this.#entryHeader(kv.length);
      this.buffer.set(kv, at);
      this.#used = at + kv.length;
    }
    this.#count++;
  }

  /** ValueSink: room for one stored put record (kind byte + KeyValue). */
  reserve(size: number): number {
    assert(this.#record === -1, 'reserve() before the last value was written');
    assert(size > 1, 'short put record');
    // Past the limit the record is still copied (the engine hands every
    // value over), into the free space, and then dropped.
    this.#entryStart = this.#used;
    const at = this.wants ? this.#entryHeader(size - 1) : this.#used;
    this.#grow(at + size);
    this.#record = at;
    this.#recordSize = size;
    return at;
  }

  /** ValueSink: the record is at the reserved offset; drop its kind byte. */
  written(): void {
    const at = this.#record;
    assert(at !== -1, 'written() without reserve()');
    this.#record = -1;
    if (!this.wants) return;
    assert(this.buffer[at] === RECORD_KIND_PUT, 'latest holds a record that is not a put');
    const end = at + this.#recordSize;
    if (this.#keysOnly) {
      // The header was sized for the whole KeyValue: write it again for the
      // shorter one (its length varint is no longer), then move the bytes
      // before and after the value down over the gaps.
      const { from, to } = keyValueValueSpan(this.buffer, at + 1, end);
      this.#used = this.#entryStart;
      let p = this.#entryHeader(this.#recordSize - 1 - (to - from));
      this.buffer.copyWithin(p, at + 1, from);
      p += from - (at + 1);
      this.buffer.copyWithin(p, to, end);
      this.#used = p + (end - to);
    } else {
      this.buffer.copyWithin(at, at + 1, end);
      this.#used = end - 1;
    }
    this.#count++;
  }

  /** Writes an entry's tag and length at the end; returns where its bytes go. */
  #entryHeader(length: number): number {
    this.#grow(this.#used + 1 + MAX_VARINT_BYTES + length + 1);
    this.buffer[this.#used] = KVS_TAG;
    return writeVarint(this.buffer, this.#used + 1, length);
  }

  #grow(needed: number): void {
    if (needed <= this.buffer.length) return;
    assert(this.buffer !== RELEASED, 'WireKvs used after release()');
    let size = this.buffer.length * GROWTH;
    while (size < needed) size *= GROWTH;
    // Not zeroed: only bytes written since are ever read (bytes(), and the framing in room()).
    const grown = (size >= POOL_MIN_BUFFER_BYTES ? wireBufferPool.take(needed) : undefined) ?? Buffer.allocUnsafeSlow(size);
    // All of it: reserve() grows after writing an entry header past #used.
    grown.set(this.buffer);
    // Nothing else holds the old buffer: views are made only once the answer is complete.
    wireBufferPool.give(this.buffer);
    this.buffer = grown;
  }
}
