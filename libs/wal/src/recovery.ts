// Rebuilds a member's persistent state from its snapshot files and WAL
// records. Picks the newest snapshot that (1) the WAL recorded — a snapshot
// file without its marker was never acknowledged — (2) passes its CRC, and
// (3) together with the WAL yields a complete log; falls back to older ones
// only under those same rules. See DESIGN.md, "Recovery".

import { EMPTY_HARD_STATE, EMPTY_SNAPSHOT, logIndex, term as toTerm } from '@logbook/raft/core';
import type { ConfState, HardState, Logger, Snapshot } from '@logbook/raft/core';
import { SnapshotCorruptError, WalInconsistentError, WalNotCoveredError } from './errors.ts';
import type { SnapshotName } from './file-names.ts';
import { LogView } from './log-view.ts';
import type { PositionedRecord } from './segment-reader.ts';
import type { SnapshotStore } from './snapshot-store.ts';

export interface RecoveredState {
  /** The snapshot restored from (EMPTY_SNAPSHOT when none). */
  readonly snapshot: Snapshot;
  readonly hardState: HardState;
  /** Entries after the snapshot, anchored at its index and term. */
  readonly log: LogView;
  /** Snapshot files newer than the one restored that the WAL never recorded (safe to delete). */
  readonly orphans: readonly SnapshotName[];
}

type ReplayResult =
  | { readonly ok: true; readonly log: LogView; readonly hardState: HardState }
  | { readonly ok: false; readonly error: WalNotCoveredError };

const markerKey = (index: number, term: number): string => `${index}/${term}`;

function sameConfState(a: ConfState, b: ConfState): boolean {
  const eq = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.voters, b.voters) && eq(a.learners, b.learners);
}

export async function recover(records: readonly PositionedRecord[], snapshots: SnapshotStore, logger: Logger): Promise<RecoveredState> {
  const markers = new Set<string>();
  for (const r of records) if (r.record.type === 'snapshot') markers.add(markerKey(r.record.index, r.record.term));

  const problems: Error[] = [];
  const orphans: SnapshotName[] = [];
  for (const ref of await snapshots.list()) {
    if (!markers.has(markerKey(ref.index, ref.term))) {
      // Written, but the WAL marker that makes it count never became durable.
      logger.warn('recovery: ignoring a snapshot file the WAL never recorded', { file: ref.name, index: ref.index });
      orphans.push(ref);
      continue;
    }
    let snap: Snapshot;
    try {
      snap = await snapshots.load(ref);
    } catch (err) {
      if (!(err instanceof SnapshotCorruptError)) throw err;
      logger.error('recovery: snapshot file is corrupt; trying an older one', { file: ref.name, index: ref.index });
      problems.push(err);
      continue;
    }
    const r = replay(records, snap);
    if (r.ok) {
      if (problems.length > 0) logger.warn('recovery: restored from an older snapshot', { file: ref.name, index: ref.index });
      return { snapshot: snap, hardState: r.hardState, log: r.log, orphans };
    }
    logger.warn('recovery: snapshot plus WAL does not cover the log', { file: ref.name, reason: r.error.message });
    problems.push(r.error);
  }

  const r = replay(records, undefined);
  if (r.ok) return { snapshot: EMPTY_SNAPSHOT, hardState: r.hardState, log: r.log, orphans };
  const corrupt = problems.find((p) => p instanceof SnapshotCorruptError);
  if (corrupt !== undefined) throw corrupt;
  throw new WalNotCoveredError(r.error.message, { cause: problems[0] ?? r.error });
}

/**
 * Replays the records on top of `base` (or from an empty log). Markers of
 * the base apply raft's install rule; markers of older snapshots apply it too
 * (they were applied when written); markers of snapshots newer than the base
 * are only checked: restoring from an older snapshot is fine as long as the
 * log still holds the entries the newer one covered.
 */
function replay(records: readonly PositionedRecord[], base: Snapshot | undefined): ReplayResult {
  const notCovered = (reason: string): ReplayResult => ({ ok: false, error: new WalNotCoveredError(reason) });
  let view: LogView | undefined; // undefined until the first entry or marker anchors it
  let hardState: HardState = EMPTY_HARD_STATE;
  let baseSeen = base === undefined;
  let checkConf = false;
  for (const r of records) {
    const rec = r.record;
    if (checkConf) {
      checkConf = false;
      if (rec.type === 'conf-state' && base !== undefined && !sameConfState(rec.confState, base.metadata.confState)) {
        throw new WalInconsistentError(r.file, r.offset, `conf state differs from snapshot file at index ${base.metadata.index}`);
      }
    }
    switch (rec.type) {
      case 'entry': {
        const e = rec.entry;
        view ??= new LogView(logIndex(e.index - 1), undefined);
        if (e.index > view.lastIndex() + 1) {
          throw new WalInconsistentError(r.file, r.offset, `entry ${e.index} leaves a gap after ${view.lastIndex()}`);
        }
        view.append([e]);
        break;
      }
      case 'snapshot': {
        const { index, term } = rec;
        const isBase = base !== undefined && index === base.metadata.index && term === base.metadata.term;
        const termUnknown = view !== undefined && view.offset === index && view.offsetTerm === undefined;
        if (isBase) {
          // Whether the snapshot compacts the log or replaces it depends on
          // the term of the entry at its index. Release keeps that entry (see
          // Wal.release), so not knowing it means the WAL lost a segment.
          if (termUnknown) throw new WalInconsistentError(r.file, r.offset, `the term of entry ${index} under snapshot marker is unknown`);
          if (view === undefined) view = new LogView(index, term);
          else view.applySnapshot(index, term);
          baseSeen = true;
          checkConf = true;
        } else if (base !== undefined && index < base.metadata.index) {
          // Older than the base. Before any entry it anchors nothing (the
          // entries right after it may be gone with a released segment; the
          // first entry anchors the log). At an offset of unknown term it is
          // skipped: entries appended after it overwrite from index+1 anyway,
          // and the base marker settles anything above the base.
          if (view !== undefined && !termUnknown) view.applySnapshot(index, term);
        } else if (view === undefined || !view.matchTerm(index, term)) {
          return notCovered(`the WAL records a snapshot at index ${index} term ${term} (${r.file}) whose file is missing or damaged`);
        }
        break;
      }
      case 'hard-state':
        hardState = rec.hardState;
        break;
      case 'segment':
      case 'metadata':
      case 'conf-state':
        break;
    }
  }
  if (!baseSeen) return notCovered(`no marker for snapshot at index ${base!.metadata.index}`);
  const anchor = base?.metadata ?? { index: 0, term: 0 };
  view ??= new LogView(logIndex(anchor.index), toTerm(anchor.term));
  if (view.offset !== anchor.index) {
    return notCovered(`the WAL's entries start after index ${view.offset}, the snapshot ends at ${anchor.index}`);
  }
  // The term at the offset is the anchor's. (The view copied every payload it
  // was given: it holds none of the segment buffers the records were read from.)
  const log = view;
  log.setOffsetTerm(toTerm(anchor.term));
  if (hardState.commit > log.lastIndex()) {
    const last = records[records.length - 1];
    throw new WalInconsistentError(last?.file ?? '', last?.offset ?? 0, `commit ${hardState.commit} is beyond last index ${log.lastIndex()}`);
  }
  return { ok: true, log, hardState };
}
