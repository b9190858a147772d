// The backend the MVCC tests run on: a real engine from @logbook/backend
// (MemoryBackend by default, LmdbBackend where a test asks for it) wrapped to
// count committed write transactions and to dump its contents synchronously.

import { MemoryBackend, type Backend, type Bytes, type ReadTxn, type WriteTxn } from '@logbook/backend';

const hex = (b: Bytes): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class TestBackend implements Backend {
  readonly inner: Backend;
  /** Committed write transactions (a callback that throws commits nothing). */
  writeCount = 0;

  constructor(inner: Backend = new MemoryBackend()) {
    this.inner = inner;
  }

  read<T>(fn: (txn: ReadTxn) => T): T {
    return this.inner.read(fn);
  }

  write<T>(fn: (txn: WriteTxn) => T): T {
    const result = this.inner.write(fn);
    this.writeCount++;
    return result;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  sizeBytes(): number {
    return this.inner.sizeBytes();
  }

  sizeBoundBytes(): number {
    return this.inner.sizeBoundBytes();
  }

  get generation(): number {
    return this.inner.generation;
  }

  dump(): AsyncIterable<readonly [Bytes, Bytes]> {
    return this.inner.dump();
  }

  restore(pairs: AsyncIterable<readonly [Bytes, Bytes]>): Promise<void> {
    return this.inner.restore(pairs);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Every pair, hex-encoded, in key order. */
  dumpHex(): string[] {
    return this.inner.read((t) => Array.from(t.range(new Uint8Array(0), undefined), ([k, v]) => `${hex(k)}=${hex(v)}`));
  }
}
