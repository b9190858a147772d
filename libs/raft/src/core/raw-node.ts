// The application's handle on the core, in the shape of etcd-io/raft's
// RawNode: feed it ticks, messages and proposals; take Ready batches of work;
// report back with advance(). No I/O, no timers, no clocks.

import type { Config } from './config.ts';
import { encodeConfChange } from './conf-change.ts';
import { NotLeaderError, ProposalDroppedError, RaftError, TooLargeError, assert } from './errors.ts';
import { Raft } from './raft.ts';
import type { ProgressStatus, Ready, SoftState, Status } from './ready.ts';
import {
  hardStateEqual,
  isEmptyHardState,
  isLocalMessage,
  isResponseMessage,
  message,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  type Message,
  type NodeId,
  type Term,
} from './types.ts';

export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced; at most one at a time. */
  private outstanding: Ready | undefined;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): NodeId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  /** Start an election now (pre-vote first when enabled). */
  campaign(): void {
    this.raft.step(message({ type: 'MsgHup', from: this.raft.id }));
  }

  /**
   * Propose data to be appended. Throws ProposalDroppedError, NotLeaderError
   * or TooLargeError; success means only that the proposal was accepted for
   * replication (or forwarded), not that it will commit.
   */
  propose(data: Uint8Array): void {
    this.proposeEntry({ type: 'normal', data });
  }

  /**
   * Propose several entries as one MsgProp: one append and one MsgApp per
   * follower for all of them (a follower forwards them as one message). All
   * or nothing: an error refuses every entry. TooLargeError (checked first,
   * before anything is stepped) names the first entry over maxProposalBytes.
   */
  proposeBatch(datas: readonly Uint8Array[]): void {
    if (datas.length === 0) return;
    for (const data of datas) {
      if (data.byteLength > this.raft.cfg.maxProposalBytes) throw new TooLargeError(data.byteLength, this.raft.cfg.maxProposalBytes);
    }
    const entries: Entry[] = datas.map((data) => ({ term: 0 as Term, index: 0 as LogIndex, type: 'normal', data }));
    this.raft.step(message({ type: 'MsgProp', from: this.raft.id, entries }));
  }

  proposeConfChange(cc: ConfChange): void {
    this.proposeEntry({ type: 'conf-change', data: encodeConfChange(cc) });
  }

  private proposeEntry(e: Pick<Entry, 'type' | 'data'>): void {
    if (e.data.byteLength > this.raft.cfg.maxProposalBytes) throw new TooLargeError(e.data.byteLength, this.raft.cfg.maxProposalBytes);
    const entry: Entry = { term: 0 as Term, index: 0 as LogIndex, type: e.type, data: e.data };
    this.raft.step(message({ type: 'MsgProp', from: this.raft.id, entries: [entry] }));
  }

  /** Apply a committed conf change; returns the new configuration (persist it with the applied index). */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /**
   * Feed a message received from a peer. Proposals and reads forwarded by a
   * peer that this member cannot take are dropped (the origin times out and
   * retries), as are responses from members not in the configuration.
   */
  step(m: Message): void {
    if (isLocalMessage(m.type)) throw new RaftError('step-local-message', `cannot step a local message (${m.type}) from the network`);
    if (isResponseMessage(m.type) && !this.raft.trk.progress.has(m.from) && m.type !== 'MsgReadIndexResp') {
      return; // a response from a member we no longer know: nothing to learn from it
    }
    try {
      this.raft.step(m);
    } catch (e) {
      if ((m.type === 'MsgProp' || m.type === 'MsgReadIndex') && (e instanceof ProposalDroppedError || e instanceof NotLeaderError)) {
        this.raft.logger.debug('dropped forwarded request', { nodeId: this.raft.id, type: m.type, from: m.from, reason: e.message });
        return;
      }
      throw e;
    }
  }

  /**
   * Request a linearizable read. When it is safe, a ReadState with this ctx
   * appears in a Ready; the read may be served once applied >= its index.
   * ctx must be unique among outstanding reads.
   */
  readIndex(ctx: Uint8Array): void {
    this.raft.step(message({ type: 'MsgReadIndex', from: this.raft.id, context: ctx }));
  }

  transferLeader(transferee: NodeId): void {
    this.raft.step(message({ type: 'MsgTransferLeader', from: transferee }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: 'MsgUnreachable', from: id }));
  }

  reportSnapshot(id: NodeId, status: 'finish' | 'failure'): void {
    this.raft.step(message({ type: 'MsgSnapStatus', from: id, reject: status === 'failure' }));
  }

  hasReady(): boolean {
    if (this.outstanding !== undefined) return false;
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstableEntries().length > 0 || r.raftLog.hasNextCommittedEnts()) return true;
    return r.readStates.length > 0;
  }

  /** Take the pending work. Call advance(rd) once it is done, before the next ready(). */
  ready(): Ready {
    assert(this.outstanding === undefined, 'ready() called again before advance()');
    const r = this.raft;
    const ss = r.softState();
    const hs = r.hardState();
    const softChanged = ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState;
    const hardChanged = !hardStateEqual(hs, this.prevHardState);
    const entries = [...r.raftLog.unstableEntries()];
    const snap = r.raftLog.unstable.snapshot;
    // Every field present, undefined when unchanged: one object shape.
    const rd: Ready = {
      softState: softChanged ? ss : undefined,
      hardState: hardChanged ? hs : undefined,
      readStates: r.readStates,
      entries,
      snapshot: snap,
      committedEntries: r.raftLog.nextCommittedEnts(),
      messages: r.msgs,
      mustSync: entries.length > 0 || hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote,
    };
    if (softChanged) this.prevSoftState = ss;
    if (hardChanged) this.prevHardState = hs;
    r.msgs = [];
    r.readStates = [];
    this.outstanding = rd;
    return rd;
  }

  /** The application has persisted, sent and applied everything in rd. */
  advance(rd: Ready): void {
    assert(this.outstanding === rd, 'advance() with a Ready that is not the outstanding one');
    this.outstanding = undefined;
    const r = this.raft;
    let applied = r.raftLog.applied;
    if (rd.snapshot !== undefined) applied = Math.max(applied, rd.snapshot.metadata.index) as LogIndex;
    const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastCommitted !== undefined) {
      applied = Math.max(applied, lastCommitted.index) as LogIndex;
      r.reduceUncommittedSize(rd.committedEntries);
    }
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) r.raftLog.stableTo(lastEntry.index, lastEntry.term);
    if (rd.snapshot !== undefined) r.raftLog.stableSnapTo(rd.snapshot.metadata.index);
    if (applied > r.raftLog.applied) r.raftLog.appliedTo(applied);
  }

  status(): Status {
    const r = this.raft;
    const progress = new Map<NodeId, ProgressStatus>();
    if (r.state === 'leader') for (const [id, pr] of r.trk.progress) progress.set(id, pr.status());
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      leadTransferee: r.leadTransferee,
      progress,
    };
  }

  /** The membership as the core currently sees it. */
  confState(): ConfState {
    return this.raft.trk.confState();
  }

  /** Testing and tooling: the full log as the core sees it (stable + unstable), from firstIndex. */
  debugLogEntries(): readonly Entry[] {
    const l = this.raft.raftLog;
    const first = l.firstIndex();
    const last = l.lastIndex();
    if (last < first) return [];
    return l.slice(first, (last + 1) as LogIndex, Number.MAX_SAFE_INTEGER);
  }
}
