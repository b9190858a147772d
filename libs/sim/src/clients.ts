// The simulated clients: each is a sequential process with at most one
// operation outstanding, sent to a random member. A refusal (member down,
// NotLeaderError, ProposalDroppedError) means the op had no effect: it is
// retracted from the history and retried at another member (the leader, when
// the refusal named one). A timeout means the outcome is unknown: the op stays
// in the history with return time infinity and the client moves on; a retry
// would be a new op.
//
// In the liveness phase clients stop issuing ordinary ops; each keeps issuing
// probe writes until one completes, which is what the liveness check awaits.
//
// What the ops are and how a member is asked is the workload's ClientProtocol
// (register-workload.ts, store/store-protocol.ts); the fleet is the same.

import { NotLeaderError, type NodeId } from '@logbook/raft';
import type { History } from './history.ts';
import type { MemberApp } from './member-app.ts';
import { SimMember } from './member.ts';
import type { Prng } from './prng.ts';
import type { ClientParams } from './sim-params.ts';
import type { Trace } from './trace.ts';

/** One operation a client is about to issue. */
export interface PlannedOp<I> {
  readonly input: I;
  /** Served through ReadIndex (counted as a lease read in a lease-based run). */
  readonly viaReadIndex: boolean;
}

/** How a workload's clients plan operations and talk to a member's application. */
export interface ClientProtocol<A extends MemberApp, I, O> {
  next(clientId: number): PlannedOp<I>;
  /** A write, for the liveness probe. */
  nextProbe(): PlannedOp<I>;
  /** What the client learned from a completed op (for planning the next ones). */
  observe(clientId: number, input: I, output: O): void;
  /**
   * Hand the op to a member. Returns the output when the member answers at
   * once; otherwise the answer comes through ClientFleet.deliver, or never.
   * Throws NotLeaderError / ProposalDroppedError when refused (no effect).
   */
  submit(app: A, clientId: number, seq: number, planned: PlannedOp<I>): O | undefined;
  describeInput(input: I): string;
  describeOutput(output: O): string;
  /** Small integers identifying an input / an output, for the trace hash. */
  traceInput(input: I): readonly number[];
  traceOutput(output: O): number;
}

type ClientState<I> =
  | { readonly kind: 'idle'; readonly nextAt: number; readonly preferred: NodeId | undefined; readonly retry: PlannedOp<I> | undefined }
  | { readonly kind: 'waiting'; readonly opId: number; readonly seq: number; readonly input: I; readonly viaReadIndex: boolean; readonly deadline: number; readonly probe: boolean };

export type ClientMode = 'normal' | 'probe';

const PROBE_TIMEOUT_TICKS = 150;

export interface ClientStats {
  issued: number;
  completed: number;
  timedOut: number;
  refused: number;
  /** Reads answered through ReadIndex (served under the leader's lease in a lease-based run). */
  readIndexCompleted: number;
}

export class ClientFleet<A extends MemberApp, I, O> {
  readonly #rng: Prng;
  readonly #params: ClientParams;
  readonly #history: History<I, O>;
  readonly #protocol: ClientProtocol<A, I, O>;
  readonly #members: readonly SimMember<A>[];
  readonly #trace: Trace;
  readonly #states: ClientState<I>[];
  readonly #seqs: number[];
  #mode: ClientMode = 'normal';
  /** Per client: did a probe op complete. */
  readonly #probed: boolean[];
  readonly stats: ClientStats = { issued: 0, completed: 0, timedOut: 0, refused: 0, readIndexCompleted: 0 };

  constructor(rng: Prng, params: ClientParams, history: History<I, O>, protocol: ClientProtocol<A, I, O>, members: readonly SimMember<A>[], trace: Trace) {
    this.#rng = rng;
    this.#params = params;
    this.#history = history;
    this.#protocol = protocol;
    this.#members = members;
    this.#trace = trace;
    this.#states = Array.from({ length: params.count }, () => ({ kind: 'idle', nextAt: 0, preferred: undefined, retry: undefined }));
    this.#seqs = new Array<number>(params.count).fill(0);
    this.#probed = new Array<boolean>(params.count).fill(false);
  }

  setMode(mode: ClientMode): void {
    this.#mode = mode;
  }

  get allProbed(): boolean {
    return this.#probed.every((p) => p) && this.#states.every((s) => s.kind === 'idle');
  }

  step(now: number): void {
    for (let c = 0; c < this.#states.length; c++) {
      const s = this.#states[c]!;
      if (s.kind === 'waiting') {
        if (now < s.deadline) continue;
        this.#history.abandon(s.opId);
        this.stats.timedOut++;
        this.#trace.event(now, 20, c, s.seq);
        this.#trace.line(() => `t${now} client ${c} timed out on seq ${s.seq}`);
        this.#idle(c, now + this.#rng.range(0, this.#params.maxThinkTicks), undefined, undefined);
        continue;
      }
      if (now < s.nextAt) continue;
      if (this.#mode === 'probe' && this.#probed[c]) continue;
      const planned = s.retry ?? (this.#mode === 'probe' ? this.#protocol.nextProbe() : this.#protocol.next(c));
      this.#issue(c, planned, s.preferred, now);
    }
  }

  #idle(c: number, nextAt: number, preferred: NodeId | undefined, retry: PlannedOp<I> | undefined): void {
    this.#states[c] = { kind: 'idle', nextAt, preferred, retry };
  }

  #issue(c: number, planned: PlannedOp<I>, preferred: NodeId | undefined, now: number): void {
    const target = this.#pickMember(preferred);
    const seq = ++this.#seqs[c]!;
    const opId = this.#history.invoke(c, planned.input, now, seq);
    this.stats.issued++;
    this.#trace.event(now, 21, c, seq, target.id, ...this.#protocol.traceInput(planned.input));
    this.#trace.line(() => `t${now} client ${c} seq ${seq} -> member ${target.id}: ${this.#protocol.describeInput(planned.input)}${planned.viaReadIndex ? ' (ReadIndex)' : ''}`);
    const app = target.app;
    if (app === undefined) {
      this.#refused(c, opId, planned, undefined, now);
      return;
    }
    let output: O | undefined;
    try {
      output = this.#protocol.submit(app, c, seq, planned);
    } catch (e) {
      if (!SimMember.isRefusal(e)) throw e;
      const hint = e instanceof NotLeaderError && e.leader !== 0 ? e.leader : undefined;
      this.#refused(c, opId, planned, hint, now);
      return;
    }
    this.#states[c] = { kind: 'waiting', opId, seq, input: planned.input, viaReadIndex: planned.viaReadIndex, deadline: now + this.#timeout(), probe: this.#mode === 'probe' };
    if (output !== undefined) this.deliver(c, seq, output, now, target.id);
  }

  /**
   * A probe waits longer than an ordinary op: the liveness phase starts with
   * a backlog (members catching up through a slow pipe), and every probe
   * given up on and retried adds another entry to that backlog.
   */
  #timeout(): number {
    const t = this.#params.opTimeoutTicks;
    return this.#mode === 'probe' ? Math.max(t, PROBE_TIMEOUT_TICKS) : t;
  }

  #refused(c: number, opId: number, planned: PlannedOp<I>, hint: NodeId | undefined, now: number): void {
    this.#history.retract(opId);
    this.stats.refused++;
    // Back off a little: an election takes a while, and retrying every tick
    // only burns time in the refusing member's error path.
    this.#idle(c, now + (hint !== undefined ? 1 : this.#rng.range(1, 4)), hint, planned);
  }

  /** The hinted member, else a random provisioned one (a client knows the cluster's current members). */
  #pickMember(preferred: NodeId | undefined): SimMember<A> {
    if (preferred !== undefined) {
      const m = this.#members.find((x) => x.id === preferred);
      if (m !== undefined) return m;
    }
    const provisioned = this.#members.filter((m) => m.provisioned);
    return this.#rng.pick(provisioned.length > 0 ? provisioned : this.#members);
  }

  /**
   * `member` reports the outcome of request (client, seq). Stale outcomes
   * are ignored. A sticky client sends its next op to the member that
   * answered (as a real client keeps talking to the leader it found).
   */
  deliver(c: number, seq: number, output: O, now: number, member: NodeId): void {
    const s = this.#states[c];
    if (s === undefined || s.kind !== 'waiting' || s.seq !== seq) return;
    this.#history.complete(s.opId, output, now);
    this.#protocol.observe(c, s.input, output);
    this.stats.completed++;
    if (s.viaReadIndex) this.stats.readIndexCompleted++;
    if (s.probe) this.#probed[c] = true;
    this.#trace.event(now, 22, c, seq, this.#protocol.traceOutput(output));
    this.#trace.line(() => `t${now} client ${c} seq ${seq} <- ${this.#protocol.describeOutput(output)}`);
    const next = this.#rng.chance(this.#params.stickiness) ? member : undefined;
    this.#idle(c, now + this.#rng.range(0, this.#params.maxThinkTicks), next, undefined);
  }
}
