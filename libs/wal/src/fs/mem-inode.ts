// A file of MemFs: its bytes, plus undo information for every operation
// since the last datasync, so that a crash can roll back exactly what was
// never made durable (and replay a prefix of it, torn). See mem-fs.ts for the
// crash model.

/** Undo information for one unsynced operation. */
interface PendingOp {
  readonly kind: 'write' | 'truncate';
  readonly position: number;
  /** For writes: the bytes written (a private copy). */
  readonly data: Uint8Array;
  readonly oldSize: number;
  /** The bytes this operation overwrote or cut off, from `position` (within oldSize). */
  readonly oldBytes: Uint8Array;
}

export class FileNode {
  readonly kind = 'file';
  buf = new Uint8Array(0);
  size = 0;
  /** Operations since the last datasync, oldest first. */
  pending: PendingOp[] = [];

  content(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }

  private reserve(n: number): void {
    if (n <= this.buf.byteLength) return;
    const next = new Uint8Array(Math.max(n, this.buf.byteLength * 2, 4096));
    next.set(this.content());
    this.buf = next;
  }

  private setSize(n: number): void {
    this.reserve(n);
    // Bytes past the old end may hold leftovers from an earlier truncate: zero them.
    if (n > this.size) this.buf.fill(0, this.size, n);
    this.size = n;
  }

  write(data: Uint8Array, position: number, record: boolean): void {
    const oldSize = this.size;
    const overlapEnd = Math.min(oldSize, position + data.byteLength);
    const oldBytes = position < overlapEnd ? this.buf.slice(position, overlapEnd) : new Uint8Array(0);
    if (position + data.byteLength > this.size) this.setSize(position + data.byteLength);
    this.buf.set(data, position);
    if (record) this.pending.push({ kind: 'write', position, data: data.slice(), oldSize, oldBytes });
  }

  truncate(size: number): void {
    const oldSize = this.size;
    const oldBytes = size < oldSize ? this.buf.slice(size, oldSize) : new Uint8Array(0);
    if (size > this.size) this.setSize(size);
    else this.size = size;
    this.pending.push({ kind: 'truncate', position: size, data: new Uint8Array(0), oldSize, oldBytes });
  }

  sync(): void {
    this.pending = [];
  }

  /** Back to the last synced state, then replay a prefix of the unsynced operations. */
  crash(random: ((n: number) => number) | undefined): void {
    const ops = this.pending;
    this.pending = [];
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i]!;
      this.size = op.oldSize;
      this.reserve(op.oldSize);
      this.buf.set(op.oldBytes, op.position);
    }
    if (random === undefined || ops.length === 0) return;
    const survivors = random(ops.length + 1);
    for (let i = 0; i < survivors; i++) {
      const op = ops[i]!;
      if (op.kind === 'write') this.write(op.data, op.position, false);
      else this.truncateQuietly(op.position);
    }
    const torn = ops[survivors];
    if (torn !== undefined && torn.kind === 'write') {
      const keep = random(torn.data.byteLength + 1);
      if (keep > 0) this.write(torn.data.subarray(0, keep), torn.position, false);
    }
  }

  private truncateQuietly(size: number): void {
    if (size > this.size) this.setSize(size);
    else this.size = size;
  }
}
