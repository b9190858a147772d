// Conversions between the core's log and state types (libs/raft core/types.ts)
// and their generated wire classes: Entry, HardState, ConfState, Snapshot.
// `toWire*` builds the plain property objects the generated encoders accept;
// `fromWire*` narrows a decoded value (read as unknown) into the core's type.

import type { ConfState, Entry, EntryType, HardState, LogIndex, NodeId, Snapshot, Term } from '@logbook/raft';
import { ProtoDecodeError, ProtoEncodeError } from './errors.ts';
import { logbook } from './gen/raft.js';
import {
  checkUint64,
  field,
  readArray,
  readBytes,
  readUint64,
  requireObject,
  runDecode,
} from './wire-values.ts';

const pb = logbook.raft.v1;

const ENTRY_TYPE_TO_WIRE: ReadonlyMap<EntryType, number> = new Map<EntryType, number>([
  ['normal', pb.EntryType.ENTRY_TYPE_NORMAL],
  ['conf-change', pb.EntryType.ENTRY_TYPE_CONF_CHANGE],
]);
const ENTRY_TYPE_FROM_WIRE: ReadonlyMap<number, EntryType> = new Map(
  [...ENTRY_TYPE_TO_WIRE].map(([k, v]) => [v, k] as const),
);

// --- Entry -------------------------------------------------------------------

export function toWireEntry(e: Entry, path: string): logbook.raft.v1.Entry.$Properties {
  const type = ENTRY_TYPE_TO_WIRE.get(e.type);
  // The core's EntryType is a closed union; anything else is a bug on this side.
  if (type === undefined) throw new ProtoEncodeError('invalid-enum', `${path}.type`, `unknown entry type ${String(e.type)}`);
  return {
    term: checkUint64(e.term, `${path}.term`),
    index: checkUint64(e.index, `${path}.index`),
    type,
    data: e.data,
  };
}

export function fromWireEntry(v: unknown, path: string): Entry {
  const o = requireObject(v, path);
  const rawType = field(o, 'type') ?? 0;
  const type = typeof rawType === 'number' ? ENTRY_TYPE_FROM_WIRE.get(rawType) : undefined;
  if (type === undefined) throw new ProtoDecodeError('invalid-enum', `${path}.type`, `unknown entry type ${JSON.stringify(rawType) ?? typeof rawType}`);
  return {
    term: readUint64(field(o, 'term'), `${path}.term`) as Term,
    index: readUint64(field(o, 'index'), `${path}.index`) as LogIndex,
    type,
    data: readBytes(field(o, 'data'), `${path}.data`),
  };
}

export function fromWireEntries(v: unknown, path: string): Entry[] {
  return readArray(v, path).map((e, i) => fromWireEntry(e, `${path}[${i}]`));
}

// --- HardState ---------------------------------------------------------------

export function toWireHardState(hs: HardState): logbook.raft.v1.HardState.$Properties {
  return {
    term: checkUint64(hs.term, 'term'),
    vote: checkUint64(hs.vote, 'vote'),
    commit: checkUint64(hs.commit, 'commit'),
  };
}

export function fromWireHardState(v: unknown, path: string): HardState {
  const o = requireObject(v, path);
  const p = path === '' ? '' : `${path}.`;
  return {
    term: readUint64(field(o, 'term'), `${p}term`) as Term,
    vote: readUint64(field(o, 'vote'), `${p}vote`) as NodeId,
    commit: readUint64(field(o, 'commit'), `${p}commit`) as LogIndex,
  };
}

// --- ConfState ---------------------------------------------------------------

function toWireIds(ids: readonly NodeId[], path: string): number[] {
  return ids.map((id, i) => checkUint64(id, `${path}[${i}]`));
}

function fromWireIds(v: unknown, path: string): NodeId[] {
  return readArray(v, path).map((id, i) => {
    const n = readUint64(id, `${path}[${i}]`);
    if (n === 0) throw new ProtoDecodeError('invalid-field', `${path}[${i}]`, 'member id 0 is reserved for "none"');
    return n as NodeId;
  });
}

export function toWireConfState(cs: ConfState, path: string): logbook.raft.v1.ConfState.$Properties {
  const p = path === '' ? '' : `${path}.`;
  return { voters: toWireIds(cs.voters, `${p}voters`), learners: toWireIds(cs.learners, `${p}learners`) };
}

export function fromWireConfState(v: unknown, path: string): ConfState {
  const o = requireObject(v, path);
  const p = path === '' ? '' : `${path}.`;
  return { voters: fromWireIds(field(o, 'voters'), `${p}voters`), learners: fromWireIds(field(o, 'learners'), `${p}learners`) };
}

// --- Snapshot ----------------------------------------------------------------

export function toWireSnapshot(s: Snapshot, path: string): logbook.raft.v1.Snapshot.$Properties {
  return {
    metadata: {
      index: checkUint64(s.metadata.index, `${path}.metadata.index`),
      term: checkUint64(s.metadata.term, `${path}.metadata.term`),
      confState: toWireConfState(s.metadata.confState, `${path}.metadata.confState`),
    },
    data: s.data,
  };
}

export function fromWireSnapshot(v: unknown, path: string): Snapshot {
  const o = requireObject(v, path);
  const md = requireObject(field(o, 'metadata'), `${path}.metadata`);
  return {
    metadata: {
      index: readUint64(field(md, 'index'), `${path}.metadata.index`) as LogIndex,
      term: readUint64(field(md, 'term'), `${path}.metadata.term`) as Term,
      confState: fromWireConfState(field(md, 'confState'), `${path}.metadata.confState`),
    },
    data: readBytes(field(o, 'data'), `${path}.data`),
  };
}

// --- Standalone codecs (for storage of these records outside messages) -------

export function encodeEntry(e: Entry): Uint8Array {
  return pb.Entry.encode(toWireEntry(e, 'entry')).finish();
}

/** Byte fields of the result alias `bytes`: do not reuse or mutate the input afterwards. */
export function decodeEntry(bytes: Uint8Array): Entry {
  return fromWireEntry(runDecode('Entry', () => pb.Entry.decode(bytes)), 'entry');
}

export function encodeHardState(hs: HardState): Uint8Array {
  return pb.HardState.encode(toWireHardState(hs)).finish();
}

export function decodeHardState(bytes: Uint8Array): HardState {
  return fromWireHardState(runDecode('HardState', () => pb.HardState.decode(bytes)), '');
}

export function encodeConfState(cs: ConfState): Uint8Array {
  return pb.ConfState.encode(toWireConfState(cs, '')).finish();
}

export function decodeConfState(bytes: Uint8Array): ConfState {
  return fromWireConfState(runDecode('ConfState', () => pb.ConfState.decode(bytes)), '');
}
