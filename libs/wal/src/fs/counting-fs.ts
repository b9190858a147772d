// A WalFs decorator that counts operations: group-commit tests assert on the
// number of fsyncs, and benchmarks report syscalls per batch.

import type { OpenMode, WalFile, WalFs } from './wal-fs.ts';

export interface FsCounts {
  writes: number;
  bytesWritten: number;
  datasyncs: number;
  dirSyncs: number;
  opens: number;
  renames: number;
  unlinks: number;
}

class CountingFile implements WalFile {
  readonly #inner: WalFile;
  readonly #counts: FsCounts;
  constructor(inner: WalFile, counts: FsCounts) {
    this.#inner = inner;
    this.#counts = counts;
  }
  get path(): string {
    return this.#inner.path;
  }
  write(data: Uint8Array, position: number): Promise<void> {
    this.#counts.writes++;
    this.#counts.bytesWritten += data.byteLength;
    return this.#inner.write(data, position);
  }
  append(data: Uint8Array): Promise<void> {
    this.#counts.writes++;
    this.#counts.bytesWritten += data.byteLength;
    return this.#inner.append(data);
  }
  datasync(): Promise<void> {
    this.#counts.datasyncs++;
    return this.#inner.datasync();
  }
  truncate(size: number): Promise<void> {
    return this.#inner.truncate(size);
  }
  size(): Promise<number> {
    return this.#inner.size();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

export class CountingFs implements WalFs {
  readonly #inner: WalFs;
  readonly counts: FsCounts = { writes: 0, bytesWritten: 0, datasyncs: 0, dirSyncs: 0, opens: 0, renames: 0, unlinks: 0 };

  constructor(inner: WalFs) {
    this.#inner = inner;
  }

  reset(): void {
    for (const k of Object.keys(this.counts) as (keyof FsCounts)[]) this.counts[k] = 0;
  }

  async open(path: string, mode: OpenMode): Promise<WalFile> {
    this.counts.opens++;
    return new CountingFile(await this.#inner.open(path, mode), this.counts);
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.#inner.readFile(path);
  }
  readRange(path: string, position: number, length: number): Promise<Uint8Array> {
    return this.#inner.readRange(path, position, length);
  }
  truncate(path: string, size: number): Promise<void> {
    return this.#inner.truncate(path, size);
  }
  rename(from: string, to: string): Promise<void> {
    this.counts.renames++;
    return this.#inner.rename(from, to);
  }
  unlink(path: string): Promise<void> {
    this.counts.unlinks++;
    return this.#inner.unlink(path);
  }
  readdir(dir: string): Promise<string[]> {
    return this.#inner.readdir(dir);
  }
  mkdir(dir: string): Promise<void> {
    return this.#inner.mkdir(dir);
  }
  fsyncDir(dir: string): Promise<void> {
    this.counts.dirSyncs++;
    return this.#inner.fsyncDir(dir);
  }
}
