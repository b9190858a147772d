// The fault schedule of the safety phase, decided tick by tick from its own
// PRNG stream: partitions that come and go (one at a time), crashes of
// members that come back after a drawn downtime, and requests to transfer
// leadership. Only provisioned members (see member.ts) are crashed or cut
// off; the set changes as the operator adds and removes members.

import type { NodeId } from '@logbook/raft';
import type { SimNetwork } from './network.ts';
import type { Prng } from './prng.ts';
import type { CrashParams, PartitionParams } from './sim-params.ts';

export const PARTITION_KINDS = ['isolate', 'split', 'deaf', 'mute', 'bridge', 'random-links'] as const;
export type PartitionKind = (typeof PARTITION_KINDS)[number];

export interface NemesisActions {
  readonly crash: readonly NodeId[];
  readonly restart: readonly NodeId[];
  readonly partition: { readonly kind: PartitionKind | 'heal'; readonly detail: string } | undefined;
  /** Ask for a leadership transfer this tick (the simulation picks whom, through pickTransfer). */
  readonly transfer: boolean;
}

export interface TransferRequest {
  /** The member asked: usually the leader; sometimes a follower, which forwards the request to its leader. */
  readonly asked: NodeId;
  readonly transferee: NodeId;
}

export class Nemesis {
  readonly #rng: Prng;
  readonly #partitions: PartitionParams;
  readonly #crashes: CrashParams;
  readonly #transferPerTick: number;
  /** The provisioned members, in id order. */
  readonly #ids: () => readonly NodeId[];
  readonly #network: SimNetwork;
  #healAt: number | undefined;
  /** Down members and the tick they come back. */
  readonly #downUntil = new Map<NodeId, number>();
  /** Crashes scheduled by crashAfterVote(), by member: the tick to crash at. */
  readonly #crashAt = new Map<NodeId, number>();

  constructor(
    rng: Prng,
    partitions: PartitionParams,
    crashes: CrashParams,
    transferPerTick: number,
    ids: () => readonly NodeId[],
    network: SimNetwork,
  ) {
    this.#rng = rng;
    this.#partitions = partitions;
    this.#crashes = crashes;
    this.#transferPerTick = transferPerTick;
    this.#ids = ids;
    this.#network = network;
  }

  step(now: number): NemesisActions {
    const restart: NodeId[] = [];
    for (const [id, at] of this.#downUntil) {
      if (at <= now) restart.push(id);
    }
    for (const id of restart) this.#downUntil.delete(id);

    const crash: NodeId[] = [];
    const c = this.#crashes;
    const isUp = (id: NodeId): boolean => !this.#downUntil.has(id) && !restart.includes(id);
    const ids = this.#ids();
    for (const [id, at] of this.#crashAt) {
      if (at > now) continue;
      this.#crashAt.delete(id);
      if (!isUp(id) || this.#downUntil.size >= c.maxDown) continue;
      this.#downUntil.set(id, now + this.#rng.range(c.minDownTicks, c.afterVoteMaxDownTicks));
      crash.push(id);
    }
    if (this.#rng.chance(c.powerLossProbability)) {
      // Every member loses power at once and comes back within a few ticks:
      // their election timers restart together, so elections collide.
      for (const id of ids.filter(isUp)) {
        this.#downUntil.set(id, now + this.#rng.range(1, 5));
        crash.push(id);
      }
    } else if (this.#downUntil.size < c.maxDown && this.#rng.chance(c.perTickProbability)) {
      const up = ids.filter(isUp);
      if (up.length > 0) {
        const id = this.#rng.pick(up);
        this.#downUntil.set(id, now + this.#rng.range(c.minDownTicks, c.maxDownTicks));
        crash.push(id);
      }
    }

    let partition: NemesisActions['partition'];
    if (this.#healAt !== undefined) {
      if (now >= this.#healAt) {
        this.#network.healAll();
        this.#healAt = undefined;
        partition = { kind: 'heal', detail: '' };
      }
    } else if (this.#rng.chance(this.#partitions.perTickProbability)) {
      partition = this.#partition();
      this.#healAt = now + this.#rng.range(this.#partitions.minTicks, this.#partitions.maxTicks);
    }
    const transfer = this.#rng.chance(this.#transferPerTick);
    return { crash, restart, partition, transfer };
  }

  /**
   * Whom to ask for a transfer, and to whom: usually the leader, to a random
   * other voter of its configuration; sometimes a follower (it forwards the
   * request), a learner or the leader itself (both ignored by the core).
   */
  pickTransfer(leader: NodeId, voters: readonly NodeId[], members: readonly NodeId[]): TransferRequest {
    const rng = this.#rng;
    const asked = rng.chance(0.8) ? leader : rng.pick(members);
    const others = voters.filter((v) => v !== leader);
    const roll = rng.float();
    let transferee: NodeId;
    if (roll < 0.85 && others.length > 0) transferee = rng.pick(others);
    else if (roll < 0.95) transferee = rng.pick(members);
    else transferee = leader;
    return { asked, transferee };
  }

  /** The operator stopped `id` for good: forget its scheduled restart and crashes. */
  forget(id: NodeId): void {
    this.#downUntil.delete(id);
    this.#crashAt.delete(id);
  }

  /**
   * `id` just persisted a vote for another member: maybe crash it within a
   * tick or two, briefly, while the election it voted in is still running (a
   * targeted crash point, like crashing right after an fsync).
   */
  noteVote(id: NodeId, vote: NodeId, now: number): void {
    if (vote === id || this.#crashAt.has(id) || !this.#rng.chance(this.#crashes.afterVoteProbability)) return;
    this.#crashAt.set(id, now + this.#rng.range(0, 2));
  }

  /**
   * Leader `id` just advanced its commit index: maybe crash it before the
   * followers hear of the new commit index (or of its later entries).
   */
  noteLeaderCommit(id: NodeId, now: number): void {
    if (this.#crashAt.has(id) || !this.#rng.chance(this.#crashes.afterCommitProbability)) return;
    this.#crashAt.set(id, now + this.#rng.range(0, 1));
  }

  /**
   * `id` was just seen leading a new term: maybe crash it soon, while it is
   * still bringing followers up to date (entries of earlier terms replicated,
   * its own no-op not yet on a quorum).
   */
  noteNewLeader(id: NodeId, now: number): NemesisActions['partition'] {
    const c = this.#crashes;
    if (!this.#crashAt.has(id) && this.#rng.chance(c.newLeaderProbability)) {
      this.#crashAt.set(id, now + this.#rng.range(0, c.newLeaderMaxTicks));
    }
    const p = this.#partitions;
    if (this.#healAt === undefined && this.#rng.chance(p.isolateNewLeaderProbability)) {
      // Cut it off before its first appends arrive (they are still in flight),
      // leaving its new entries on it alone.
      this.#network.split([id], this.#ids().filter((x) => x !== id));
      this.#healAt = now + this.#rng.range(p.minTicks, p.maxTicks);
      return { kind: 'isolate', detail: `new leader ${id} | rest` };
    }
    return undefined;
  }

  /**
   * Leader `id` just sent MsgTimeoutNow, handing leadership over: maybe make
   * it deaf (its MsgTimeoutNow is on its way, but it hears nobody from now
   * on), so it learns of its successor's term late — the window in which an
   * old leader must not act as one any more (serve lease reads, say).
   */
  noteTimeoutNow(id: NodeId, now: number): NemesisActions['partition'] {
    const p = this.#partitions;
    if (this.#healAt !== undefined || !this.#rng.chance(p.deafAfterTransferProbability)) return undefined;
    for (const y of this.#ids()) if (y !== id) this.#network.cut(y, id);
    this.#healAt = now + this.#rng.range(p.minTicks, p.maxTicks);
    return { kind: 'deaf', detail: `${id} hears nobody (it just handed leadership over)` };
  }

  /** Members currently down, in id order. */
  get down(): readonly NodeId[] {
    return [...this.#downUntil.keys()].sort((a, b) => a - b);
  }

  #partition(): { kind: PartitionKind; detail: string } {
    const rng = this.#rng;
    const net = this.#network;
    const ids = rng.shuffle([...this.#ids()]);
    const kind = rng.pick(PARTITION_KINDS);
    const others = (x: NodeId): NodeId[] => ids.filter((y) => y !== x);
    const x = ids[0]!;
    switch (kind) {
      case 'isolate':
        net.split([x], others(x));
        return { kind, detail: `${x} | rest` };
      case 'split': {
        const k = rng.range(1, Math.floor(ids.length / 2));
        net.split(ids.slice(0, k), ids.slice(k));
        return { kind, detail: `${ids.slice(0, k).join(',')} | ${ids.slice(k).join(',')}` };
      }
      case 'deaf':
        for (const y of others(x)) net.cut(y, x);
        return { kind, detail: `${x} hears nobody` };
      case 'mute':
        for (const y of others(x)) net.cut(x, y);
        return { kind, detail: `nobody hears ${x}` };
      case 'bridge': {
        // Two sides that only the bridge member talks to: it can win votes
        // from both, while neither side can reach the other.
        const rest = others(x);
        const half = Math.ceil(rest.length / 2);
        net.split(rest.slice(0, half), rest.slice(half));
        return { kind, detail: `${rest.slice(0, half).join(',')} | ${rest.slice(half).join(',')} bridged by ${x}` };
      }
      case 'random-links': {
        const cut: string[] = [];
        for (const a of ids) {
          for (const b of ids) {
            if (a !== b && rng.chance(0.3)) {
              net.cut(a, b);
              cut.push(`${a}>${b}`);
            }
          }
        }
        return { kind, detail: cut.join(' ') };
      }
    }
  }
}
