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

export class WireKvs implements ValueSink {
  buffer = new Uint8Array(4096);
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
    let size = this.buffer.length * GROWTH;
    while (size < needed) size *= GROWTH;
    // Not zeroed: only bytes written since are ever read (bytes(), and the framing in room()).
    const grown = Buffer.allocUnsafeSlow(size);
    grown.set(this.buffer);
    this.buffer = grown;
  }
}
