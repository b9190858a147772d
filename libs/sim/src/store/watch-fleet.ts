// The store workload's watching clients: a fixed number of slots, each
// holding one logical watch (watch-stream.ts) at a time on a random running
// member, from a random start revision — 0 (from now), a past one (possibly
// compacted) or one just ahead. Every tick, after the members' Ready loops,
// each watcher is drained completely and every response checked. A watch
// whose member went away is resumed on another member from the first
// revision it has not seen; a compaction cancel, or now and then the
// client's own cancel, ends it and the slot starts a new one.

import type { NodeId } from '@logbook/raft';
import type { Watcher } from '@logbook/watch';
import type { SimMember } from '../member.ts';
import type { Prng } from '../prng.ts';
import type { StoreRunStats } from '../sim-workload.ts';
import type { Trace } from '../trace.ts';
import type { CommittedHistory } from './committed-history.ts';
import type { StoreApp } from './store-app.ts';
import { keyBytes } from './store-ops.ts';
import type { StoreParams } from './store-params.ts';
import { WatchStream, type ServingMember } from './watch-stream.ts';

interface Slot {
  stream: WatchStream | undefined;
  watcher: { readonly member: SimMember<StoreApp>; readonly app: StoreApp; readonly w: Watcher } | undefined;
  /** No watcher: (re)watch at this tick. */
  resumeAt: number;
}

/** Ticks a client waits before it watches again. */
const MAX_REWATCH_DELAY_TICKS = 3;

export class WatchFleet {
  readonly #rng: Prng;
  readonly #params: StoreParams;
  readonly #members: readonly SimMember<StoreApp>[];
  readonly #committed: CommittedHistory;
  readonly #trace: Trace;
  readonly #stats: StoreRunStats;
  readonly #slots: Slot[];
  #nextId = 1;
  #violation: string | undefined;

  constructor(rng: Prng, params: StoreParams, members: readonly SimMember<StoreApp>[], committed: CommittedHistory, trace: Trace, stats: StoreRunStats) {
    this.#rng = rng;
    this.#params = params;
    this.#members = members;
    this.#committed = committed;
    this.#trace = trace;
    this.#stats = stats;
    this.#slots = Array.from({ length: params.watchers }, () => ({ stream: undefined, watcher: undefined, resumeAt: 0 }));
  }

  get violation(): string | undefined {
    return this.#violation;
  }

  /** Start, resume, cancel watches; ask for progress. */
  step(now: number): void {
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i]!;
      if (slot.watcher !== undefined) {
        if (this.#rng.chance(this.#params.watchChurnPerTick)) {
          this.#trace.line(() => `t${now} watch ${slot.stream!.id}: client cancels it`);
          slot.watcher.w.cancel();
          slot.watcher = undefined;
          slot.stream = undefined;
          slot.resumeAt = now + this.#rng.range(0, MAX_REWATCH_DELAY_TICKS);
        } else if (this.#rng.chance(this.#params.progressPerTick)) {
          slot.watcher.app.requestProgress(slot.watcher.w);
        }
        continue;
      }
      if (now < slot.resumeAt) continue;
      const running = this.#members.filter((m) => m.app !== undefined);
      if (running.length === 0) continue;
      const member = this.#rng.pick(running);
      this.#watch(i, slot, member, now);
    }
  }

  #watch(i: number, slot: Slot, member: SimMember<StoreApp>, now: number): void {
    const app = member.app!;
    let stream = slot.stream;
    let start: number;
    if (stream === undefined) {
      const { from, to } = this.#pickRange();
      start = this.#rng.chance(0.3) ? 0 : this.#rng.range(1, app.revision + 2);
      stream = new WatchStream(this.#nextId++, from, to, start === 0 ? app.revision + 1 : start);
      slot.stream = stream;
      this.#stats.watchesStarted++;
    } else {
      start = stream.next;
      this.#stats.rewatches++;
    }
    const s = stream;
    const w = app.watch({
      streamId: `slot${i}`,
      key: keyBytes(s.from),
      ...(s.to === s.from + 1 ? {} : { rangeEnd: keyBytes(s.to) }),
      startRevision: start,
    });
    s.created(start, app.revision, app.compactedRevision);
    slot.watcher = { member, app, w };
    this.#trace.event(now, 30, s.id, member.id, start);
    this.#trace.line(() => `t${now} watch ${s.id} (k${s.from}..k${s.to - 1}) on member ${member.id} from ${start} (member at ${app.revision}, compacted ${app.compactedRevision})`);
  }

  #pickRange(): { from: number; to: number } {
    const n = this.#params.keyCount;
    const roll = this.#rng.float();
    if (roll < 0.5) {
      const k = this.#rng.int(n);
      return { from: k, to: k + 1 };
    }
    if (roll < 0.8) return { from: 0, to: n };
    const from = this.#rng.int(n);
    return { from, to: this.#rng.range(from + 1, n) };
  }

  /** Drain every watcher and check each response. */
  drain(now: number): void {
    for (const slot of this.#slots) this.#drainSlot(slot, now);
  }

  #drainSlot(slot: Slot, now: number): void {
    const held = slot.watcher;
    const stream = slot.stream;
    if (held === undefined || stream === undefined) return;
    for (;;) {
      const r = held.w.poll();
      if (r === undefined) return;
      const before = stream.eventsChecked;
      const verdict = stream.accept(r, this.#serving(held.member.id, held.app), this.#committed);
      this.#stats.watchEventsChecked += stream.eventsChecked - before;
      this.#violation ??= stream.violation;
      if (r.events.length > 0) this.#trace.event(now, 31, stream.id, r.events.at(-1)!.kv.modRevision);
      if (verdict === 'continue') continue;
      slot.watcher = undefined;
      slot.resumeAt = now + this.#rng.range(0, MAX_REWATCH_DELAY_TICKS);
      if (verdict === 'ended') {
        if (r.compactRevision > 0) this.#stats.compactionCancels++;
        this.#trace.line(() => `t${now} watch ${stream.id} ended: ${stream.violation ?? `compaction cancel at ${r.compactRevision}`}`);
        slot.stream = undefined;
      } else {
        this.#trace.line(() => `t${now} watch ${stream.id} lost member ${held.member.id}: resume from ${stream.next}`);
      }
      return;
    }
  }

  #serving(id: NodeId, app: StoreApp): ServingMember {
    return { id, revision: app.revision, compactedRevision: app.compactedRevision };
  }

  /** End of a converged run: every watcher still open has delivered everything its member applied. */
  finish(now: number): string | undefined {
    this.drain(now);
    if (this.#violation !== undefined) return this.#violation;
    for (const slot of this.#slots) {
      const held = slot.watcher;
      if (held === undefined || slot.stream === undefined || held.member.app !== held.app) continue;
      const wrong = slot.stream.caughtUp(this.#serving(held.member.id, held.app), this.#committed);
      if (wrong !== undefined) return wrong;
    }
    return undefined;
  }
}
