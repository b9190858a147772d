// Reading a member's log as the core sees it right after ready(): the
// persisted storage, overlaid by the Ready's snapshot (which replaces the
// whole log) and entries (which replace everything from their first index).
// Nothing else is unstable at that moment, because ready() hands out all of it.

import type { LogIndex, Ready, Storage } from '@logbook/raft';
import type { LogLookup } from './leader-completeness.ts';

export function overlayLookup(storage: Storage, rd: Pick<Ready, 'entries' | 'snapshot'>): LogLookup {
  const first = rd.entries[0]?.index;
  const snapIndex = rd.snapshot?.metadata.index;
  return (i: LogIndex) => {
    if (first !== undefined && i >= first) {
      const e = rd.entries[i - first];
      return e === undefined ? { kind: 'missing' } : { kind: 'entry', entry: e };
    }
    if (snapIndex !== undefined) return i <= snapIndex ? { kind: 'compacted' } : { kind: 'missing' };
    if (i < storage.firstIndex()) return { kind: 'compacted' };
    if (i > storage.lastIndex()) return { kind: 'missing' };
    const e = storage.entries(i, (i + 1) as LogIndex, Number.MAX_SAFE_INTEGER)[0];
    return e === undefined ? { kind: 'missing' } : { kind: 'entry', entry: e };
  };
}
