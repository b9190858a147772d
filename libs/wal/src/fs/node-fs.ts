// WalFs over node:fs/promises: the real disk.

import { open, mkdir, readFile, readdir, rename, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fdatasyncSync, writeSync } from 'node:fs';
import type { OpenMode, WalFile, WalFs } from './wal-fs.ts';

/**
 * The largest write done with a pwrite on the calling thread (WAL records are
 * far smaller), and the most unsynced bytes a datasync() flushes on it.
 */
const INLINE_WRITE_BYTES = 1 << 20;

class NodeFile implements WalFile {
  readonly path: string;
  readonly #fh: FileHandle;
  #size: number;
  /** Bytes written since the last datasync() began. */
  #unsynced = 0;

  constructor(path: string, fh: FileHandle, size: number) {
    this.path = path;
    this.#fh = fh;
    this.#size = size;
  }

  /**
   * A pwrite into the page cache on the calling thread (no thread-pool hop);
   * durability comes from datasync(). Writes over INLINE_WRITE_BYTES (a
   * snapshot file) go through the thread pool instead: tens of megabytes
   * copied on the calling thread would hold the event loop.
   */
  write(data: Uint8Array, position: number): Promise<void> {
    this.#unsynced += data.byteLength;
    if (data.byteLength > INLINE_WRITE_BYTES) return this.#writeInPool(data, position);
    try {
      let done = 0;
      // pwrite may write less than asked (signals, quotas); loop until all of it is down.
      while (done < data.byteLength) {
        const bytesWritten = writeSync(this.#fh.fd, data, done, data.byteLength - done, position + done);
        if (bytesWritten === 0) throw new Error(`short write to ${this.path}: 0 bytes at ${position + done}`);
        done += bytesWritten;
      }
      this.#size = Math.max(this.#size, position + data.byteLength);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async #writeInPool(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.#fh.write(data, done, data.byteLength - done, position + done);
      if (bytesWritten === 0) throw new Error(`short write to ${this.path}: 0 bytes at ${position + done}`);
      done += bytesWritten;
    }
    this.#size = Math.max(this.#size, position + data.byteLength);
  }

  append(data: Uint8Array): Promise<void> {
    return this.write(data, this.#size);
  }

  /**
   * fdatasync. Up to INLINE_WRITE_BYTES unsynced (a WAL group commit) it runs
   * on the calling thread, as etcd's raft loop runs its WAL's: the thread-pool
   * hop and the wake-up after it cost more CPU than they save, and at 64 puts
   * in flight the bench's put rows gained ~5-8% without them. The event loop
   * waits for the disk meanwhile (~0.25 ms here); a slow disk stalls the
   * member's loop, heartbeats included, as it stalls etcd's raft loop. More
   * unsynced bytes (a snapshot file) sync in the thread pool.
   */
  datasync(): Promise<void> {
    const unsynced = this.#unsynced;
    this.#unsynced = 0;
    if (unsynced > INLINE_WRITE_BYTES) return this.#fh.datasync();
    try {
      fdatasyncSync(this.#fh.fd);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async truncate(size: number): Promise<void> {
    await this.#fh.truncate(size);
    this.#size = size;
  }

  async size(): Promise<number> {
    return (await this.#fh.stat()).size;
  }

  close(): Promise<void> {
    return this.#fh.close();
  }
}

export class NodeFs implements WalFs {
  async open(path: string, mode: OpenMode): Promise<WalFile> {
    const fh = await open(path, mode === 'create-new' ? 'wx+' : 'r+');
    const size = mode === 'create-new' ? 0 : (await fh.stat()).size;
    return new NodeFile(path, fh, size);
  }

  async readFile(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async readRange(path: string, position: number, length: number): Promise<Uint8Array> {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    } finally {
      await fh.close();
    }
  }

  truncate(path: string, size: number): Promise<void> {
    return truncate(path, size);
  }

  rename(from: string, to: string): Promise<void> {
    return rename(from, to);
  }

  unlink(path: string): Promise<void> {
    return unlink(path);
  }

  readdir(dir: string): Promise<string[]> {
    return readdir(dir);
  }

  async mkdir(dir: string): Promise<void> {
    const first = await mkdir(dir, { recursive: true });
    if (first === undefined) return;
    // Every directory created from `first` down to `dir` is an entry in its
    // parent; fsync each of those parents so the whole chain survives a crash.
    const stop = dirname(first);
    for (let p = dir; p !== stop; p = dirname(p)) {
      await this.fsyncDir(dirname(p));
      if (p === dirname(p)) break;
    }
  }

  async fsyncDir(dir: string): Promise<void> {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}
