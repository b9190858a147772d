// The in-memory copy of the log after the compaction point: what
// DiskStorage's synchronous reads are served from, and what recovery builds
// while replaying the WAL. The same rules serve both, so the state after a
// restart is the state before it.
//
// Packed, not a list of Entry objects: a member holds every entry since its
// last snapshot (etcd's default --snapshot-count is 100,000), and as objects
// each cost V8's garbage collector an Entry, a Uint8Array, an ArrayBuffer
// and its backing store, all promoted to the old generation, marked by every
// full collection and swept one ArrayBuffer at a time. 100,000 entries of
// 400 bytes held that way: 26.5 MB of heap, a full collection 16-17 ms;
// packed: 0.1 MB of heap, 3.4-5.2 ms (scratch probe, --expose-gc). Here terms
// and types sit in typed arrays and the payloads are copied into shared
// chunks (CHUNK_BYTES each; an entry that does not fit gets a chunk of its own);
// entries() hands out Entry objects made on the spot whose data are views
// into a chunk. Chunk space is never written twice: a view stays valid
// after the entry it came from is truncated or compacted away, and a chunk
// is dropped once compaction passes its last entry.

import { CompactedError, UnavailableError, assert } from '@logbook/raft/core';
import type { Entry, EntryType, LogIndex, Term } from '@logbook/raft/core';

/** Payload bytes per shared chunk. */
export const CHUNK_BYTES = 1 << 20;
/** Per-entry slots the index arrays start with; they double when full. */
const INITIAL_SLOTS = 1_024;
/** entrySize()'s fixed part (libs/raft): what entries() counts against maxSizeBytes. */
const ENTRY_OVERHEAD = 24;

const TYPE_CODE: Readonly<Record<EntryType, number>> = { normal: 0, 'conf-change': 1 };
const TYPE_OF: readonly EntryType[] = ['normal', 'conf-change'];

export class LogView {
  /** Index of the entry just before the first one held (the snapshot or compaction point). */
  #offset: number;
  /** Term at #offset; undefined only during recovery, when replay starts mid-log. */
  #offsetTerm: Term | undefined;

  // Entry offset+1+k lives in slot #head+k of each array, for k < #count.
  #head = 0;
  #count = 0;
  #terms = new Float64Array(INITIAL_SLOTS);
  #types = new Uint8Array(INITIAL_SLOTS);
  /** The chunk holding the payload: an absolute chunk number (see #chunks). */
  #chunkNos = new Float64Array(INITIAL_SLOTS);
  #starts = new Int32Array(INITIAL_SLOTS);
  #lengths = new Int32Array(INITIAL_SLOTS);

  /** Chunk number -> chunk; numbers only grow, compaction deletes from the low end. */
  readonly #chunks = new Map<number, Uint8Array>();
  #nextChunkNo = 0;
  /** The chunk appends go to, and how much of it is used. */
  #cur: { no: number; bytes: Uint8Array } | undefined;
  #curUsed = 0;

  constructor(offset: LogIndex, offsetTerm: Term | undefined) {
    this.#offset = offset;
    this.#offsetTerm = offsetTerm;
  }

  get offset(): LogIndex {
    return this.#offset as LogIndex;
  }

  get offsetTerm(): Term | undefined {
    return this.#offsetTerm;
  }

  /** Recovery: the snapshot the log was replayed onto says the term at the offset. */
  setOffsetTerm(term: Term): void {
    this.#offsetTerm = term;
  }

  firstIndex(): LogIndex {
    return (this.#offset + 1) as LogIndex;
  }

  lastIndex(): LogIndex {
    return (this.#offset + this.#count) as LogIndex;
  }

  /** Payload bytes held in chunks (including space left by truncated entries), for tests and accounting. */
  get chunkBytes(): number {
    let n = 0;
    for (const c of this.#chunks.values()) n += c.byteLength;
    return n;
  }

  /** Every entry held, in order (new Entry objects: for recovery and tests, not hot paths). */
  all(): Entry[] {
    const out: Entry[] = [];
    for (let k = 0; k < this.#count; k++) out.push(this.#entryAt(k));
    return out;
  }

  term(i: LogIndex): Term {
    if (i < this.#offset) throw new CompactedError();
    if (i === this.#offset) {
      assert(this.#offsetTerm !== undefined, () => `term of index ${i} is unknown`);
      return this.#offsetTerm;
    }
    const k = i - this.#offset - 1;
    if (k >= this.#count) throw new UnavailableError();
    return this.#terms[this.#head + k]! as Term;
  }

  /** The Storage.entries contract: [lo, hi), at least one entry, then no more than maxSizeBytes. */
  entries(lo: LogIndex, hi: LogIndex, maxSizeBytes: number): readonly Entry[] {
    if (lo <= this.#offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) throw new UnavailableError();
    assert(lo <= hi, () => `entries: lo ${lo} > hi ${hi}`);
    const out: Entry[] = [];
    let size = 0;
    for (let k = lo - this.#offset - 1; k < hi - this.#offset - 1; k++) {
      size += this.#lengths[this.#head + k]! + ENTRY_OVERHEAD;
      if (out.length > 0 && size > maxSizeBytes) break;
      out.push(this.#entryAt(k));
    }
    return out;
  }

  /** Whether the log holds index i at term t (false when the term at the offset is unknown). */
  matchTerm(i: number, t: number): boolean {
    if (i === this.#offset) return this.#offsetTerm === t;
    if (i < this.#offset || i > this.lastIndex()) return false;
    return this.#terms[this.#head + i - this.#offset - 1] === t;
  }

  /**
   * Appends entries: one at an index already held replaces it and everything
   * after it (raft's truncation of a conflicting suffix); entries at or below
   * the offset are already covered by the snapshot and ignored. Payloads are
   * copied: the caller's buffers are not kept.
   */
  append(entries: readonly Entry[]): void {
    const n = entries.length;
    if (n === 0) return;
    if (entries[n - 1]!.index <= this.#offset) return;
    let from = 0;
    if (entries[0]!.index <= this.#offset) from = this.#offset + 1 - entries[0]!.index;
    const first = entries[from]!.index;
    assert(first <= this.lastIndex() + 1, () => `append at ${first} leaves a gap after last index ${this.lastIndex()}`);
    for (let j = from + 1; j < n; j++) {
      assert(entries[j]!.index === first + (j - from), () => `appended entries are not contiguous at ${entries[j]!.index}`);
    }
    this.#count = first - this.#offset - 1;
    this.#reserve(this.#count + (n - from));
    for (let j = from; j < n; j++) this.#push(entries[j]!);
  }

  /**
   * A snapshot at (index, term) now covers the log. If the log holds that
   * very entry, the snapshot is a compaction and later entries stay; if not,
   * the log diverged from (or lags behind) the snapshot and is discarded —
   * the rule raft applies when it installs a snapshot.
   */
  applySnapshot(index: LogIndex, term: Term): void {
    // Below the offset: the entries it covers are already gone, and a
    // snapshot is only ever installed above the commit index, so this can
    // only be an older compaction being replayed. Nothing to do.
    if (index < this.#offset) return;
    if (this.matchTerm(index, term)) {
      this.compact(index);
      this.#offsetTerm = term;
      return;
    }
    this.#head = 0;
    this.#count = 0;
    this.#chunks.clear();
    this.#cur = undefined;
    this.#curUsed = 0;
    this.#offset = index;
    this.#offsetTerm = term;
  }

  /** Drops entries up to and including `index` (no-op at or below the offset). */
  compact(index: LogIndex): void {
    if (index <= this.#offset) return;
    assert(index <= this.lastIndex(), () => `compact ${index} is beyond last index ${this.lastIndex()}`);
    this.#offsetTerm = this.term(index);
    const dropped = index - this.#offset;
    this.#head += dropped;
    this.#count -= dropped;
    this.#offset = index;
    // Chunks below the first entry left hold nothing reachable from the log.
    const keepFrom = this.#count > 0 ? this.#chunkNos[this.#head]! : (this.#cur?.no ?? this.#nextChunkNo);
    for (const no of this.#chunks.keys()) if (no < keepFrom) this.#chunks.delete(no);
    if (this.#count === 0) this.#head = 0;
  }

  #entryAt(k: number): Entry {
    const s = this.#head + k;
    const start = this.#starts[s]!;
    const chunk = this.#chunks.get(this.#chunkNos[s]!);
    assert(chunk !== undefined, () => `entry ${this.#offset + 1 + k}: its chunk is gone`);
    return {
      term: this.#terms[s]! as Term,
      index: (this.#offset + 1 + k) as LogIndex,
      type: TYPE_OF[this.#types[s]!]!,
      data: chunk.subarray(start, start + this.#lengths[s]!),
    };
  }

  /** Room for `count` entries from #head: moves them to slot 0, or grows the arrays. */
  #reserve(count: number): void {
    if (this.#head + count <= this.#terms.length) return;
    const keep = this.#count;
    let slots = this.#terms.length;
    while (slots < count) slots *= 2;
    const move = <A extends Float64Array | Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = slots === a.length ? a : make(slots);
      b.set(a.subarray(this.#head, this.#head + keep));
      return b;
    };
    this.#terms = move(this.#terms, (n) => new Float64Array(n));
    this.#types = move(this.#types, (n) => new Uint8Array(n));
    this.#chunkNos = move(this.#chunkNos, (n) => new Float64Array(n));
    this.#starts = move(this.#starts, (n) => new Int32Array(n));
    this.#lengths = move(this.#lengths, (n) => new Int32Array(n));
    this.#head = 0;
  }

  /** Appends one entry after the #count held (room already reserved). */
  #push(e: Entry): void {
    const len = e.data.byteLength;
    let chunk = this.#cur;
    if (len > CHUNK_BYTES) {
      // Its own chunk, and the next entry starts a new one: chunk numbers
      // never decrease along the log, which is what compact() relies on.
      const no = this.#nextChunkNo++;
      this.#chunks.set(no, e.data.slice());
      this.#cur = undefined;
      this.#record(e, no, 0, len);
      return;
    }
    if (chunk === undefined || this.#curUsed + len > chunk.bytes.byteLength) {
      chunk = { no: this.#nextChunkNo++, bytes: new Uint8Array(CHUNK_BYTES) };
      this.#chunks.set(chunk.no, chunk.bytes);
      this.#cur = chunk;
      this.#curUsed = 0;
    }
    const start = this.#curUsed;
    chunk.bytes.set(e.data, start);
    this.#curUsed += len;
    this.#record(e, chunk.no, start, len);
  }

  #record(e: Entry, chunkNo: number, start: number, len: number): void {
    const s = this.#head + this.#count;
    this.#terms[s] = e.term;
    this.#types[s] = TYPE_CODE[e.type];
    this.#chunkNos[s] = chunkNo;
    this.#starts[s] = start;
    this.#lengths[s] = len;
    this.#count++;
  }
}
