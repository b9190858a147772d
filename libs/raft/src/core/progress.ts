// The leader's view of one follower's log, and the flow-control state
// machine that decides what to send it:
//   probe     — we do not know where the follower's log ends: one MsgApp per
//               heartbeat interval until a response tells us;
//   replicate — the follower is keeping up: pipeline MsgApps optimistically,
//               bounded by Inflights;
//   snapshot  — the follower needs a snapshot: send nothing else until it is
//               reported applied or failed.

import { assert } from './errors.ts';
import { Inflights } from './inflights.ts';
import type { ProgressStateType, ProgressStatus } from './ready.ts';
import type { LogIndex } from './types.ts';

export class Progress {
  match: LogIndex;
  next: LogIndex;
  state: ProgressStateType = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot: LogIndex = 0 as LogIndex;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** Leader tick at which the newest heartbeat this follower acknowledged was sent. */
  heartbeatAckTick = Number.NEGATIVE_INFINITY;
  /** Probe state: a MsgApp was sent this heartbeat interval; wait. */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(next: LogIndex, maxInflightMsgs: number, maxInflightBytes: number, isLearner: boolean) {
    this.match = 0 as LogIndex;
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressStateType): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0 as LogIndex;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot the follower's log ends at least at the snapshot; probe from there.
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = (Math.max(this.match + 1, pending + 1)) as LogIndex;
    } else {
      this.resetState('probe');
      this.next = (this.match + 1) as LogIndex;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = (this.match + 1) as LogIndex;
  }

  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /**
   * Account for a MsgApp carrying entries up to lastIndex (`count` entries, `bytes` payload).
   * In replicate state the next index moves optimistically; in probe state the
   * flow pauses until a response or the next heartbeat.
   */
  sentEntries(count: number, bytes: number): void {
    switch (this.state) {
      case 'replicate':
        if (count > 0) {
          this.next = (this.next + count) as LogIndex;
          this.inflights.add((this.next - 1) as LogIndex, bytes);
        }
        this.msgAppFlowPaused = this.inflights.full();
        return;
      case 'probe':
        if (count > 0) this.msgAppFlowPaused = true;
        return;
      case 'snapshot':
        assert(false, `sending append in unhandled state ${this.state}`);
    }
  }

  /** A response acknowledged n: returns whether match moved. */
  maybeUpdate(n: LogIndex): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1) as LogIndex;
    return updated;
  }

  /**
   * A rejection of the MsgApp at `rejected`; `matchHint` is the follower's
   * suggestion of where our logs may agree. Returns false if the rejection is stale.
   */
  maybeDecrTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'replicate') {
      // In replicate state only a rejection of next-1... or earlier in-flight is current; older ones are stale.
      if (rejected <= this.match) return false;
      this.next = (this.match + 1) as LogIndex;
      return true;
    }
    // Probe: only the rejection of our latest probe (next-1) is current.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1) as LogIndex;
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether sending is paused for flow control. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.msgAppFlowPaused;
      case 'replicate':
        return this.msgAppFlowPaused;
      case 'snapshot':
        return true;
    }
  }

  status(): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      pendingSnapshot: this.pendingSnapshot,
      recentActive: this.recentActive,
      inflightCount: this.inflights.count,
      inflightBytes: this.inflights.bytes,
      isLearner: this.isLearner,
    };
  }
}
