// What a leader sends each follower: MsgApp within flow control, a snapshot
// when the follower is behind the log's first index, heartbeats.

import { CompactedError, SnapshotTemporarilyUnavailableError, assert } from './errors.ts';
import type { Raft } from './raft.ts';
import { isEmptySnapshot, message, payloadsSize, type Entry, type LogIndex, type NodeId } from './types.ts';

export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

/**
 * Send the follower what it lacks, if flow control allows. With sendIfEmpty
 * false nothing is sent when there are no new entries. Returns whether a
 * message was sent.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.trk.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const prevIndex = (pr.next - 1) as LogIndex;
  const prevTerm = r.raftLog.term(prevIndex);
  let ents: Entry[] | undefined;
  if (prevTerm !== undefined) {
    try {
      // A throttled follower in replicate state gets an empty MsgApp: its
      // answer (ack or reject) clears Inflights even if every in-flight
      // append was lost, so replication cannot stall; entries would overflow
      // the window.
      ents = pr.state === 'replicate' && pr.inflights.full() ? [] : r.raftLog.entriesFrom(pr.next, r.cfg.maxSizePerMsgBytes);
    } catch (e) {
      if (!(e instanceof CompactedError)) throw e;
      ents = undefined;
    }
  }
  if (prevTerm === undefined || ents === undefined) return maybeSendSnapshot(r, to);
  if (ents.length === 0 && !sendIfEmpty) return false;
  r.send(
    message({
      type: 'MsgApp',
      to,
      index: prevIndex,
      logTerm: prevTerm,
      entries: ents,
      commit: r.raftLog.committed,
      // A commit notice to a follower that acknowledged everything: its
      // acceptance would tell us nothing (two of the four messages a
      // follower sends per sequential put). Not when Inflights is full: that
      // empty append exists for its answer.
      noAck: ents.length === 0 && pr.state === 'replicate' && pr.match === prevIndex && !pr.inflights.full(),
    }),
  );
  pr.sentEntries(ents.length, payloadsSize(ents));
  return true;
}

function maybeSendSnapshot(r: Raft, to: NodeId): boolean {
  const pr = r.trk.progress.get(to);
  assert(pr !== undefined, 'snapshot to unknown follower');
  if (!pr.recentActive) {
    // Snapshots are expensive: only send one to a follower we know is alive.
    r.logger.debug('ignore sending snapshot since it is not recently active', { nodeId: r.id, to });
    return false;
  }
  let snap;
  try {
    snap = r.raftLog.snapshot();
  } catch (e) {
    if (e instanceof SnapshotTemporarilyUnavailableError) {
      r.logger.debug('failed to send snapshot because snapshot is temporarily unavailable', { nodeId: r.id, to });
      return false;
    }
    throw e;
  }
  assert(!isEmptySnapshot(snap), 'need non-empty snapshot');
  const cs = snap.metadata.confState;
  if (!cs.voters.includes(to) && !cs.learners.includes(to)) {
    // The member joined after this snapshot was taken and would refuse it.
    // The application must take a newer snapshot (the runtime does so after
    // every membership addition); until then, wait.
    r.logger.warn('latest snapshot predates the member; waiting for a newer snapshot', { nodeId: r.id, to, index: snap.metadata.index });
    return false;
  }
  r.logger.info('sending snapshot', { nodeId: r.id, to, index: snap.metadata.index, term: snap.metadata.term, match: pr.match });
  pr.becomeSnapshot(snap.metadata.index);
  r.send(message({ type: 'MsgSnap', to, snapshot: snap }));
  return true;
}

export function bcastAppend(r: Raft): void {
  for (const id of r.trk.progress.keys()) if (id !== r.id) sendAppend(r, id);
}

export function bcastHeartbeat(r: Raft): void {
  const ctx = r.readOnly.lastPendingRequestCtx();
  sendHeartbeatWithCtx(r, ctx ?? new Uint8Array(0));
}

export function sendHeartbeatWithCtx(r: Raft, ctx: Uint8Array): void {
  for (const [id, pr] of r.trk.progress) {
    if (id === r.id) continue;
    // Never tell a follower to commit past what it is known to hold: its log
    // may still have a divergent suffix.
    const commit = Math.min(pr.match, r.raftLog.committed) as LogIndex;
    // index carries our tick count at send; the follower echoes it (lease accounting).
    r.send(message({ type: 'MsgHeartbeat', to: id, commit, index: r.tickCount as LogIndex, context: ctx }));
  }
}
