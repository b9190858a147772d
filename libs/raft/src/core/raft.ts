// The Raft state machine of one member: terms, elections (with pre-vote and
// check-quorum), message handling for each role, membership. Replication
// (what a leader sends each follower) lives in replication.ts. Everything is
// synchronous and deterministic: the same inputs give the same outputs.

import { validateConfig, type Config, type ValidConfig } from './config.ts';
import { decodeConfChange } from './conf-change.ts';
import { NotLeaderError, ProposalDroppedError, RaftError, assert } from './errors.ts';
import type { Logger } from './logger.ts';
import { RaftLog } from './raft-log.ts';
import { ReadOnly } from './read-only.ts';
import type { ReadState, SoftState, StateType } from './ready.ts';
import {
  bcastAppend,
  bcastHeartbeat,
  maybeSendAppend,
  sendAppend,
  sendHeartbeatWithCtx,
} from './replication.ts';
import { ProgressTracker } from './tracker.ts';
import {
  NONE,
  message,
  payloadsSize,
  voteResponseType,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type LogIndex,
  type Message,
  type NodeId,
  type Snapshot,
  type Term,
} from './types.ts';

/** Context marking a campaign started by leader transfer: it bypasses leader leases. */
export const CAMPAIGN_TRANSFER = new Uint8Array([0x74, 0x72, 0x61, 0x6e, 0x73, 0x66, 0x65, 0x72]); // "transfer"

type CampaignType = 'pre-election' | 'election' | 'transfer';

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Raft {
  readonly id: NodeId;
  readonly cfg: ValidConfig;
  readonly logger: Logger;
  term: Term = 0 as Term;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = 'follower';
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  /** Outgoing messages, taken by the next Ready. */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** Non-zero while a leadership transfer to this member is in progress. */
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change the leader appended; a new one waits until it is applied. */
  pendingConfIndex: LogIndex = 0 as LogIndex;
  /** Payload bytes of entries appended by this leader and not yet committed+applied. */
  uncommittedSize = 0;
  readOnly = new ReadOnly();
  /** ReadIndex requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Ticks since start: the leader's clock for lease accounting. */
  tickCount = 0;
  /** Set once this leader sent MsgTimeoutNow: the transferee may win at any moment, so no more lease reads this term. */
  leaseRevoked = false;
  /**
   * With lease-based reads, a member that just started honours the lease it
   * may have granted before a crash: it refuses votes for its first
   * electionTicks ticks, as if it had just heard from a leader.
   */
  restartLeaseGuard = false;

  constructor(config: Config) {
    this.cfg = validateConfig(config);
    this.id = this.cfg.id;
    this.logger = this.cfg.logger;
    this.raftLog = new RaftLog(this.cfg.storage, this.logger, this.cfg.maxCommittedSizePerReadyBytes);
    this.trk = new ProgressTracker(this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes);
    const { hardState, confState } = this.cfg.storage.initialState();
    this.trk.applyConfState(confState, this.raftLog.lastIndex());
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState);
    // A member that ever followed a leader persisted a term past the
    // bootstrap term (1) before acknowledging it; only such a member may hold
    // a lease it granted before a restart.
    this.restartLeaseGuard = this.cfg.readOnlyOption === 'lease-based' && hardState.term > 1;
    if (this.cfg.applied > 0) this.raftLog.appliedTo(this.cfg.applied);
    this.becomeFollower(this.term, NONE);
    this.logger.info('raft member starting', {
      nodeId: this.id,
      term: this.term,
      commit: this.raftLog.committed,
      applied: this.raftLog.applied,
      lastIndex: this.raftLog.lastIndex(),
      voters: confState.voters.join(','),
    });
  }

  private loadState(hs: HardState): void {
    assert(
      hs.commit >= this.raftLog.committed && hs.commit <= this.raftLog.lastIndex(),
      () => `${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
    );
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  send(m: Message): void {
    assert(m.from === NONE || m.from === this.id, 'send: from is set by the sender');
    const from = this.id;
    let t = m.term;
    if (m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVote' || m.type === 'MsgPreVoteResp') {
      // Vote messages carry the term they are for (the candidate's next term for pre-votes).
      assert(t !== 0, () => `term should be set when sending ${m.type}`);
    } else {
      assert(t === 0, () => `term should not be set when sending ${m.type} (was ${t})`);
      // Proposals and read requests are forwarded without a term: they are
      // local to the receiving leader's term, whatever it is.
      if (m.type !== 'MsgProp' && m.type !== 'MsgReadIndex') t = this.term;
    }
    this.msgs.push({ ...m, from, term: t });
  }

  // ---------------------------------------------------------------------
  // Roles

  private reset(t: Term): void {
    if (this.term !== t) {
      this.term = t;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      pr.inflights.reset();
      pr.state = 'probe';
      pr.pendingSnapshot = 0 as LogIndex;
      pr.msgAppFlowPaused = false;
      pr.recentActive = false;
      pr.heartbeatAckTick = Number.NEGATIVE_INFINITY;
      pr.match = (id === this.id ? last : 0) as LogIndex;
      pr.next = (last + 1) as LogIndex;
    }
    this.pendingConfIndex = 0 as LogIndex;
    this.uncommittedSize = 0;
    this.leaseRevoked = false;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(t: Term, lead: NodeId): void {
    this.reset(t);
    this.lead = lead;
    this.state = 'follower';
  }

  private becomeCandidate(): void {
    assert(this.state !== 'leader', 'invalid transition [leader -> candidate]');
    this.reset((this.term + 1) as Term);
    this.vote = this.id;
    this.state = 'candidate';
    this.logger.info('became candidate', { nodeId: this.id, term: this.term });
  }

  private becomePreCandidate(): void {
    assert(this.state !== 'leader', 'invalid transition [leader -> pre-candidate]');
    // A pre-candidate changes neither its term nor its vote: a failed
    // pre-election leaves the cluster undisturbed.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = 'pre-candidate';
  }

  private becomeLeader(): void {
    assert(this.state !== 'follower', 'invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    const self = this.trk.progress.get(this.id);
    assert(self !== undefined, 'leader without its own progress');
    self.becomeReplicate();
    self.recentActive = true;
    // Entries after the commit index may hold a conf change we cannot see
    // cheaply; be conservative and wait until everything we have is applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    const empty: Entry = { term: this.term, index: (this.raftLog.lastIndex() + 1) as LogIndex, type: 'normal', data: new Uint8Array(0) };
    assert(this.appendEntries([empty]), 'empty entry was dropped');
    this.logger.info('became leader', { nodeId: this.id, term: this.term, index: this.raftLog.lastIndex() });
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.cfg.electionTicks + this.cfg.random(this.cfg.electionTicks);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  /** Whether this member may become leader: a voter with no snapshot waiting to be applied. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  // ---------------------------------------------------------------------
  // Time

  tick(): void {
    this.tickCount++;
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(message({ type: 'MsgHup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.step(message({ type: 'MsgCheckQuorum', from: this.id }));
      // A transfer that did not complete within an election timeout is abandoned.
      if (this.state === 'leader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'leader') return;
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: 'MsgBeat', from: this.id }));
    }
  }

  // ---------------------------------------------------------------------
  // Elections

  private hup(t: CampaignType): void {
    if (this.state === 'leader') return;
    if (!this.promotable()) {
      this.logger.warn('is unpromotable and can not campaign', { nodeId: this.id });
      return;
    }
    if (this.hasUnappliedConfChanges()) {
      this.logger.warn('cannot campaign: committed configuration changes are not yet applied', { nodeId: this.id, term: this.term });
      return;
    }
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.raftLog.applied >= this.raftLog.committed) return false;
    let lo = (this.raftLog.applied + 1) as LogIndex;
    const hi = (this.raftLog.committed + 1) as LogIndex;
    while (lo < hi) {
      const ents = this.raftLog.slice(lo, hi, this.cfg.maxSizePerMsgBytes * 16);
      for (const e of ents) if (e.type === 'conf-change') return true;
      const last = ents[ents.length - 1];
      if (last === undefined) break;
      lo = (last.index + 1) as LogIndex;
    }
    return false;
  }

  private campaign(t: CampaignType): void {
    let voteMsg: 'MsgVote' | 'MsgPreVote';
    let voteTerm: Term;
    if (t === 'pre-election') {
      this.becomePreCandidate();
      voteMsg = 'MsgPreVote';
      voteTerm = (this.term + 1) as Term;
    } else {
      this.becomeCandidate();
      voteMsg = 'MsgVote';
      voteTerm = this.term;
    }
    // Our own vote is part of the HardState persisted before these messages leave.
    this.trk.recordVote(this.id, true);
    if (this.trk.tallyVotes().result === 'won') {
      if (t === 'pre-election') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const ids = [...this.trk.voters].sort((a, b) => a - b);
    for (const id of ids) {
      if (id === this.id) continue;
      this.send(
        message({
          type: voteMsg,
          to: id,
          term: voteTerm,
          index: this.raftLog.lastIndex(),
          logTerm: this.raftLog.lastTerm(),
          ...(t === 'transfer' ? { context: CAMPAIGN_TRANSFER } : {}),
        }),
      );
    }
  }

  private poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes().result;
  }

  // ---------------------------------------------------------------------
  // Step: every input goes through here.

  step(m: Message): void {
    if (m.term === 0) {
      // local message, or a forwarded proposal/read
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
        // The guard runs on ticks since start: electionElapsed is reset by our
        // own campaigns, which must not extend it (seed 11826 deadlocked so).
        const inLease =
          this.cfg.checkQuorum &&
          ((this.lead !== NONE && this.electionElapsed < this.cfg.electionTicks) ||
            (this.restartLeaseGuard && this.tickCount < this.cfg.electionTicks));
        if (!force && inLease) {
          // We heard from a live leader within the minimum election timeout:
          // ignore the disruptive candidate (check-quorum leader lease).
          this.logger.info('ignored vote request: lease is not expired', { nodeId: this.id, term: this.term, from: m.from });
          return;
        }
      }
      if (m.type === 'MsgPreVote') {
        // A pre-vote never changes our term.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // The term in a granted pre-vote response is the one we will campaign at.
      } else {
        this.logger.info('received message with higher term', { nodeId: this.id, term: this.term, msgTerm: m.term, type: m.type, from: m.from });
        if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') this.becomeFollower(m.term, m.from);
        else this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (e.g. after a partition): answer with our term so it
        // steps down. Without this, with check-quorum or pre-vote on, a
        // member whose term rose could never be caught up.
        this.send(message({ type: 'MsgAppResp', to: m.from }));
      } else if (m.type === 'MsgPreVote') {
        this.send(message({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.cfg.preVote ? 'pre-election' : 'election');
        return;
      case 'MsgVote':
      case 'MsgPreVote': {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === 'MsgPreVote' && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          this.send(message({ type: voteResponseType(m.type), to: m.from, term: m.term }));
          if (m.type === 'MsgVote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(message({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        switch (this.state) {
          case 'leader':
            this.stepLeader(m);
            return;
          case 'candidate':
          case 'pre-candidate':
            this.stepCandidate(m);
            return;
          case 'follower':
            this.stepFollower(m);
            return;
        }
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'MsgBeat':
        bcastHeartbeat(this);
        return;
      case 'MsgCheckQuorum':
        if (!this.trk.quorumActive()) {
          this.logger.warn('stepped down to follower since quorum is not active', { nodeId: this.id, term: this.term });
          this.becomeFollower(this.term, NONE);
        }
        for (const [id, pr] of this.trk.progress) pr.recentActive = id === this.id;
        return;
      case 'MsgProp':
        this.leaderPropose(m);
        return;
      case 'MsgReadIndex':
        this.leaderReadIndex(m);
        return;
      default:
        break;
    }
    const pr = this.trk.progress.get(m.from);
    if (pr === undefined) {
      this.logger.debug('no progress available for peer', { nodeId: this.id, from: m.from });
      return;
    }
    switch (m.type) {
      case 'MsgAppResp':
        this.handleAppendResponse(m);
        return;
      case 'MsgHeartbeatResp': {
        pr.recentActive = true;
        pr.msgAppFlowPaused = false;
        // The response echoes the tick at which we sent the heartbeat (lease accounting).
        if (m.index > pr.heartbeatAckTick && m.index <= this.tickCount) pr.heartbeatAckTick = m.index;
        if (pr.match < this.raftLog.lastIndex() || pr.state === 'probe') sendAppend(this, m.from);
        if (m.context.byteLength === 0) return;
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (acks === undefined) return;
        let voterAcks = 0;
        for (const id of acks) if (this.trk.voters.has(id)) voterAcks++;
        if (voterAcks < this.trk.quorum()) return;
        for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.req, rs.index);
        return;
      }
      case 'MsgSnapStatus':
        if (pr.state !== 'snapshot') return;
        pr.becomeProbe();
        // Whether it worked or not, wait for a heartbeat response before probing again.
        pr.msgAppFlowPaused = true;
        return;
      case 'MsgUnreachable':
        // Optimistic pipelining assumed delivery; fall back to probing.
        if (pr.state === 'replicate') pr.becomeProbe();
        return;
      case 'MsgTransferLeader':
        this.handleTransferLeader(m.from);
        return;
      default:
        return;
    }
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.trk.progress.get(m.from);
    assert(pr !== undefined, 'handleAppendResponse without progress');
    pr.recentActive = true;
    if (m.reject) {
      let nextProbeIdx = m.rejectHint;
      if (m.logTerm > 0) {
        // The follower told us its term at rejectHint: skip every entry of
        // ours with a larger term (one round trip per term, not per entry).
        nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
      }
      if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        sendAppend(this, m.from);
      }
      return;
    }
    const oldPaused = pr.isPaused();
    if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'probe')) {
      if (pr.state === 'probe') pr.becomeReplicate();
      else if (pr.state === 'snapshot' && pr.match + 1 >= this.raftLog.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);

      if (this.maybeCommit()) {
        this.releasePendingReadIndexMessages();
        bcastAppend(this);
      } else if (oldPaused) {
        sendAppend(this, m.from);
      }
      // Fill the pipeline while flow control allows.
      while (maybeSendAppend(this, m.from, false)) {
        /* keep sending */
      }
      if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
        this.logger.info('sent MsgTimeoutNow after receiving append response', { nodeId: this.id, to: m.from });
        this.sendTimeoutNow(m.from);
      }
    }
  }

  private sendTimeoutNow(to: NodeId): void {
    // The transferee campaigns with a marker that overrides every follower's
    // lease: from here on this leader's lease proves nothing.
    this.leaseRevoked = true;
    this.send(message({ type: 'MsgTimeoutNow', to }));
  }

  /**
   * Whether a lease-based read may be answered without a heartbeat round.
   * A follower that received a heartbeat the leader sent at tick S refuses
   * votes (without the transfer marker) until it has ticked electionTicks
   * times after receiving it. With clocks ticking at the same rate but out of
   * phase by up to one tick, that holds at least until leader tick
   * S + electionTicks - 1. If a quorum (this leader included, at now) acked
   * heartbeats sent at S or later, no other leader can exist before then.
   */
  leaseValid(): boolean {
    if (this.leaseRevoked || !this.cfg.checkQuorum) return false;
    const sent: number[] = [];
    for (const id of this.trk.voters) {
      if (id === this.id) sent.push(this.tickCount);
      else sent.push(this.trk.progress.get(id)?.heartbeatAckTick ?? Number.NEGATIVE_INFINITY);
    }
    sent.sort((a, b) => b - a);
    const s = sent[this.trk.quorum() - 1] ?? Number.NEGATIVE_INFINITY;
    return this.tickCount < s + this.cfg.electionTicks - 1;
  }

  private handleTransferLeader(transferee: NodeId): void {
    const pr = this.trk.progress.get(transferee);
    if (pr === undefined || pr.isLearner) {
      this.logger.info('ignored transferring leadership to a non-voter', { nodeId: this.id, to: transferee });
      return;
    }
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return;
      this.abortLeaderTransfer();
    }
    if (transferee === this.id) return;
    // The transfer must finish within one election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
    else sendAppend(this, transferee);
  }

  private leaderPropose(m: Message): void {
    assert(m.entries.length > 0, 'stepped empty MsgProp');
    if (!this.trk.progress.has(this.id)) throw new ProposalDroppedError('this member was removed from the configuration');
    if (this.leadTransferee !== NONE) throw new ProposalDroppedError(`leadership transfer to ${this.leadTransferee} in progress`);
    const ents: Entry[] = [];
    for (const e of m.entries) {
      if (e.type === 'conf-change') {
        if (this.pendingConfIndex > this.raftLog.applied) {
          throw new ProposalDroppedError(`a configuration change at index ${this.pendingConfIndex} is not yet applied (applied ${this.raftLog.applied})`);
        }
        if (this.raftLog.term(this.raftLog.committed) !== this.term) {
          // One-at-a-time membership changes are only safe once this leader
          // has committed an entry of its own term (Ongaro, raft-dev 2015).
          throw new ProposalDroppedError('the leader has not yet committed an entry in its term');
        }
        this.validateConfChange(e);
        this.pendingConfIndex = (this.raftLog.lastIndex() + ents.length + 1) as LogIndex;
      }
      ents.push(e);
    }
    if (!this.appendEntries(ents)) throw new ProposalDroppedError('too many uncommitted bytes');
    bcastAppend(this);
  }

  private validateConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    if (cc.type === 'remove-node' && this.trk.voters.size === 1 && this.trk.voters.has(cc.nodeId)) {
      throw new ProposalDroppedError('removing the last voter would leave no quorum');
    }
    if (cc.type === 'add-learner' && this.trk.voters.has(cc.nodeId) && this.trk.voters.size === 1) {
      throw new ProposalDroppedError('demoting the last voter would leave no quorum');
    }
  }

  /** Append entries as leader; returns false (appending nothing) if the uncommitted-bytes limit is hit. */
  appendEntries(es: readonly Entry[]): boolean {
    const size = payloadsSize(es);
    if (this.uncommittedSize > 0 && size > 0 && this.uncommittedSize + size > this.cfg.maxUncommittedEntriesBytes) {
      this.logger.debug('appending new entries would exceed the uncommitted entry size limit', { nodeId: this.id });
      return false;
    }
    this.uncommittedSize += size;
    const li = this.raftLog.lastIndex();
    const stamped = es.map((e, i) => ({ ...e, term: this.term, index: (li + 1 + i) as LogIndex }));
    const newLast = this.raftLog.append(stamped);
    this.trk.progress.get(this.id)?.maybeUpdate(newLast);
    this.maybeCommit();
    return true;
  }

  reduceUncommittedSize(ents: readonly Entry[]): void {
    if (this.state !== 'leader') return;
    this.uncommittedSize = Math.max(0, this.uncommittedSize - payloadsSize(ents));
  }

  /** Advance the commit index to what a quorum has matched, if that entry is of this term. */
  maybeCommit(): boolean {
    if (this.trk.voters.size === 0) return false;
    const mci = this.trk.committed();
    if (this.cfg.testingKnobs?.commitByOldTermReplicas === true) {
      // Deliberately unsafe (simulator self-test): commit whatever a quorum
      // holds, whatever its term — the bug of the Raft paper's Figure 8.
      const target = Math.min(mci, this.raftLog.lastIndex()) as LogIndex;
      if (target > this.raftLog.committed) {
        this.raftLog.commitTo(target);
        return true;
      }
      return false;
    }
    return this.raftLog.maybeCommit(mci, this.term);
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  private leaderReadIndex(m: Message): void {
    if (this.trk.isSingleton()) {
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    // Our commit index is only known to be current once we commit an entry of
    // our own term; until then the read waits (bounded) for that.
    if (!this.committedEntryInCurrentTerm()) {
      if (this.pendingReadIndexMessages.length >= 4096) throw new ProposalDroppedError('too many pending read requests');
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.sendReadIndex(m);
  }

  private sendReadIndex(m: Message): void {
    const readIndex = this.raftLog.committed;
    if (this.cfg.readOnlyOption === 'lease-based' && this.leaseValid()) {
      // A quorum acknowledged a recent heartbeat: no other leader can exist yet.
      this.respondToReadIndex(m, readIndex);
      return;
    }
    // No valid lease (or safe mode): confirm leadership with a heartbeat round.
    if (!this.readOnly.addRequest(readIndex, m)) return;
    this.readOnly.recvAck(this.id, m.context);
    sendHeartbeatWithCtx(this, m.context);
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) this.sendReadIndex(m);
  }

  private respondToReadIndex(req: Message, index: LogIndex): void {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, requestCtx: req.context });
      return;
    }
    this.send(message({ type: 'MsgReadIndexResp', to: req.from, index, context: req.context }));
  }

  private stepCandidate(m: Message): void {
    const myVoteResp = this.state === 'pre-candidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        throw new NotLeaderError(NONE);
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case 'MsgReadIndex':
        throw new NotLeaderError(NONE);
      default:
        break;
    }
    if (m.type !== myVoteResp) return;
    const res = this.poll(m.from, !m.reject);
    if (res === 'won') {
      if (this.state === 'pre-candidate') this.campaign('election');
      else {
        this.becomeLeader();
        bcastAppend(this);
      }
    } else if (res === 'lost') {
      // A pre-vote rejection carries the responder's term; a plain rejection ours.
      this.becomeFollower(this.term, NONE);
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) throw new NotLeaderError(NONE);
        if (this.cfg.disableProposalForwarding) throw new NotLeaderError(this.lead);
        this.send({ ...m, from: NONE, to: this.lead, term: 0 as Term });
        return;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return;
      case 'MsgTransferLeader':
        if (this.lead === NONE) {
          this.logger.info('no leader; dropping leader transfer', { nodeId: this.id, term: this.term });
          return;
        }
        this.msgs.push({ ...m, to: this.lead });
        return;
      case 'MsgTimeoutNow':
        this.logger.info('received MsgTimeoutNow; campaigning to take leadership', { nodeId: this.id, term: this.term, from: m.from });
        // Leadership transfer skips pre-vote: the current leader asked for it.
        this.hup('transfer');
        return;
      case 'MsgReadIndex':
        if (this.lead === NONE) throw new NotLeaderError(NONE);
        this.send({ ...m, from: NONE, to: this.lead, term: 0 as Term });
        return;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, requestCtx: m.context });
        return;
      default:
        return;
    }
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(message({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      if (m.noAck === true && m.entries.length === 0) return;
      this.send(message({ type: 'MsgAppResp', to: m.from, index: lastNew }));
      return;
    }
    // Tell the leader where our logs might agree: the last index <= its probe
    // whose term is <= the probe's term.
    const hintIndex = Math.min(m.index, this.raftLog.lastIndex()) as LogIndex;
    const hint = this.raftLog.findConflictByTerm(hintIndex, m.logTerm);
    this.send(message({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term }));
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(Math.min(m.commit, this.raftLog.lastIndex()) as LogIndex);
    this.send(message({ type: 'MsgHeartbeatResp', to: m.from, index: m.index, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (s === undefined) throw new RaftError('config-invalid', 'MsgSnap without a snapshot');
    if (this.restore(s)) {
      this.logger.info('restored snapshot', { nodeId: this.id, index: s.metadata.index, term: s.metadata.term });
      this.send(message({ type: 'MsgAppResp', to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.send(message({ type: 'MsgAppResp', to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Install a snapshot from the leader; false if it is stale or we already have its entries. */
  restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.state !== 'follower') {
      // Only a leader of a higher term sends snapshots, and that made us a follower.
      this.logger.warn('attempted to restore snapshot as non-follower', { nodeId: this.id });
      this.becomeFollower((this.term + 1) as Term, NONE);
      return false;
    }
    const cs = s.metadata.confState;
    if (!cs.voters.includes(this.id) && !cs.learners.includes(this.id)) {
      this.logger.warn('attempted to restore snapshot but it is not in the ConfState', { nodeId: this.id });
      return false;
    }
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We already have the snapshot's entries: just move commit forward.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    this.trk.applyConfState(cs, this.raftLog.lastIndex());
    return true;
  }

  // ---------------------------------------------------------------------
  // Membership

  applyConfChange(cc: ConfChange): ConfState {
    const voters = new Set(this.trk.voters);
    const learners = new Set(this.trk.learners);
    switch (cc.type) {
      case 'add-voter':
        learners.delete(cc.nodeId);
        voters.add(cc.nodeId);
        break;
      case 'add-learner':
        voters.delete(cc.nodeId);
        learners.add(cc.nodeId);
        break;
      case 'remove-node':
        voters.delete(cc.nodeId);
        learners.delete(cc.nodeId);
        break;
    }
    if (voters.size === 0) {
      // The leader refuses such proposals; an entry that got here anyway is ignored everywhere alike.
      this.logger.warn('ignored configuration change that would remove every voter', { nodeId: this.id });
      return this.trk.confState();
    }
    this.trk.applyConfState({ voters: [...voters], learners: [...learners] }, this.raftLog.lastIndex());
    const cs = this.trk.confState();
    if (this.state !== 'leader') return cs;
    if (!this.trk.voters.has(this.id)) {
      // Removed or demoted: stop leading; the remaining voters elect a leader.
      this.logger.info('leader left the voters; stepping down', { nodeId: this.id, term: this.term });
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.maybeCommit()) bcastAppend(this);
    else for (const id of this.trk.progress.keys()) if (id !== this.id) maybeSendAppend(this, id, false);
    if (this.leadTransferee !== NONE && !this.trk.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }
}
