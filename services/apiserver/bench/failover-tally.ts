// The arithmetic of a failover run, kept pure so it can be tested: loops
// report each request's outcome with a timestamp, the bench reports the
// kill, and the tally says how long clients were cut off.
//
// Only loops that failed after the kill were cut off (behind HAProxy, a
// loop whose session is on another replica never notices the kill). For
// each of those, recovery is its first success after its first failure.
// "kill → first success" is the earliest such recovery (service is back
// for somebody), "kill → all recovered" the latest (back for everybody).

import { strict as assert } from 'node:assert';
import { median } from '@logbook/bench-kit';

interface LoopState {
  failedAt: number | undefined;
  recoveredAt: number | undefined;
}

export interface FailoverRun {
  readonly loops: number;
  /** Loops that saw at least one failure after the kill. */
  readonly affectedLoops: number;
  /** Failures after the kill: failed requests, failed reconnects, connections found broken between requests. */
  readonly failed: number;
  /** Failures before the kill: a cluster that was not healthy to begin with. */
  readonly failedBeforeKill: number;
  /** undefined when no loop failed, or when a failed loop never recovered. */
  readonly killToFirstSuccessMs: number | undefined;
  readonly killToAllRecoveredMs: number | undefined;
  /** Loops that failed and had not succeeded again when the run ended. */
  readonly unrecovered: number;
}

export class FailoverTally {
  readonly #loops: LoopState[];
  #killedAt: number | undefined;
  #failed = 0;
  #failedBeforeKill = 0;

  constructor(loops: number) {
    assert.ok(Number.isSafeInteger(loops) && loops > 0, `loops must be a positive integer (got ${loops})`);
    this.#loops = Array.from({ length: loops }, () => ({ failedAt: undefined, recoveredAt: undefined }));
  }

  kill(at: number): void {
    assert.equal(this.#killedAt, undefined, 'kill reported twice');
    this.#killedAt = at;
  }

  get killed(): boolean {
    return this.#killedAt !== undefined;
  }

  success(loop: number, at: number): void {
    const s = this.#loop(loop);
    if (s.failedAt !== undefined && s.recoveredAt === undefined) s.recoveredAt = at;
  }

  failure(loop: number, at: number): void {
    const s = this.#loop(loop);
    if (this.#killedAt === undefined || at < this.#killedAt) {
      this.#failedBeforeKill++;
      return;
    }
    this.#failed++;
    s.failedAt ??= at;
  }

  /** Every loop that failed has succeeded again (vacuously true when none failed). */
  get allRecovered(): boolean {
    return this.#loops.every((s) => s.failedAt === undefined || s.recoveredAt !== undefined);
  }

  result(): FailoverRun {
    const k = this.#killedAt;
    assert.ok(k !== undefined, 'result before the kill');
    const affected = this.#loops.filter((s) => s.failedAt !== undefined);
    const recovered = affected.flatMap((s) => (s.recoveredAt === undefined ? [] : [s.recoveredAt - k]));
    const unrecovered = affected.length - recovered.length;
    return {
      loops: this.#loops.length,
      affectedLoops: affected.length,
      failed: this.#failed,
      failedBeforeKill: this.#failedBeforeKill,
      killToFirstSuccessMs: recovered.length > 0 ? Math.min(...recovered) : undefined,
      killToAllRecoveredMs: affected.length > 0 && unrecovered === 0 ? Math.max(...recovered) : undefined,
      unrecovered,
    };
  }

  #loop(i: number): LoopState {
    const s = this.#loops[i];
    assert.ok(s !== undefined, `no loop ${i}`);
    return s;
  }
}

export interface FailoverSummary {
  readonly runs: number;
  /** Runs in which some loop was cut off; the times are over these only. */
  readonly runsWithOutage: number;
  readonly firstSuccessMedianMs: number;
  readonly firstSuccessMaxMs: number;
  readonly allRecoveredMedianMs: number;
  readonly allRecoveredMaxMs: number;
  readonly failedMedian: number;
  readonly unrecovered: number;
}

/** Medians over runs (and the worst run: with 3 runs a p99 is just the maximum, so the maximum is what is shown). */
export function summarizeFailover(runs: readonly FailoverRun[]): FailoverSummary {
  const first = runs.flatMap((r) => (r.killToFirstSuccessMs === undefined ? [] : [r.killToFirstSuccessMs]));
  const all = runs.flatMap((r) => (r.killToAllRecoveredMs === undefined ? [] : [r.killToAllRecoveredMs]));
  return {
    runs: runs.length,
    runsWithOutage: runs.filter((r) => r.affectedLoops > 0).length,
    firstSuccessMedianMs: median(first),
    firstSuccessMaxMs: first.length > 0 ? Math.max(...first) : Number.NaN,
    allRecoveredMedianMs: median(all),
    allRecoveredMaxMs: all.length > 0 ? Math.max(...all) : Number.NaN,
    failedMedian: median(runs.map((r) => r.failed)),
    unrecovered: runs.reduce((n, r) => n + r.unrecovered, 0),
  };
}
