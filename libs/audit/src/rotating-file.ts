// An append-only log file that rotates as lumberjack (kube's log rotator)
// does: before a write that would push the file past `maxSizeBytes`, the file
// is renamed to `<name>-<UTC 2006-01-02T15-04-05.000><ext>` and a new one is
// started; then backups beyond `maxBackups` or older than `maxAgeDays` are
// removed, and the rest gzipped when `compress` is set. Writes are
// serialised: one file offset, one size count.

import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AuditError } from './errors.ts';
import type { AuditClock } from './clock.ts';

/** lumberjack's size when none is given. */
export const DEFAULT_MAX_SIZE_BYTES = 100 * 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RotatingFileOptions {
  readonly path: string;
  /** 0: lumberjack's default, 100 MiB. */
  readonly maxSizeBytes: number;
  /** 0: keep backups regardless of age. */
  readonly maxAgeDays: number;
  /** 0: keep every backup (subject to maxAgeDays). */
  readonly maxBackups: number;
  readonly compress: boolean;
  readonly clock: AuditClock;
}

function backupTimestamp(ms: number): string {
  // 2006-01-02T15:04:05.000Z → 2006-01-02T15-04-05.000
  return new Date(Math.floor(ms)).toISOString().slice(0, 23).replace(/:/g, '-');
}

function parseBackupTimestamp(s: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)\.(\d{3})$/.exec(s);
  if (m === null) return undefined;
  const t = Date.parse(`${m[1] ?? ''}T${m[2] ?? ''}:${m[3] ?? ''}:${m[4] ?? ''}.${m[5] ?? ''}Z`);
  return Number.isNaN(t) ? undefined : t;
}

export class RotatingFile {
  readonly #opts: RotatingFileOptions;
  readonly #max: number;
  #file: FileHandle | undefined;
  #size = 0;
  #tail: Promise<void> = Promise.resolve();

  constructor(opts: RotatingFileOptions) {
    if (opts.maxSizeBytes < 0 || opts.maxAgeDays < 0 || opts.maxBackups < 0) throw new Error('assertion failed: rotation limits are non-negative');
    this.#opts = opts;
    this.#max = opts.maxSizeBytes === 0 ? DEFAULT_MAX_SIZE_BYTES : opts.maxSizeBytes;
  }

  /** Appends `data`, rotating first if it would not fit. Rejects when data alone exceeds the maximum size. */
  write(data: string): Promise<void> {
    const p = this.#tail.then(() => this.#write(data));
    // The chain continues past a failed write; the caller sees the failure.
    this.#tail = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.#tail;
    const f = this.#file;
    this.#file = undefined;
    await f?.close();
  }

  async #write(data: string): Promise<void> {
    const buf = Buffer.from(data, 'utf8');
    if (buf.length > this.#max) {
      throw new AuditError('EventTooLarge', `write length ${buf.length} exceeds maximum file size ${this.#max}`);
    }
    if (this.#file === undefined) await this.#openExistingOrNew(buf.length);
    else if (this.#size + buf.length > this.#max) await this.#rotate();
    const f = this.#file;
    if (f === undefined) throw new Error('assertion failed: log file open after rotation');
    await f.write(buf);
    this.#size += buf.length;
  }

  async #openExistingOrNew(writeLen: number): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.#opts.path)).size;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new AuditError('BackendFailed', `audit log ${this.#opts.path}: ${String(err)}`, { cause: err });
      await this.#openNew();
      return;
    }
    if (size + writeLen > this.#max) {
      await this.#rotate();
      return;
    }
    this.#file = await open(this.#opts.path, 'a', 0o600);
    this.#size = size;
  }

  async #rotate(): Promise<void> {
    await this.#file?.close();
    this.#file = undefined;
    await this.#openNew();
    await this.#cleanup();
  }

  async #openNew(): Promise<void> {
    const { path } = this.#opts;
    let exists = true;
    try {
      await stat(path);
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      exists = false;
    }
    if (exists) await rename(path, this.#backupName(this.#opts.clock.now()));
    this.#file = await open(path, 'a', 0o600);
    this.#size = 0;
  }

  #backupName(ms: number): string {
    const ext = extname(this.#opts.path);
    const prefix = basename(this.#opts.path, ext);
    return join(dirname(this.#opts.path), `${prefix}-${backupTimestamp(ms)}${ext}`);
  }

  /** Backups, newest first. */
  async backups(): Promise<{ name: string; time: number }[]> {
    const dir = dirname(this.#opts.path);
    const ext = extname(this.#opts.path);
    const prefix = `${basename(this.#opts.path, ext)}-`;
    const out: { name: string; time: number }[] = [];
    for (const name of await readdir(dir)) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const stamp = rest.endsWith(`${ext}.gz`) ? rest.slice(0, -(ext.length + 3)) : rest.endsWith(ext) ? rest.slice(0, rest.length - ext.length) : undefined;
      if (stamp === undefined) continue;
      const time = parseBackupTimestamp(stamp);
      if (time !== undefined) out.push({ name: join(dir, name), time });
    }
    return out.sort((a, b) => b.time - a.time);
  }

  async #cleanup(): Promise<void> {
    const { maxBackups, maxAgeDays, compress, clock } = this.#opts;
    let files = await this.backups();
    const remove: string[] = [];
    if (maxBackups > 0) {
      // A backup and its .gz twin count once.
      const kept = new Set<string>();
      const keep: typeof files = [];
      for (const f of files) {
        const key = f.name.replace(/\.gz$/, '');
        if (kept.has(key) || kept.size < maxBackups) {
          kept.add(key);
          keep.push(f);
        } else {
          remove.push(f.name);
        }
      }
      files = keep;
    }
    if (maxAgeDays > 0) {
      const cutoff = clock.now() - maxAgeDays * DAY_MS;
      for (const f of files) if (f.time < cutoff) remove.push(f.name);
      files = files.filter((f) => f.time >= cutoff);
    }
    for (const name of remove) await rm(name, { force: true });
    if (compress) {
      for (const f of files) {
        if (f.name.endsWith('.gz')) continue;
        await pipeline(createReadStream(f.name), createGzip(), createWriteStream(`${f.name}.gz`, { mode: 0o600 }));
        await rm(f.name, { force: true });
      }
    }
  }
}
