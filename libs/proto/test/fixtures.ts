// Builders for core values, so tests state only the fields they care about.

import type { Entry, EntryType, LogIndex, Message, NetworkMessageType, NodeId, Snapshot, Term } from '@logbook/raft';
import { message } from '@logbook/raft/core';

export const EMPTY = new Uint8Array(0);

export function entry(index: number, term: number, data: Uint8Array = EMPTY, type: EntryType = 'normal'): Entry {
  return { index: index as LogIndex, term: term as Term, type, data };
}

export function snapshot(index: number, term: number, voters: number[], learners: number[], data: Uint8Array): Snapshot {
  return {
    metadata: {
      index: index as LogIndex,
      term: term as Term,
      confState: { voters: voters as NodeId[], learners: learners as NodeId[] },
    },
    data,
  };
}

export interface MsgFields {
  from?: number;
  to?: number;
  term?: number;
  logTerm?: number;
  index?: number;
  entries?: Entry[];
  commit?: number;
  snapshot?: Snapshot;
  reject?: boolean;
  rejectHint?: number;
  context?: Uint8Array;
}

export function msg(type: NetworkMessageType, f: MsgFields = {}): Message {
  return message({
    type,
    from: (f.from ?? 1) as NodeId,
    to: (f.to ?? 2) as NodeId,
    term: (f.term ?? 0) as Term,
    logTerm: (f.logTerm ?? 0) as Term,
    index: (f.index ?? 0) as LogIndex,
    entries: f.entries ?? [],
    commit: (f.commit ?? 0) as LogIndex,
    reject: f.reject ?? false,
    rejectHint: (f.rejectHint ?? 0) as LogIndex,
    context: f.context ?? EMPTY,
    snapshot: f.snapshot,
  });
}

/** Every byte value, so no value can be mangled unnoticed. */
export function allBytes(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => i);
}

/** A small seeded PRNG (mulberry32) for reproducible fuzz inputs. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
