// The store's Raft snapshots as copies of its LMDB environment on disk, the
// way etcd ships its bbolt file: the Raft snapshot's data is a small
// descriptor, and the state itself is `<dir>/<index>.copy/data.mdb`, written
// by LMDB's own consistent copy on a worker thread (this member's periodic
// snapshot) or streamed in from the leader (a snapshot received). Neither
// taking, sending, receiving nor installing one holds the state in memory.
//
// A copy named by index I holds the state after I or after some later
// committed entry (the copy's read transaction starts when the worker runs):
// entries up to the copy's own applied index are skipped when replayed, as
// after any restart.
//
// Files: `<hex index>.copy/` complete and fsynced (the rename is the commit
// point); `<hex index>.<nonce>.partial/` being written (removed at open).

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LmdbBackend, fsyncPath, type Bytes } from '@logbook/backend';
import type { LogIndex, Logger } from '@logbook/raft';

const COPY = /^([0-9a-f]{16})\.copy$/;
const PARTIAL = /\.partial$/;
/** How much of a copy file one read hands the sender. */
const READ_BYTES = 1 << 20;

const hex = (index: number): string => index.toString(16).padStart(16, '0');

/** A copy's bytes as the transport sends them. */
export interface CopyReader {
  readonly size: number;
  readonly chunks: AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

/** A copy being received from the leader. */
export interface CopyWriter {
  write(bytes: Uint8Array): Promise<void>;
  /** fsyncs the file and its directory and publishes the copy under its index. */
  complete(): Promise<void>;
  abort(): Promise<void>;
}

export class SnapshotCopies {
  readonly dir: string;
  readonly #logger: Logger | undefined;

  private constructor(dir: string, logger: Logger | undefined) {
    this.dir = dir;
    this.#logger = logger;
  }

  /** Opens (creating) `dir` and removes what interrupted copies and transfers left. */
  static open(dir: string, logger?: Logger): SnapshotCopies {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) if (PARTIAL.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
    return new SnapshotCopies(dir, logger);
  }

  /** Indexes of the complete copies, ascending. */
  indexes(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = COPY.exec(name);
      if (m !== null) out.push(Number.parseInt(m[1]!, 16));
    }
    return out.sort((a, b) => a - b);
  }

  has(index: LogIndex): boolean {
    return this.indexes().includes(index);
  }

  /** Copies `backend` as the copy for `index`; resolves once it is durable and published. */
  async take(backend: LmdbBackend, index: LogIndex): Promise<void> {
    const partial = this.#partialDir(index);
    try {
      await backend.copyTo(partial);
      this.#publish(partial, index);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw err;
    }
  }

  /** The pairs of the copy for `index`, in key order (throws BackendError when there is none). */
  pairs(index: LogIndex): AsyncIterable<readonly [Bytes, Bytes]> {
    return LmdbBackend.readCopy(this.#copyDir(index));
  }

  /** Opens the copy for `index` for sending; the open file stays readable if the copy is pruned meanwhile. */
  async read(index: LogIndex): Promise<CopyReader> {
    return this.#reader(join(this.#copyDir(index), 'data.mdb'), String(index));
  }

  async #reader(path: string, name: string): Promise<CopyReader> {
    const file = await openFile(path, 'r');
    let size: number;
    try {
      size = (await file.stat()).size;
    } catch (err) {
      await file.close();
      throw err;
    }
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let at = 0; at < size; ) {
        // A fresh buffer per read: the sender may still hold the previous one.
        const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, size - at));
        const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, at);
        if (bytesRead === 0) throw new Error(`snapshot copy ${name} ended at byte ${at} of ${size}`);
        at += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    }
    let closed = false;
    return {
      size,
      chunks: chunks(),
      close: async () => {
        if (closed) return;
        closed = true;
        await file.close();
      },
    };
  }

  /**
   * A copy outside the series (etcdctl snapshot save): written like take()'s,
   * opened, and its directory removed at once, so only the open file keeps it
   * (and a crash leaves nothing behind).
   */
  async temporary(backend: LmdbBackend): Promise<CopyReader> {
    const partial = this.#partialDir(0);
    try {
      await backend.copyTo(partial);
      return await this.#reader(join(partial, 'data.mdb'), 'temporary');
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }

  /** Starts receiving the copy for `index` from a peer. */
  async receive(index: LogIndex): Promise<CopyWriter> {
    const partial = this.#partialDir(index);
    mkdirSync(partial);
    let file: FileHandle;
    try {
      file = await openFile(join(partial, 'data.mdb'), 'wx');
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw err;
    }
    let open = true;
    const closeFile = async (): Promise<void> => {
      if (!open) return;
      open = false;
      await file.close();
    };
    return {
      write: async (bytes) => {
        for (let at = 0; at < bytes.byteLength; ) {
          const { bytesWritten } = await file.write(bytes, at, bytes.byteLength - at);
          at += bytesWritten;
        }
      },
      complete: async () => {
        await file.sync();
        await closeFile();
        fsyncPath(partial);
        this.#publish(partial, index);
      },
      abort: async () => {
        try {
          await closeFile();
        } finally {
          rmSync(partial, { recursive: true, force: true });
        }
      },
    };
  }

  /**
   * Keeps the copy for `index`, the newest one before it (the fallback for
   * the older Raft snapshot file the WAL keeps) and any newer ones (a
   * transfer not yet installed); removes the rest.
   */
  prune(index: LogIndex): void {
    const older = this.indexes().filter((i) => i < index);
    for (const i of older.slice(0, -1)) {
      rmSync(this.#copyDir(i), { recursive: true, force: true });
      this.#logger?.debug('removed snapshot copy', { index: i });
    }
  }

  #copyDir(index: number): string {
    return join(this.dir, `${hex(index)}.copy`);
  }

  #partialDir(index: number): string {
    return join(this.dir, `${hex(index)}.${randomBytes(4).toString('hex')}.partial`);
  }

  /** Renames a complete partial directory into place (replacing an older copy of the same index). */
  #publish(partial: string, index: number): void {
    const target = this.#copyDir(index);
    // An older copy of the same index (an orphan of a crash) moves aside first: rename cannot replace a directory.
    const aside = this.#partialDir(index);
    let replaced = false;
    try {
      renameSync(target, aside);
      replaced = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(partial, target);
    fsyncPath(this.dir);
    if (replaced) rmSync(aside, { recursive: true, force: true });
  }
}
