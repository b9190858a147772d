// An in-memory WalFs that can crash. It remembers, per file, which writes were
// made durable by datasync() and, per directory, which entries were made
// durable by fsyncDir(); crash() throws away everything else, optionally
// leaving a torn write behind. Deterministic: no timers, no clock, no
// Math.random — a crash's randomness is passed in by the caller (the
// simulator's seeded PRNG), so a failing seed replays exactly.
//
// The crash model is a write-ordered filesystem: the unsynced operations on a
// file survive as a prefix, in the order they were issued, and the first one
// that does not survive may survive in part (a prefix of its bytes). With a
// single unsynced write this is exactly "lose it or tear it". Why not
// arbitrary subsets: a file whose later unsynced write survives while an
// earlier one vanishes cannot be told apart from bit rot by any log format
// (see DESIGN.md, "torn tails"); real filesystems that extend a file only
// after its data is written (ext4 data=ordered, xfs) do not produce it.

import { posix } from 'node:path';
import { FileNode } from './mem-inode.ts';
import type { OpenMode, WalFile, WalFs } from './wal-fs.ts';

export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EBADF' | 'EIO';

export class FsError extends Error {
  readonly code: FsErrorCode;
  readonly path: string;
  constructor(code: FsErrorCode, op: string, path: string) {
    super(`${code}: ${op} '${path}'`);
    this.name = 'FsError';
    this.code = code;
    this.path = path;
  }
}

export type FsOp =
  | 'open'
  | 'write'
  | 'datasync'
  | 'truncate'
  | 'read'
  | 'rename'
  | 'unlink'
  | 'readdir'
  | 'mkdir'
  | 'fsyncDir'
  | 'close';

/** Decides, before each operation, whether it fails; return an Error to fail it (the operation then has no effect). */
export type FaultHook = (op: FsOp, path: string) => Error | undefined;

export interface CrashOptions {
  /**
   * Integer in [0, n). Without it every unsynced write is lost and nothing is
   * torn. With it, per file: random(k+1) of its k unsynced operations survive
   * (in order), and the next write survives as a prefix of random(len+1) bytes.
   */
  readonly random?: (n: number) => number;
}

class DirNode {
  readonly kind = 'dir';
  entries = new Map<string, Node>();
  durable = new Map<string, Node>();
}

type Node = FileNode | DirNode;

/** Runs a synchronous in-memory operation as a promise: a throw becomes a rejection, like a real fs call. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

class MemFile implements WalFile {
  readonly path: string;
  readonly #fs: MemFs;
  readonly #node: FileNode;
  readonly #generation: number;
  #closed = false;

  constructor(fs: MemFs, path: string, node: FileNode, generation: number) {
    this.#fs = fs;
    this.path = path;
    this.#node = node;
    this.#generation = generation;
  }

  private check(op: FsOp): FileNode {
    // A handle from before a crash belongs to a process that no longer exists.
    if (this.#closed || this.#generation !== this.#fs.generation) throw new FsError('EBADF', op, this.path);
    this.#fs.fault(op, this.path);
    return this.#node;
  }

  write(data: Uint8Array, position: number): Promise<void> {
    return settle(() => {
      this.check('write').write(data, position, true);
    });
  }

  append(data: Uint8Array): Promise<void> {
    return settle(() => {
      const node = this.check('write');
      node.write(data, node.size, true);
    });
  }

  datasync(): Promise<void> {
    return settle(() => {
      this.check('datasync').sync();
    });
  }

  truncate(size: number): Promise<void> {
    return settle(() => {
      this.check('truncate').truncate(size);
    });
  }

  size(): Promise<number> {
    return settle(() => {
      return this.check('read').size;
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.check('close');
      this.#closed = true;
    });
  }
}

export class MemFs implements WalFs {
  readonly #root = new DirNode();
  #hook: FaultHook | undefined;
  /** Bumped by crash(): handles opened before it fail with EBADF. */
  generation = 0;

  setFaultHook(hook: FaultHook | undefined): void {
    this.#hook = hook;
  }

  /** @internal Runs the fault hook for an operation. */
  fault(op: FsOp, path: string): void {
    const err = this.#hook?.(op, path);
    if (err !== undefined) throw err;
  }

  /** Simulates power loss: see CrashOptions. Every open handle becomes invalid. */
  crash(opts: CrashOptions = {}): void {
    this.generation++;
    const seen = new Set<Node>();
    const visit = (dir: DirNode): void => {
      dir.entries = new Map(dir.durable);
      // Sorted so that the random draws are consumed in a stable order.
      for (const name of [...dir.durable.keys()].sort()) {
        const node = dir.durable.get(name)!;
        if (seen.has(node)) continue;
        seen.add(node);
        if (node.kind === 'dir') visit(node);
        else node.crash(opts.random);
      }
    };
    visit(this.#root);
  }

  /**
   * Overwrites bytes of a file as bit rot would: durably, behind the WAL's
   * back. The file must have no unsynced writes.
   */
  corrupt(path: string, position: number, data: Uint8Array): void {
    const node = this.file(path, 'corrupt');
    if (node.pending.length > 0) throw new Error(`corrupt(${path}): file has unsynced writes`);
    node.write(data, position, false);
  }

  /** True when `path` has writes or truncations since its last datasync. */
  hasUnsynced(path: string): boolean {
    return this.file(path, 'read').pending.length > 0;
  }

  open(path: string, mode: OpenMode): Promise<WalFile> {
    return settle(() => {
      this.fault('open', path);
      const { dir, name } = this.parent(path, 'open');
      let node = dir.entries.get(name);
      if (mode === 'create-new') {
        if (node !== undefined) throw new FsError('EEXIST', 'open', path);
        node = new FileNode();
        dir.entries.set(name, node);
      } else {
        if (node === undefined) throw new FsError('ENOENT', 'open', path);
        if (node.kind === 'dir') throw new FsError('EISDIR', 'open', path);
      }
      return new MemFile(this, path, node, this.generation);
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    return settle(() => {
      this.fault('read', path);
      return this.file(path, 'read').content().slice();
    });
  }

  readRange(path: string, position: number, length: number): Promise<Uint8Array> {
    return settle(() => {
      this.fault('read', path);
      const content = this.file(path, 'read').content();
      return content.slice(Math.min(position, content.byteLength), Math.min(position + length, content.byteLength));
    });
  }

  truncate(path: string, size: number): Promise<void> {
    return settle(() => {
      this.fault('truncate', path);
      this.file(path, 'truncate').truncate(size);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return settle(() => {
      this.fault('rename', from);
      const src = this.parent(from, 'rename');
      const node = src.dir.entries.get(src.name);
      if (node === undefined) throw new FsError('ENOENT', 'rename', from);
      const dst = this.parent(to, 'rename');
      const existing = dst.dir.entries.get(dst.name);
      if (existing === node) return;
      if (existing !== undefined) {
        if (existing.kind === 'dir' && node.kind === 'file') throw new FsError('EISDIR', 'rename', to);
        if (existing.kind === 'file' && node.kind === 'dir') throw new FsError('ENOTDIR', 'rename', to);
        if (existing.kind === 'dir' && existing.entries.size > 0) throw new FsError('ENOTEMPTY', 'rename', to);
      }
      src.dir.entries.delete(src.name);
      dst.dir.entries.set(dst.name, node);
    });
  }

  unlink(path: string): Promise<void> {
    return settle(() => {
      this.fault('unlink', path);
      const { dir, name } = this.parent(path, 'unlink');
      const node = dir.entries.get(name);
      if (node === undefined) throw new FsError('ENOENT', 'unlink', path);
      if (node.kind === 'dir') throw new FsError('EISDIR', 'unlink', path);
      dir.entries.delete(name);
    });
  }

  readdir(path: string): Promise<string[]> {
    return settle(() => {
      this.fault('readdir', path);
      return [...this.dir(path, 'readdir').entries.keys()];
    });
  }

  mkdir(path: string): Promise<void> {
    return settle(() => {
      this.fault('mkdir', path);
      let dir = this.#root;
      for (const part of this.split(path)) {
        let next = dir.entries.get(part);
        if (next === undefined) {
          next = new DirNode();
          // mkdir is durable when it resolves (as NodeFs makes it).
          dir.entries.set(part, next);
          dir.durable.set(part, next);
        }
        if (next.kind !== 'dir') throw new FsError('ENOTDIR', 'mkdir', path);
        dir = next;
      }
    });
  }

  fsyncDir(path: string): Promise<void> {
    return settle(() => {
      this.fault('fsyncDir', path);
      const dir = this.dir(path, 'fsyncDir');
      dir.durable = new Map(dir.entries);
    });
  }

  private split(path: string): string[] {
    return posix
      .normalize(posix.resolve('/', path))
      .split('/')
      .filter((p) => p.length > 0);
  }

  private lookup(path: string, op: string): Node {
    let node: Node = this.#root;
    for (const part of this.split(path)) {
      if (node.kind !== 'dir') throw new FsError('ENOTDIR', op, path);
      const next: Node | undefined = node.entries.get(part);
      if (next === undefined) throw new FsError('ENOENT', op, path);
      node = next;
    }
    return node;
  }

  private dir(path: string, op: string): DirNode {
    const node = this.lookup(path, op);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', op, path);
    return node;
  }

  private file(path: string, op: string): FileNode {
    const node = this.lookup(path, op);
    if (node.kind !== 'file') throw new FsError('EISDIR', op, path);
    return node;
  }

  private parent(path: string, op: string): { dir: DirNode; name: string } {
    const parts = this.split(path);
    const name = parts.pop();
    if (name === undefined) throw new FsError('EISDIR', op, path);
    return { dir: this.dir('/' + parts.join('/'), op), name };
  }
}
