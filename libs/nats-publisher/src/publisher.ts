// NatsPublisher: publishes committed changes to NATS, in revision order,
// pulling them from the store's MVCC history (DESIGN.md has the protocol and
// the argument for why a leader change or an outage loses nothing).
//
// Apply never waits on NATS: notify() only schedules work on a later turn;
// the history is the buffer. Memory is bounded: one chunk of at most
// maxBatchEvents events is read at a time, and at most maxPendingBytes (plus
// one revision) is unconfirmed at the server before the next flush. On any
// failure the leader keeps its position, backs off, and publishes again
// from there (at-least-once; subscribers drop duplicates by revision).

import type { MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@logbook/raft';
import type { Event, Revision } from '@logbook/mvcc';
import { buildRevisionMessages, groupByRevision } from './batch.ts';
import { HEADER_RESERVE_BYTES, revisionHeaders } from './headers.ts';
import { NatsPublisherError, assert } from './errors.ts';
import { NatsLink, backoffMs, describe } from './nats-link.ts';
import { resolveOptions, type ChangeSource, type NatsPublisherOptions, type ResolvedOptions } from './options.ts';
import { ALL_KEYS, followStep, newSession, sessionForPromotion, type Session } from './session.ts';
import { SubjectChain } from './subject-chain.ts';
import { CONTROL_TOKENS } from './subject.ts';

export interface NatsPublisherStatus {
  /** Highest revision known published (flushed by us, or announced on `_cursor` by a leader). */
  readonly cursor: Revision | undefined;
  readonly leader: boolean;
  readonly connected: boolean;
  /** The leader's publishing session, or the follower's shadow: where its chain starts and how far it got. */
  readonly sessionStart: Revision;
  readonly position: Revision;
  /** Change messages confirmed by the server (references included). */
  readonly published: number;
  readonly references: number;
  readonly resets: number;
  /** Failed attempts (each retried from the position). */
  readonly retries: number;
  /** Messages sent in attempts that failed: the server may have delivered them, and they are sent again. */
  readonly duplicatesRisked: number;
  readonly trackedSubjects: number;
  readonly lastError: string | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class NatsPublisher {
  readonly #o: ResolvedOptions;
  readonly #source: ChangeSource;
  readonly #logger: Logger;
  readonly #link: NatsLink;
  readonly #subjects: { readonly cursor: string; readonly reset: string };
  #started = false;
  #closed = false;
  #leader = false;
  /** The leader's session, or the follower's shadow; replaced (never shared) on each role change. */
  #session: Session;
  #cursor: Revision | undefined;
  /** The last cursor this publisher announced (the chain link its next announcement carries). */
  #announced: Revision | undefined;
  #cursorSub: Subscription | undefined;
  #running = false;
  #again = false;
  #loop: Promise<void> = Promise.resolve();
  #turnTimer: unknown;
  #retryTimer: unknown;
  #failures = 0;
  #published = 0;
  #references = 0;
  #resets = 0;
  #retries = 0;
  #duplicatesRisked = 0;
  #lastError: string | undefined;
  /** Resolves when close() begins: an unconfirmed flush stops waiting for a connection being closed. */
  readonly #closing: Promise<'closed'>;
  #signalClosing: (v: 'closed') => void = () => {};

  constructor(options: NatsPublisherOptions) {
    this.#o = resolveOptions(options);
    this.#source = options.source;
    this.#logger = options.logger;
    this.#session = newSession(this.#source.compactedRevision, this.#o.maxTrackedSubjects);
    this.#closing = new Promise((resolve) => {
      this.#signalClosing = resolve;
    });
    this.#subjects = { cursor: `${this.#o.prefix}.${CONTROL_TOKENS.cursor}`, reset: `${this.#o.prefix}.${CONTROL_TOKENS.reset}` };
    this.#link = new NatsLink(this.#o, this.#logger, {
      up: (fresh) => {
        if (fresh) this.#cursorSub = undefined;
        this.#followCursor();
        // A (re)connection is the moment to retry: no need to wait out the backoff.
        this.#cancelRetry();
        this.#kick();
      },
    });
  }

  /** Connects (one attempt; if NATS is unreachable, keeps trying in the background). Never throws for that. */
  async start(): Promise<void> {
    assert(!this.#started, 'start() called twice');
    this.#started = true;
    await this.#link.start();
  }

  /** Called by the store after applying: new history may be available. Cheap; never blocks. */
  notify(): void {
    if (this.#closed || this.#turnTimer !== undefined) return;
    this.#turnTimer = this.#o.timers.setTimeout(() => {
      this.#turnTimer = undefined;
      // While backing off after a failure, new commits wait for the retry.
      if (this.#leader && this.#retryTimer === undefined) this.#kick();
      else if (!this.#leader) this.#follow();
    }, 0);
  }

  /** Only the Raft leader publishes. Becoming leader continues the shadow walk as a publishing session. */
  setLeader(leader: boolean): void {
    if (this.#closed || leader === this.#leader) return;
    this.#leader = leader;
    if (leader) {
      this.#cursorSub?.unsubscribe();
      this.#cursorSub = undefined;
      this.#session = sessionForPromotion(this.#session, this.#cursor, this.#source.compactedRevision);
      this.#failures = 0;
      this.#logger.info('nats: publishing as leader', { revision: this.#session.position, cursor: this.#cursor });
      this.#kick();
    } else {
      // A fresh object: a drain still running for the old session must not touch the shadow.
      this.#session = { chain: this.#session.chain.clone(), position: this.#session.position };
      this.#cancelRetry();
      this.#logger.info('nats: no longer leader; publishing stops', { revision: this.#session.position });
      this.#followCursor();
    }
  }

  status(): NatsPublisherStatus {
    return {
      cursor: this.#cursor,
      leader: this.#leader,
      connected: this.#link.connected,
      sessionStart: this.#session.chain.start,
      position: this.#session.position,
      published: this.#published,
      references: this.#references,
      resets: this.#resets,
      retries: this.#retries,
      duplicatesRisked: this.#duplicatesRisked,
      trackedSubjects: this.#session.chain.size,
      lastError: this.#lastError,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#signalClosing('closed');
    if (this.#turnTimer !== undefined) this.#o.timers.clearTimeout(this.#turnTimer);
    this.#turnTimer = undefined;
    this.#cancelRetry();
    await this.#link.close();
    await this.#loop;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- followers: track the leader's cursor, walk the history behind it ----

  #followCursor(): void {
    const nc = this.#link.connection;
    if (this.#leader || this.#closed || nc === undefined || this.#cursorSub !== undefined) return;
    this.#cursorSub = nc.subscribe(this.#subjects.cursor, {
      callback: (err, msg) => {
        if (err !== null) {
          this.#logger.warn('nats: cursor subscription failed', { error: describe(err) });
          return;
        }
        this.#onCursor(decoder.decode(msg.data));
      },
    });
  }

  /** Bytes from NATS: accepted only as a plain decimal revision. */
  #onCursor(text: string): void {
    const v = /^[0-9]{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(v)) {
      this.#logger.warn('nats: ignoring a malformed cursor message', { body: text.slice(0, 40) });
      return;
    }
    if (this.#cursor !== undefined && v <= this.#cursor) return;
    this.#cursor = v;
    this.notify();
  }

  /** One chunk of the shadow walk per turn, so a long catch-up never holds the event loop. */
  #follow(): void {
    if (this.#closed || this.#leader || this.#cursor === undefined) return;
    const more = followStep(this.#source, this.#session, this.#cursor, this.#o);
    if (more) this.notify();
  }

  // ---- the leader's drain loop ----

  #canPublish(): boolean {
    return !this.#closed && this.#leader && this.#link.connection !== undefined;
  }

  #kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (!this.#canPublish()) return;
    this.#running = true;
    this.#loop = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      do {
        this.#again = false;
        await this.#publishAvailable();
      } while (this.#again && this.#canPublish());
    } catch (err) {
      // Anything but a publishing failure is a bug or a dead store: let it crash.
      if (!(err instanceof NatsPublisherError)) throw err;
      this.#onFailure(err);
    } finally {
      this.#running = false;
    }
  }

  async #publishAvailable(): Promise<void> {
    const session = this.#session;
    while (this.#canPublish() && this.#session === session) {
      const nc = this.#link.connection;
      assert(nc !== undefined, 'canPublish implies a connection');
      const res = this.#source.eventsSince({
        startRevision: session.position + 1,
        key: ALL_KEYS,
        rangeEnd: ALL_KEYS,
        limit: this.#o.maxBatchEvents,
        ...(this.#o.prevKv ? { prevKv: true } : {}),
      });
      if ('compactRevision' in res) {
        await this.#publishReset(nc, session, res.compactRevision);
        continue;
      }
      const through = res.nextRevision - 1;
      assert(through >= session.position, () => `history went backwards: ${through} < ${session.position}`);
      if (res.events.length === 0) {
        // No events up to `through` (nothing newer applied yet): nothing to send.
        session.position = through;
        return;
      }
      await this.#publishChunk(nc, session, groupByRevision(res.events), through);
    }
  }

  async #publishChunk(nc: NatsConnection, session: Session, groups: ReadonlyArray<readonly [Revision, readonly Event[]]>, through: Revision): Promise<void> {
    const limit = this.#bodyLimit(nc);
    let pendingBytes = 0;
    let pendingMessages = 0;
    let pendingReferences = 0;
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i];
      assert(group !== undefined, 'index within bounds');
      const [revision, events] = group;
      for (const m of buildRevisionMessages(this.#o.prefix, revision, events, session.chain, limit)) {
        pendingMessages++;
        this.#send(nc, m.subject, m.body, revisionHeaders(m.revision, m.prevRevision), session, pendingMessages);
        pendingBytes += m.body.length;
        if (m.reference) pendingReferences++;
      }
      const last = i === groups.length - 1;
      if (!last && pendingBytes < this.#o.maxPendingBytes) continue;
      await this.#flush(nc, session, pendingMessages);
      session.chain.commit();
      this.#published += pendingMessages;
      this.#references += pendingReferences;
      this.#advance(nc, session, last ? through : revision);
      pendingBytes = 0;
      pendingMessages = 0;
      pendingReferences = 0;
      if (this.#session !== session || this.#closed) return;
    }
  }

  /**
   * History after the position was compacted away (e.g. NATS was down for
   * longer than the retention): those revisions can no longer be published.
   * Tell subscribers to relist, then continue from the compacted revision
   * with a fresh chain.
   */
  async #publishReset(nc: NatsConnection, session: Session, compacted: Revision): Promise<void> {
    this.#logger.warn('nats: history compacted past the publish position; publishing a reset', { cursor: session.position, revision: compacted });
    this.#send(nc, this.#subjects.reset, encoder.encode(String(compacted)), revisionHeaders(compacted), session, 1);
    await this.#flush(nc, session, 1);
    this.#resets++;
    session.chain = new SubjectChain(compacted, this.#o.maxTrackedSubjects);
    this.#advance(nc, session, compacted);
  }

  #bodyLimit(nc: NatsConnection): number {
    const serverMax = nc.info?.max_payload;
    if (serverMax === undefined) throw new NatsPublisherError('notConnected', 'no server info: not connected');
    return Math.min(serverMax, this.#o.maxPayloadBytes) - HEADER_RESERVE_BYTES;
  }

  #send(nc: NatsConnection, subject: string, body: Uint8Array, h: MsgHdrs, session: Session, inAttempt: number): void {
    try {
      nc.publish(subject, body, { headers: h });
    } catch (cause) {
      session.chain.discard();
      // Messages of this attempt before this one may already be on their way.
      this.#duplicatesRisked += inAttempt - 1;
      throw new NatsPublisherError('publishFailed', `publish to ${subject} failed`, { cause });
    }
  }

  /** Waits until the server has processed everything sent before (at-least-once). */
  async #flush(nc: NatsConnection, session: Session, inAttempt: number): Promise<void> {
    let timer: unknown;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.#o.timers.setTimeout(() => resolve('timeout'), this.#o.flushTimeoutMs);
    });
    const flushed = nc.flush().then(
      () => 'ok' as const,
      (cause: unknown) => new NatsPublisherError('flushFailed', 'flush failed: the connection dropped before the server confirmed', { cause }),
    );
    const outcome = await Promise.race([flushed, timeout, this.#closing]);
    this.#o.timers.clearTimeout(timer);
    if (outcome === 'ok') {
      this.#failures = 0;
      return;
    }
    session.chain.discard();
    this.#duplicatesRisked += inAttempt;
    if (outcome === 'closed') throw new NatsPublisherError('notConnected', 'publisher closed before the server confirmed');
    if (outcome === 'timeout') {
      // The socket may be stuck with our bytes in it; a reconnect drops the
      // client's outbound buffer so retries cannot pile chunks up in memory.
      this.#link.forceReconnect();
      throw new NatsPublisherError('flushTimeout', `flush not confirmed within ${this.#o.flushTimeoutMs} ms`);
    }
    throw outcome;
  }

  /** Everything through `revision` is at the server: move the session and cursor, and announce it. */
  #advance(nc: NatsConnection, session: Session, revision: Revision): void {
    assert(revision >= session.position, () => `position moving back: ${revision} < ${session.position}`);
    session.position = revision;
    if (this.#cursor === undefined || revision > this.#cursor) this.#cursor = revision;
    try {
      // Unconfirmed on purpose: if it is lost, a future leader starts lower and only duplicates.
      // The previous announcement rides along, so a subscriber can tell it missed one (DESIGN.md).
      nc.publish(this.#subjects.cursor, encoder.encode(String(revision)), { headers: revisionHeaders(revision, this.#announced) });
      this.#announced = revision;
    } catch (e) {
      this.#logger.debug('nats: cursor announcement not sent', { error: describe(e), revision });
    }
  }

  #onFailure(err: NatsPublisherError): void {
    if (this.#closed || !this.#leader) return;
    this.#failures++;
    this.#retries++;
    this.#lastError = describe(err);
    const delayMs = backoffMs(this.#o.retryBaseMs, this.#o.retryMaxMs, this.#failures);
    this.#logger.warn('nats: publish failed; retrying from the position', {
      code: err.code,
      error: this.#lastError,
      revision: this.#session.position,
      attempt: this.#failures,
      delayMs,
    });
    if (this.#retryTimer !== undefined) return;
    this.#retryTimer = this.#o.timers.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#kick();
    }, delayMs);
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== undefined) this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}
