// Applies what the core committed to the state machine, in log order, and
// settles the proposals that were waiting for it. Also takes the periodic
// snapshot of the state machine (RaftNode runs it in the background).

import { SnapshotOutOfDateError, assert } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { decodeConfChange, type RawNode } from '../core/index.ts';
import type { ConfState, Entry, LogIndex, NodeId, Snapshot } from '../core/types.ts';
import { decodeEnvelope, isFrom, type ProposerId } from './envelope.ts';
import type { Membership } from './membership.ts';
import type { AppliedEntry, Persistence, StateMachine } from './persistence.ts';
import type { ProposalTracker } from './proposal-tracker.ts';
import { decodeSnapshotData, encodeSnapshotData } from './snapshot-data.ts';

const textDecoder = new TextDecoder();

export interface ApplierDeps<R> {
  readonly me: ProposerId;
  readonly stateMachine: StateMachine<R>;
  readonly proposals: ProposalTracker;
  readonly membership: Membership;
  readonly logger: Logger;
  readonly snapshotCount: number;
  readonly snapshotCatchUpEntries: number;
}

export class Applier<R> {
  readonly #d: ApplierDeps<R>;
  #applied: number;
  #lastSnapshotIndex: number;
  /**
   * Set when a member was added: the next snapshot is taken right away. A
   * member that joins starts empty and is first sent the leader's latest
   * snapshot, which must already list it in its ConfState or the joiner
   * refuses it (and would keep refusing until the next periodic snapshot).
   */
  #snapshotSoon = false;

  constructor(deps: ApplierDeps<R>, applied: number) {
    this.#d = deps;
    this.#applied = applied;
    this.#lastSnapshotIndex = applied;
  }

  get applied(): number {
    return this.#applied;
  }

  get lastSnapshotIndex(): number {
    return this.#lastSnapshotIndex;
  }

  /**
   * Replace the state machine's state with a snapshot's (at start-up or from
   * the leader). A promise when the state machine restores asynchronously:
   * nothing may be applied until it settles.
   */
  restore(snap: Snapshot): Promise<void> | undefined {
    const index = snap.metadata.index;
    const contents = decodeSnapshotData(snap.data);
    const restoring = this.#d.stateMachine.restore(contents.app, index);
    if (restoring === undefined) {
      this.#restored(snap, contents.addresses);
      return undefined;
    }
    return restoring.then(() => this.#restored(snap, contents.addresses));
  }

  #restored(snap: Snapshot, addresses: ReadonlyMap<NodeId, string>): void {
    const index = snap.metadata.index;
    this.#d.membership.restored(snap.metadata.confState, addresses);
    this.#d.proposals.snapshotRestored(index);
    this.#applied = index;
    this.#lastSnapshotIndex = Math.max(this.#lastSnapshotIndex, index);
    this.#d.logger.info('restored snapshot', { nodeId: this.#d.me.member, term: snap.metadata.term, index });
  }

  applyCommitted(raw: RawNode, entries: readonly Entry[]): void {
    let batch: { readonly entry: AppliedEntry; readonly seq: number | undefined }[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      const run = batch;
      batch = [];
      this.#applyNormal(run);
    };
    let next = this.#applied + 1;
    for (const e of entries) {
      if (e.index <= this.#applied) continue; // covered by a snapshot restored in the same Ready
      assert(e.index === next, () => `applying index ${e.index} after ${next - 1}: gap in committed entries`);
      next = e.index + 1;
      if (e.type === 'conf-change') {
        flush();
        this.#applyConfChange(raw, e);
        this.#applied = e.index;
      } else if (e.data.byteLength === 0) {
        // A leader's no-op. Any proposal of ours believed to be at this index is lost.
        flush();
        this.#d.proposals.applied(e.index, undefined, undefined);
        this.#applied = e.index;
      } else {
        const env = decodeEnvelope(e.data);
        batch.push({ entry: { index: e.index, data: env.payload }, seq: isFrom(env, this.#d.me) ? env.seq : undefined });
      }
    }
    flush();
  }

  /** Consecutive normal entries: one applyBatch when the state machine has it, else one apply each. */
  #applyNormal(run: readonly { readonly entry: AppliedEntry; readonly seq: number | undefined }[]): void {
    const sm = this.#d.stateMachine;
    if (sm.applyBatch !== undefined) {
      const results = sm.applyBatch(run.map((r) => r.entry));
      assert(results.length === run.length, () => `applyBatch returned ${results.length} results for ${run.length} entries`);
      run.forEach((r, i) => this.#d.proposals.applied(r.entry.index, r.seq, results[i]));
    } else {
      for (const r of run) {
        const result = sm.apply(r.entry.index, r.entry.data);
        this.#d.proposals.applied(r.entry.index, r.seq, result);
        this.#applied = r.entry.index;
      }
    }
    this.#applied = run.at(-1)!.entry.index;
  }

  #applyConfChange(raw: RawNode, e: Entry): void {
    const cc = decodeConfChange(e.data);
    const env = cc.context.byteLength > 0 ? decodeEnvelope(cc.context) : undefined;
    const address = env === undefined ? '' : textDecoder.decode(env.payload);
    const cs: ConfState = raw.applyConfChange(cc);
    if (cc.type !== 'remove-node') this.#snapshotSoon = true;
    this.#d.membership.applied(cc, address, cs);
    this.#d.logger.info('applied conf change', {
      nodeId: this.#d.me.member,
      index: e.index,
      change: cc.type,
      member: cc.nodeId,
      voters: cs.voters.join(','),
      learners: cs.learners.join(','),
    });
    this.#d.proposals.applied(e.index, env !== undefined && isFrom(env, this.#d.me) ? env.seq : undefined, cs);
  }

  /** A snapshot is due: snapshotCount entries applied since the last one, or a member was added. */
  snapshotDue(): boolean {
    if (this.#applied === this.#lastSnapshotIndex) return false;
    return this.#snapshotSoon || this.#applied - this.#lastSnapshotIndex >= this.#d.snapshotCount;
  }

  /**
   * Snapshots the state as applied now. The state machine's view (and the
   * membership) are taken before this returns; the state's bytes and the
   * write follow in the background, while the member goes on applying (a
   * state machine with snapshotAsync produces them across turns of the event
   * loop, so a large state does not stop heartbeats). Resolves false when a
   * snapshot from the leader, newer than this one, was installed meanwhile.
   */
  takeSnapshot(persistence: Persistence): Promise<boolean> {
    this.#snapshotSoon = false;
    const index = this.#applied as LogIndex;
    const confState = this.#d.membership.confState;
    const addresses = new Map(this.#d.membership.addresses());
    const sm = this.#d.stateMachine;
    const started = performance.now();
    const state = sm.snapshotAsync !== undefined ? sm.snapshotAsync(index) : Promise.resolve(sm.snapshot());
    return (async () => {
      const app = await state;
      const encodedMs = performance.now() - started;
      if (index <= this.#lastSnapshotIndex) return false;
      const data = encodeSnapshotData(addresses, app);
      try {
        await persistence.createSnapshot(index, confState, data, this.#d.snapshotCatchUpEntries);
      } catch (err) {
        if (err instanceof SnapshotOutOfDateError) return false;
        throw err;
      }
      this.#lastSnapshotIndex = Math.max(this.#lastSnapshotIndex, index);
      this.#d.logger.info('created snapshot', {
        nodeId: this.#d.me.member,
        index,
        bytes: data.byteLength,
        stateMs: Math.round(encodedMs),
        totalMs: Math.round(performance.now() - started),
      });
      return true;
    })();
  }
}
