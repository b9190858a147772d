// Snapshot files, one per snapshot, named by index and term. Written
// atomically: the whole file goes to `<name>.tmp`, is fdatasync'ed, renamed
// into place and the directory fsync'ed — a crash leaves the old set of
// snapshots or the new one, never a half-written file under a real name.
// A file under a real name that fails its CRC is therefore bit rot, reported
// as SnapshotCorruptError; recovery decides whether an older one can stand in.

import { join } from 'node:path';
import type { Logger, Snapshot } from '@logbook/raft/core';
import { SnapshotCorruptError, isNotFound } from './errors.ts';
import { TMP_SUFFIX, parseSnapshotName, snapshotName, type SnapshotName } from './file-names.ts';
import type { WalFs } from './fs/wal-fs.ts';
import { DecodeError, decodeSnapshotFile, encodeSnapshotFile } from './record-codec.ts';

export class SnapshotStore {
  readonly #fs: WalFs;
  readonly #dir: string;
  readonly #logger: Logger;

  private constructor(fs: WalFs, dir: string, logger: Logger) {
    this.#fs = fs;
    this.#dir = dir;
    this.#logger = logger;
  }

  /** Creates the directory if needed and removes temporary files a crash left behind. */
  static async open(fs: WalFs, dir: string, logger: Logger): Promise<SnapshotStore> {
    await fs.mkdir(dir);
    const store = new SnapshotStore(fs, dir, logger);
    let removed = 0;
    for (const name of await fs.readdir(dir)) {
      if (!name.endsWith(TMP_SUFFIX)) continue;
      await fs.unlink(join(dir, name));
      removed++;
    }
    if (removed > 0) {
      await fs.fsyncDir(dir);
      logger.info('snapshot: removed unfinished snapshot files', { count: removed });
    }
    return store;
  }

  get dir(): string {
    return this.#dir;
  }

  /** Snapshot files present, newest (highest index) first. */
  async list(): Promise<SnapshotName[]> {
    const out: SnapshotName[] = [];
    for (const name of await this.#fs.readdir(this.#dir)) {
      const s = parseSnapshotName(name);
      if (s !== undefined) out.push(s);
    }
    return out.sort((a, b) => b.index - a.index || b.term - a.term);
  }

  /** Reads and verifies one snapshot file; throws SnapshotCorruptError if it is damaged or does not match its name. */
  async load(ref: SnapshotName): Promise<Snapshot> {
    const bytes = await this.#fs.readFile(join(this.#dir, ref.name));
    let snap: Snapshot;
    try {
      snap = decodeSnapshotFile(bytes);
    } catch (err) {
      if (err instanceof DecodeError) throw new SnapshotCorruptError(ref.name, err.message, { cause: err });
      throw err;
    }
    if (snap.metadata.index !== ref.index || snap.metadata.term !== ref.term) {
      throw new SnapshotCorruptError(
        ref.name,
        `holds index ${snap.metadata.index} term ${snap.metadata.term}, the name says index ${ref.index} term ${ref.term}`,
      );
    }
    return snap;
  }

  /** Writes a snapshot file atomically and durably. */
  async save(snap: Snapshot): Promise<SnapshotName> {
    const ref = snapshotName(snap.metadata.index, snap.metadata.term);
    const tmp = join(this.#dir, ref.name + TMP_SUFFIX);
    const bytes = encodeSnapshotFile(snap);
    // A save that failed part-way in this process may have left the tmp file.
    try {
      await this.#fs.unlink(tmp);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const file = await this.#fs.open(tmp, 'create-new');
    try {
      await file.write(bytes, 0);
      await file.datasync();
    } finally {
      await file.close();
    }
    await this.#fs.rename(tmp, join(this.#dir, ref.name));
    await this.#fs.fsyncDir(this.#dir);
    return ref;
  }

  /** Deletes the given snapshot files (then syncs the directory once). */
  async remove(refs: readonly SnapshotName[]): Promise<void> {
    if (refs.length === 0) return;
    for (const r of refs) await this.#fs.unlink(join(this.#dir, r.name));
    await this.#fs.fsyncDir(this.#dir);
    this.#logger.info('snapshot: removed old snapshot files', { count: refs.length, newestRemoved: refs[0]!.name });
  }

  /** Keeps the `keep` newest snapshot files with index <= `upTo` and deletes the older ones. */
  async retain(keep: number, upTo: number): Promise<void> {
    const eligible = (await this.list()).filter((s) => s.index <= upTo);
    await this.remove(eligible.slice(keep));
  }
}
