// The committed history of a store run, as the first member to apply each
// log index saw it: which request the entry carried, its outcome, its events
// and the store revision after it. State-machine safety (every member's
// state after index i is identical) makes "first" a fine choice, and every
// member applies indexes in order, so revisions arrive in order here.
//
// It is the reference the store checkers compare against: a serializable
// read must return a state that existed (stateAt), a watcher must see
// exactly the events of its range (eventsAt), an unknown-outcome write's
// effect is looked up by its request (byRequest), and every request takes
// effect at most once (the exactly-once check below).
//
// Memory: one record per applied entry and per event of the run; a run is
// bounded in ticks, so is this.

import type { Event } from '@logbook/mvcc';
import type { Violation } from '../violation.ts';
import { describeStoreOutput, keyIndexOf, outputKey, toSimKv, type KeyIndex, type SimKv, type StoreOutput } from './store-ops.ts';

export interface CommittedEntry {
  readonly index: number;
  /** `c<client>:<seq>` for a client's request, `lessor:<n>` for a leader's expiry proposal. */
  readonly requestKey: string;
  readonly output: StoreOutput;
  readonly events: readonly Event[];
  /** Leases the entry removed (a revoke's, or an expiry's expired ids). */
  readonly leasesRemoved: readonly number[];
  /** The store revision after the entry. */
  readonly revision: number;
  readonly member: number;
  readonly tick: number;
  /** When it was first applied, on the client history's clock. */
  readonly time: number;
}

interface KeyChange {
  readonly revision: number;
  /** Undefined: deleted at this revision. */
  readonly kv: SimKv | undefined;
}

export class CommittedHistory {
  readonly #byIndex = new Map<number, CommittedEntry>();
  readonly #byRequest = new Map<string, CommittedEntry>();
  /** Index = revision; revision 1 (the empty store) has no events. */
  readonly #events: (readonly Event[])[] = [[], []];
  /** Per key, its changes in revision order. */
  readonly #changes: KeyChange[][];
  #violation: Violation | undefined;

  constructor(keyCount: number) {
    this.#changes = Array.from({ length: keyCount }, () => []);
  }

  get violation(): Violation | undefined {
    return this.#violation;
  }

  /** The highest revision any member reached. */
  get revision(): number {
    return this.#events.length - 1;
  }

  /** Some member applied `index` already. */
  has(index: number): boolean {
    return this.#byIndex.has(index);
  }

  /** A member applied an entry; only the first application of an index is recorded. */
  applied(e: CommittedEntry): void {
    if (this.#byIndex.has(e.index)) return;
    this.#byIndex.set(e.index, e);
    const twice = this.#byRequest.get(e.requestKey);
    if (twice !== undefined) {
      this.#fail(e.tick, `request ${e.requestKey} took effect twice: at index ${twice.index} (${describeStoreOutput(twice.output)}) and at index ${e.index} (${describeStoreOutput(e.output)})`);
    }
    this.#byRequest.set(e.requestKey, e);
    if (e.events.length > 0) {
      if (e.revision !== this.revision + 1) {
        this.#fail(e.tick, `index ${e.index} produced revision ${e.revision}, but the last committed revision is ${this.revision}`);
        return;
      }
      this.#events.push(e.events);
      for (const ev of e.events) {
        if (ev.kv.modRevision !== e.revision) this.#fail(e.tick, `index ${e.index}: an event at revision ${ev.kv.modRevision} in revision ${e.revision}`);
        const key = keyIndexOf(ev.kv.key);
        this.#changes[key]!.push({ revision: e.revision, kv: ev.type === 'PUT' ? toSimKv(ev.kv) : undefined });
      }
    }
    this.#checkLeaseDeletions(e);
  }

  /** A lease revoked or expired leaves none of its keys behind, as of the revision that removed it. */
  #checkLeaseDeletions(e: CommittedEntry): void {
    if (e.leasesRemoved.length === 0) return;
    for (let key = 0; key < this.#changes.length; key++) {
      const kv = this.stateOf(key, e.revision);
      if (kv !== undefined && e.leasesRemoved.includes(kv.lease)) {
        this.#fail(e.tick, `index ${e.index} removed lease ${kv.lease} (revision ${e.revision}) but key k${key} still carries it`);
      }
    }
  }

  /** The entry that carried a request, if it was ever applied. */
  byRequest(requestKey: string): CommittedEntry | undefined {
    return this.#byRequest.get(requestKey);
  }

  entries(): IterableIterator<CommittedEntry> {
    return this.#byIndex.values();
  }

  /** The events of one revision (undefined beyond the committed history). */
  eventsAt(revision: number): readonly Event[] | undefined {
    return revision >= 1 ? this.#events[revision] : undefined;
  }

  /** Key `key` as of `revision` (undefined: absent). */
  stateOf(key: KeyIndex, revision: number): SimKv | undefined {
    const changes = this.#changes[key]!;
    // Binary search for the last change at or below `revision`.
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (changes[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : changes[lo - 1]!.kv;
  }

  /** Keys from..to-1 as of `revision`, present ones only, in key order (what a Range returns). */
  stateAt(revision: number, from: KeyIndex, to: KeyIndex): SimKv[] {
    const out: SimKv[] = [];
    for (let k = from; k < to; k++) {
      const kv = this.stateOf(k, revision);
      if (kv !== undefined) out.push(kv);
    }
    return out;
  }

  /**
   * A client's answer must be the outcome its entry had when first applied
   * (a member that answered from a diverged state would differ). Returns
   * what is wrong, if anything.
   */
  checkAnswer(requestKey: string, output: StoreOutput): string | undefined {
    const e = this.#byRequest.get(requestKey);
    if (e === undefined) return `request ${requestKey} was answered (${describeStoreOutput(output)}) but never applied`;
    if (outputKey(e.output) === outputKey(output)) return undefined;
    return `request ${requestKey} was answered ${describeStoreOutput(output)} but its entry ${e.index} had ${describeStoreOutput(e.output)}`;
  }

  #fail(tick: number, message: string): void {
    this.#violation ??= { checker: 'store-history', tick, message };
  }
}
