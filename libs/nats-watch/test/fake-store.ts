// The store side for feed tests: MemoryStorage keeps the history (what the
// feed reads directly), and a publisher writes each change to a real
// nats-server the way the store's NatsPublisher does — PublishedChange on the
// key's subject with the subject's chain, and `_cursor` announcements with
// the previous one in a header. Tests make it misbehave on purpose: skip a
// message, skip a cursor, send a reference.

import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { DEFAULT_PREFIX, encodePublishedChange, PREV_REVISION_HEADER, REVISION_HEADER, subjectForKey } from '@logbook/nats-publisher';
import type { Event } from '@logbook/mvcc';

const encoder = new TextEncoder();

export interface Write {
  readonly revision: number;
  readonly key: string;
}

export class FakeStore {
  readonly storage = new MemoryStorage({ progressNotifyIntervalMs: 0 });
  readonly #nc: NatsConnection;
  readonly #chain = new Map<string, number>();
  readonly #created = new Map<string, number>();
  #announced: number | undefined;

  private constructor(nc: NatsConnection) {
    this.#nc = nc;
  }

  static async start(url: string): Promise<FakeStore> {
    return new FakeStore(await connect({ servers: [url], reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 }));
  }

  async close(): Promise<void> {
    await this.#nc.close();
  }

  /** Creates or replaces the object at key in the store; publishes it unless told not to. */
  async put(key: string, obj: KubeObject, opts: { publish?: boolean; reference?: boolean } = {}): Promise<Write> {
    const existing = await this.storage.get(key, { ignoreNotFound: true });
    const stored = existing === undefined
      ? await this.storage.create(key, obj)
      : await this.storage.guaranteedUpdate(key, () => ({ ...obj, metadata: { ...obj.metadata } }), {});
    const revision = Number(stored.metadata.resourceVersion);
    if (existing === undefined) this.#created.set(key, revision);
    const { resourceVersion: _rv, ...metadata } = stored.metadata;
    const ev: Event = {
      type: 'PUT',
      kv: { key: encoder.encode(key), value: encoder.encode(JSON.stringify({ ...stored, metadata })), createRevision: this.#created.get(key) ?? revision, modRevision: revision, version: 1, lease: 0 },
    };
    this.#publish(key, revision, ev, opts);
    return { revision, key };
  }

  async delete(key: string, opts: { publish?: boolean } = {}): Promise<Write> {
    const last = await this.storage.delete(key);
    const revision = Number(last.metadata.resourceVersion);
    this.#created.delete(key);
    const ev: Event = { type: 'DELETE', kv: { key: encoder.encode(key), value: new Uint8Array(), createRevision: 0, modRevision: revision, version: 0, lease: 0 } };
    this.#publish(key, revision, ev, opts);
    return { revision, key };
  }

  #publish(key: string, revision: number, ev: Event, opts: { publish?: boolean; reference?: boolean }): void {
    const subject = subjectForKey(DEFAULT_PREFIX, key);
    const prev = this.#chain.get(subject) ?? 0;
    // The chain moves even for a message that is "lost": the next one on the subject then shows the gap.
    this.#chain.set(subject, revision);
    if (opts.publish === false) return;
    const body = opts.reference === true
      ? encodePublishedChange({ revision, prevRevision: prev, reference: true, referenceKeys: [ev.kv.key] })
      : encodePublishedChange({ revision, prevRevision: prev, reference: false, events: [ev] });
    const h = headers();
    h.set(REVISION_HEADER, String(revision));
    h.set(PREV_REVISION_HEADER, String(prev));
    this.#nc.publish(subject, body, { headers: h });
  }

  /** Announces that everything up to the store's revision is published (optionally without reaching anyone). */
  async cursor(opts: { send?: boolean } = {}): Promise<number> {
    const revision = await this.storage.currentRevision();
    if (opts.send !== false) {
      const h = headers();
      h.set(REVISION_HEADER, String(revision));
      if (this.#announced !== undefined) h.set(PREV_REVISION_HEADER, String(this.#announced));
      this.#nc.publish(`${DEFAULT_PREFIX}._cursor`, encoder.encode(String(revision)), { headers: h });
    }
    this.#announced = revision;
    // Right after a NATS restart the client may still be reconnecting: the announcement waits in its buffer.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#nc.flush();
        return revision;
      } catch (err) {
        if (attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
