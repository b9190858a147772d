// kube's buffered backend, in two modes over a sink that does the actual
// writing or sending.
//
// batch: events enter a buffer of `bufferSize`; a background loop sends a
//   batch when `maxBatchSize` events are waiting or `maxBatchWaitMs` after the
//   first of them arrived (kube starts its wait when collection starts; timing
//   from the first event gives the same bound on latency without waking an
//   idle server). At a full buffer the new events are dropped and reported
//   as a plugin error; the request is never slowed. With `asyncDelegate`
//   (the webhook) up to `maxInFlightBatches` sends overlap; the loop waits
//   for a free slot, and the buffer absorbs (then drops) what arrives meanwhile.
// blocking / blocking-strict: the request waits until its events are written.
//   At most `bufferSize` writes are outstanding; further callers wait for a
//   slot (their number is bounded by the server's in-flight request limit).
//   A failed write is reported; blocking-strict also resolves false, so the
//   server can fail a request it could not audit.

import { AuditError } from './errors.ts';
import type { AuditClock } from './clock.ts';
import { reportPluginError } from './plugin-error.ts';
import { TokenBucket } from './throttle.ts';
import type { AuditBackend, AuditEvent, AuditLogger } from './types.ts';

export const BACKEND_MODES = ['batch', 'blocking', 'blocking-strict'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];

/** Writes or sends a group of events; throws when they are lost. */
export interface EventSink {
  readonly name: string;
  send(events: readonly AuditEvent[]): Promise<void>;
  /** Releases resources (file handles) once everything has been sent. */
  close?(): Promise<void>;
}

export interface BatchConfig {
  readonly bufferSize: number;
  readonly maxBatchSize: number;
  readonly maxBatchWaitMs: number;
  /** Absent: no throttling. */
  readonly throttle?: { readonly qps: number; readonly burst: number };
  readonly asyncDelegate: boolean;
  readonly maxInFlightBatches?: number;
}

export interface BufferedOptions {
  readonly mode: BackendMode;
  readonly batch: BatchConfig;
  readonly sink: EventSink;
  readonly clock: AuditClock;
  readonly logger: AuditLogger;
}

export function newBufferedBackend(opts: BufferedOptions): AuditBackend {
  return opts.mode === 'batch' ? new BatchBackend(opts) : new BlockingBackend(opts);
}

class BlockingBackend implements AuditBackend {
  readonly #sink: EventSink;
  readonly #strict: boolean;
  readonly #logger: AuditLogger;
  readonly #limit: number;
  #outstanding = 0;
  readonly #waiters: (() => void)[] = [];
  #idle: (() => void) | undefined;
  #closed = false;

  constructor(opts: BufferedOptions) {
    this.#sink = opts.sink;
    this.#strict = opts.mode === 'blocking-strict';
    this.#logger = opts.logger;
    this.#limit = opts.batch.bufferSize;
  }

  async processEvents(events: readonly AuditEvent[]): Promise<boolean> {
    if (this.#closed) {
      reportPluginError(this.#logger, this.#sink.name, new AuditError('BackendShutDown', 'audit backend shut down'), events);
      return !this.#strict;
    }
    while (this.#outstanding >= this.#limit) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#outstanding++;
    try {
      await this.#sink.send(events);
      return true;
    } catch (err: unknown) {
      reportPluginError(this.#logger, this.#sink.name, err, events);
      return !this.#strict;
    } finally {
      this.#outstanding--;
      this.#waiters.shift()?.();
      if (this.#outstanding === 0) this.#idle?.();
    }
  }

  async shutdown(): Promise<void> {
    this.#closed = true;
    if (this.#outstanding > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    await this.#sink.close?.();
  }
}

class BatchBackend implements AuditBackend {
  readonly #opts: BufferedOptions;
  readonly #buffer: AuditEvent[] = [];
  readonly #throttle: TokenBucket | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #maxInFlight: number;
  #cancelTimer: (() => void) | undefined;
  #timerFired = false;
  #wake: (() => void) | undefined;
  #stopping = false;
  #stopped!: () => void;
  readonly #stoppedPromise = new Promise<void>((resolve) => (this.#stopped = resolve));
  readonly #done: Promise<void>;

  constructor(opts: BufferedOptions) {
    const b = opts.batch;
    if (!(b.bufferSize > 0 && b.maxBatchSize > 0 && b.maxBatchWaitMs >= 0)) throw new Error('assertion failed: batch limits must be positive');
    this.#opts = opts;
    this.#throttle = b.throttle === undefined ? undefined : new TokenBucket(b.throttle.qps, b.throttle.burst, opts.clock);
    this.#maxInFlight = b.asyncDelegate ? (b.maxInFlightBatches ?? 16) : 1;
    this.#done = this.#run();
  }

  processEvents(events: readonly AuditEvent[]): Promise<boolean> {
    const { bufferSize } = this.#opts.batch;
    if (this.#stopping) {
      reportPluginError(this.#opts.logger, this.#opts.sink.name, new AuditError('BackendShutDown', 'audit backend shut down'), events);
      return Promise.resolve(true);
    }
    for (let i = 0; i < events.length; i++) {
      if (this.#buffer.length >= bufferSize) {
        reportPluginError(this.#opts.logger, this.#opts.sink.name, new AuditError('BackendFailed', 'audit buffer queue blocked'), events.slice(i));
        break;
      }
      this.#buffer.push(events[i] as AuditEvent);
    }
    if (this.#buffer.length > 0 && this.#cancelTimer === undefined && !this.#timerFired) this.#armTimer();
    if (this.#buffer.length >= this.#opts.batch.maxBatchSize) this.#wake?.();
    return Promise.resolve(true);
  }

  async shutdown(): Promise<void> {
    this.#stopping = true;
    this.#stopped();
    this.#wake?.();
    await this.#done;
    await Promise.all(this.#inFlight);
    await this.#opts.sink.close?.();
  }

  #armTimer(): void {
    this.#cancelTimer = this.#opts.clock.setTimer(this.#opts.batch.maxBatchWaitMs, () => {
      this.#cancelTimer = undefined;
      this.#timerFired = true;
      this.#wake?.();
    });
  }

  #ready(): boolean {
    return this.#stopping || this.#timerFired || this.#buffer.length >= this.#opts.batch.maxBatchSize;
  }

  async #run(): Promise<void> {
    for (;;) {
      while (!this.#ready()) await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
      const batch = this.#buffer.splice(0, this.#opts.batch.maxBatchSize);
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
      this.#timerFired = false;
      // What is left starts a new collection period.
      if (this.#buffer.length > 0 && !this.#stopping) this.#armTimer();
      if (batch.length === 0) {
        if (this.#stopping) return;
        continue;
      }
      await this.#dispatch(batch);
      // Draining at shutdown ignores the throttle, as kube's does.
      if (this.#throttle !== undefined && !this.#stopping) await Promise.race([this.#throttle.accept(), this.#stoppedPromise]);
    }
  }

  async #dispatch(batch: readonly AuditEvent[]): Promise<void> {
    while (this.#inFlight.size >= this.#maxInFlight) await Promise.race(this.#inFlight);
    const p = this.#send(batch);
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
    if (!this.#opts.batch.asyncDelegate) await p;
  }

  async #send(batch: readonly AuditEvent[]): Promise<void> {
    try {
      await this.#opts.sink.send(batch);
    } catch (err: unknown) {
      reportPluginError(this.#opts.logger, this.#opts.sink.name, err, batch);
    }
  }
}
