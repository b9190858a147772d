// Test helpers: a store over the in-memory backend that numbers its own log
// entries, and a subscriber that follows the contract a watch cache would:
// classify each message per subject, drop duplicates, repair gaps from the
// store's history, and rebuild the keyspace from what it applied.

import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { MemoryBackend } from '@logbook/backend';
import { MvccStore, type Event, type MvccRequest, type Revision } from '@logbook/mvcc';
import type { LogFields, Logger } from '@logbook/raft';
import {
  CONTROL_TOKENS,
  PREV_REVISION_HEADER,
  REVISION_HEADER,
  classify,
  decodePublishedChange,
  subjectForKey,
  type NatsPublisher,
  type PublishedChange,
} from '../src/index.ts';

export const te = new TextEncoder();
export const td = new TextDecoder();

export class TestStore {
  readonly store = new MvccStore(new MemoryBackend());
  #index = 0;
  #listeners: Array<() => void> = [];

  /** Publishers to notify after each apply, as the store's apply loop would. */
  attach(p: NatsPublisher): void {
    this.#listeners.push(() => p.notify());
  }

  apply(req: MvccRequest): Revision {
    const r = this.store.apply(++this.#index, req);
    if (r === undefined || !r.ok) throw new Error(`apply failed: ${r?.ok === false ? r.error.message : 'skipped'}`);
    for (const l of this.#listeners) l();
    return this.store.currentRevision;
  }

  put(key: string, value: string | Uint8Array): Revision {
    return this.apply({ type: 'put', request: { key: te.encode(key), value: typeof value === 'string' ? te.encode(value) : value } });
  }

  del(key: string): Revision {
    return this.apply({ type: 'deleteRange', request: { key: te.encode(key) } });
  }

  /** One revision touching several keys. */
  txn(puts: ReadonlyArray<readonly [string, string]>, deletes: readonly string[] = []): Revision {
    return this.apply({
      type: 'txn',
      request: {
        success: [
          ...puts.map(([k, v]) => ({ type: 'put' as const, request: { key: te.encode(k), value: te.encode(v) } })),
          ...deletes.map((k) => ({ type: 'deleteRange' as const, request: { key: te.encode(k) } })),
        ],
      },
    });
  }

  compact(revision: Revision): void {
    this.apply({ type: 'compaction', request: { revision } });
  }

  /** The current keyspace as key -> value (strings). */
  snapshot(): Map<string, string> {
    const r = this.store.range({ key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0) });
    return new Map(r.kvs.map((kv) => [td.decode(kv.key), td.decode(kv.value)]));
  }

  /** Every (subject, revision) the history holds above `after`. */
  expectedRevisions(prefix: string, after: Revision = 0): Map<string, Revision[]> {
    const out = new Map<string, Revision[]>();
    const res = this.store.eventsSince({ startRevision: after + 1, key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0), limit: 1_000_000 });
    if ('compactRevision' in res) throw new Error('compacted');
    for (const e of res.events) {
      const s = subjectForKey(prefix, e.kv.key);
      const list = out.get(s) ?? [];
      if (list.at(-1) !== e.kv.modRevision) list.push(e.kv.modRevision);
      out.set(s, list);
    }
    return out;
  }
}

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly fields: LogFields | undefined;
}

export function testLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const log = (level: string) => (msg: string, fields?: LogFields) => {
    lines.push({ level, msg, fields });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Received {
  readonly subject: string;
  readonly change: PublishedChange;
  readonly headerRevision: string | undefined;
  readonly headerPrev: string | undefined;
}

/**
 * A watch-cache-like subscriber of `<prefix>.>`. lastSeen per subject starts
 * at the store revision when it subscribed (as after a list). A gap is
 * repaired from the store's history, as a watch cache would.
 */
export class Subscriber {
  readonly received: Received[] = [];
  readonly resets: Revision[] = [];
  readonly errors: unknown[] = [];
  readonly counts = { new: 0, duplicate: 0, gap: 0 };
  /** Revisions applied per subject, in the order applied (from NATS or a repair). */
  readonly applied = new Map<string, Revision[]>();
  state: Map<string, string>;
  readonly #lastSeen = new Map<string, Revision>();
  #listRevision: Revision;
  readonly #nc: NatsConnection;
  readonly #store: TestStore;
  readonly #prefix: string;

  private constructor(nc: NatsConnection, store: TestStore, prefix: string) {
    this.#nc = nc;
    this.#store = store;
    this.#prefix = prefix;
    this.#listRevision = store.store.currentRevision;
    this.state = store.snapshot();
    nc.subscribe(`${prefix}.>`, {
      callback: (err, msg) => {
        try {
          if (err !== null) throw err;
          if (msg.subject === `${prefix}.${CONTROL_TOKENS.cursor}`) return;
          if (msg.subject === `${prefix}.${CONTROL_TOKENS.reset}`) {
            this.resets.push(Number(td.decode(msg.data)));
            this.#relist();
            return;
          }
          const change = decodePublishedChange(msg.data);
          const h = msg.headers;
          this.received.push({ subject: msg.subject, change, headerRevision: h?.get(REVISION_HEADER), headerPrev: h?.get(PREV_REVISION_HEADER) });
          this.#onChange(msg.subject, change);
        } catch (e) {
          // Surfaced by the tests (a throw inside the client's callback would be swallowed).
          this.errors.push(e);
        }
      },
    });
  }

  static async open(url: string, store: TestStore, prefix: string): Promise<Subscriber> {
    const nc = await connect({ servers: url, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const s = new Subscriber(nc, store, prefix);
    await nc.flush();
    return s;
  }

  get connection(): NatsConnection {
    return this.#nc;
  }

  /** What a watch cache does on a reset: list again, and forget every subject's position. */
  #relist(): void {
    this.#listRevision = this.#store.store.currentRevision;
    this.state = this.#store.snapshot();
    this.#lastSeen.clear();
  }

  lastSeen(subject: string): Revision {
    return this.#lastSeen.get(subject) ?? this.#listRevision;
  }

  #onChange(subject: string, c: PublishedChange): void {
    const verdict = classify(this.lastSeen(subject), c);
    this.counts[verdict]++;
    if (verdict === 'duplicate') return;
    if (verdict === 'gap') this.#repair(subject, c.prevRevision);
    this.#apply(subject, c.revision, c.reference ? this.#read(subject, c.revision, c.revision) : c.events);
  }

  /** Reads the subject's events in [from, to] from the store's history. */
  #read(subject: string, from: Revision, to: Revision): Event[] {
    const res = this.#store.store.eventsSince({ startRevision: from, key: Uint8Array.of(0), rangeEnd: Uint8Array.of(0), limit: 1_000_000 });
    if ('compactRevision' in res) throw new Error('repair impossible: compacted');
    return res.events.filter((e) => e.kv.modRevision <= to && subjectForKey(this.#prefix, e.kv.key) === subject);
  }

  #repair(subject: string, through: Revision): void {
    const events = this.#read(subject, this.lastSeen(subject) + 1, through);
    const byRev = new Map<Revision, Event[]>();
    for (const e of events) byRev.set(e.kv.modRevision, [...(byRev.get(e.kv.modRevision) ?? []), e]);
    for (const [rev, evs] of byRev) this.#apply(subject, rev, evs);
  }

  #apply(subject: string, revision: Revision, events: readonly Event[]): void {
    if (revision <= this.lastSeen(subject)) throw new Error(`reorder on ${subject}: ${revision} after ${this.lastSeen(subject)}`);
    for (const e of events) {
      if (e.type === 'PUT') this.state.set(td.decode(e.kv.key), td.decode(e.kv.value));
      else this.state.delete(td.decode(e.kv.key));
    }
    this.#lastSeen.set(subject, revision);
    this.applied.set(subject, [...(this.applied.get(subject) ?? []), revision]);
  }

  /** Highest revision applied on any subject. */
  highest(): Revision {
    let h = this.#listRevision;
    for (const r of this.#lastSeen.values()) h = Math.max(h, r);
    return h;
  }

  async close(): Promise<void> {
    await this.#nc.close();
  }
}
