// The simulated network: every message gets its own delay (so messages
// reorder), may be duplicated when sent, and may be lost; directed links can
// be cut, which models symmetric and asymmetric partitions. All decisions
// come from the network's own PRNG stream. The fate of a message (delivered,
// lost, or cut off by a partition) is decided when it comes due, so a
// partition that starts while a message is in flight catches it.
//
// Bound: at most `maxInFlight` messages are queued; a message sent beyond the
// bound is refused (send returns false) and the caller treats the peer as
// unreachable, exactly as a real transport with a full per-peer queue does.

import type { Message, NodeId } from '@logbook/raft';
import type { Prng } from './prng.ts';

export interface NetworkParams {
  readonly minDelayTicks: number;
  readonly maxDelayTicks: number;
  /** Probability that a message is silently lost. */
  readonly lossProbability: number;
  /** Probability that a message is delivered twice (independent delays). */
  readonly duplicateProbability: number;
  /** Probability that a message is held back by an extra long delay. */
  readonly delaySpikeProbability: number;
  readonly delaySpikeTicks: number;
  readonly maxInFlight: number;
}

export type Fate = 'deliver' | 'lost' | 'partitioned';

/**
 * `from` is the member that sent the message; it can differ from
 * message.from (a forwarded proposal carries from = 0).
 */
export interface Delivery {
  readonly from: NodeId;
  readonly message: Message;
  readonly fate: Fate;
}

interface Envelope {
  readonly from: NodeId;
  readonly message: Message;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  partitioned: number;
  duplicated: number;
  refused: number;
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * 2 ** 26 + to;
}

export class SimNetwork {
  readonly #rng: Prng;
  #params: NetworkParams;
  /** Due tick → envelopes due then, in send order. */
  readonly #due = new Map<number, Envelope[]>();
  #inFlight = 0;
  /** Cut directed links, keyed by linkKey(). */
  readonly #cut = new Set<number>();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, partitioned: 0, duplicated: 0, refused: 0 };

  constructor(rng: Prng, params: NetworkParams) {
    if (params.minDelayTicks < 1 || params.maxDelayTicks < params.minDelayTicks) {
      throw new RangeError('network delays must satisfy 1 <= min <= max (a message never arrives in the tick it is sent)');
    }
    this.#rng = rng;
    this.#params = params;
  }

  get params(): NetworkParams {
    return this.#params;
  }

  /** Replace loss/duplication/delay settings (the liveness phase calms the network). */
  setParams(params: NetworkParams): void {
    this.#params = params;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Queue a message sent at tick `now`; `mayDuplicate` false exempts it from
   * duplication (no draw is made then). Returns false if refused at the
   * in-flight bound.
   */
  send(from: NodeId, message: Message, now: number, mayDuplicate = true): boolean {
    if (this.#inFlight >= this.#params.maxInFlight) {
      this.stats.refused++;
      return false;
    }
    this.stats.sent++;
    this.#enqueue(from, message, now);
    if (mayDuplicate && this.#rng.chance(this.#params.duplicateProbability) && this.#inFlight < this.#params.maxInFlight) {
      this.stats.duplicated++;
      this.#enqueue(from, message, now);
    }
    return true;
  }

  #enqueue(from: NodeId, message: Message, now: number): void {
    const p = this.#params;
    let delay = this.#rng.range(p.minDelayTicks, p.maxDelayTicks);
    if (this.#rng.chance(p.delaySpikeProbability)) delay += this.#rng.range(1, p.delaySpikeTicks);
    const at = now + delay;
    let bucket = this.#due.get(at);
    if (bucket === undefined) this.#due.set(at, (bucket = []));
    bucket.push({ from, message });
    this.#inFlight++;
  }

  /** Messages due at tick `now`, each with its fate, in send order. */
  takeDue(now: number): Delivery[] {
    const bucket = this.#due.get(now);
    if (bucket === undefined) return [];
    this.#due.delete(now);
    this.#inFlight -= bucket.length;
    const out: Delivery[] = [];
    for (const { from, message } of bucket) {
      let fate: Fate;
      if (this.isCut(from, message.to)) {
        fate = 'partitioned';
        this.stats.partitioned++;
      } else if (this.#rng.chance(this.#params.lossProbability)) {
        fate = 'lost';
        this.stats.lost++;
      } else {
        fate = 'deliver';
        this.stats.delivered++;
      }
      out.push({ from, message, fate });
    }
    return out;
  }

  cut(from: NodeId, to: NodeId): void {
    this.#cut.add(linkKey(from, to));
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.#cut.size > 0 && this.#cut.has(linkKey(from, to));
  }

  /** Cut both directions between every member of `a` and every member of `b`. */
  split(a: readonly NodeId[], b: readonly NodeId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cut(x, y);
        this.cut(y, x);
      }
    }
  }

  healAll(): void {
    this.#cut.clear();
  }

  get cutLinks(): number {
    return this.#cut.size;
  }
}
