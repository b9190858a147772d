// Shared test fixtures: filesystems to run against, temp dirs, a seeded PRNG,
// a recording logger and entry builders.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry, LogFields, Logger, LogIndex, Term } from '@logbook/raft/core';
import { MemFs } from '../src/fs/mem-fs.ts';
import { NodeFs } from '../src/fs/node-fs.ts';
import type { WalFs } from '../src/fs/wal-fs.ts';
import { seededRandom } from '@logbook/raft/core';

export interface FsFixture {
  readonly fs: WalFs;
  /** A directory for the test; does not exist yet under MemFs, exists (empty) under NodeFs. */
  readonly dir: string;
  readonly cleanup: () => Promise<void>;
}

export interface FsVariant {
  readonly name: 'MemFs' | 'NodeFs';
  readonly make: () => Promise<FsFixture>;
}

export const memFsVariant: FsVariant = {
  name: 'MemFs',
  make: () => Promise.resolve({ fs: new MemFs(), dir: '/data/member', cleanup: () => Promise.resolve() }),
};

export const nodeFsVariant: FsVariant = {
  name: 'NodeFs',
  make: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logbook-wal-test-'));
    return { fs: new NodeFs(), dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
};

export const fsVariants: readonly FsVariant[] = [memFsVariant, nodeFsVariant];

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields | undefined;
}

export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', msg, fields });
  }
  info(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', msg, fields });
  }
  has(level: LogLine['level'], fragment: string): boolean {
    return this.lines.some((l) => l.level === level && l.msg.includes(fragment));
  }
}

export function entry(index: number, term: number, data: string | Uint8Array = `e${index}`): Entry {
  return {
    index: index as LogIndex,
    term: term as Term,
    type: 'normal',
    data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
  };
}

/** Entries lo..hi inclusive at one term. */
export function entries(lo: number, hi: number, term: number, data?: (i: number) => string): Entry[] {
  const out: Entry[] = [];
  for (let i = lo; i <= hi; i++) out.push(entry(i, term, data?.(i)));
  return out;
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Comparable shape of entries (data as text). */
export function shape(es: readonly Entry[]): { index: number; term: number; type: string; data: string }[] {
  return es.map((e) => ({ index: e.index, term: e.term, type: e.type, data: text(e.data) }));
}

/** Deterministic random source for tests (the core's mulberry32). */
export const prng = seededRandom;
