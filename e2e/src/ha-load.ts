// The HA test's write load: writer loops through HAProxy, each owning its
// own ConfigMaps (so one writer's operations on a key are sequential and the
// last acknowledged one is well defined), creating, patching and deleting
// them. Every acknowledged write is recorded with the resourceVersion the
// server returned; every write whose outcome the client cannot know (reset,
// timeout, 5xx) is recorded as uncertain, and the writer then reads the key
// back before going on.

import { AMBIGUOUS, type FailureTally, type KubeHttp, type Reply } from './ha-client.ts';
import { sleep } from './until.ts';

export const LABEL = 'app=ha-load';
export type WriteOp = 'create' | 'patch' | 'delete';

export interface Write {
  readonly key: string;
  readonly op: WriteOp;
  /** data.seq the write set (create, patch); for delete, the seq it removed as far as the writer knew. */
  readonly seq: string;
  readonly at: number;
}
export interface AckedWrite extends Write {
  /**
   * resourceVersion of the object in the reply. A DELETE answers with a
   * Status (kube-apiserver's registry does for ConfigMaps), so for a delete
   * this is the RV of the writer's previous acknowledged write of the key
   * (0 if none): the deletion must come after it.
   */
  readonly rv: number;
}

export interface WriterOptions {
  readonly id: string;
  readonly keys: readonly { readonly namespace: string; readonly name: string }[];
  readonly allowDelete: boolean;
  readonly pauseMs: number;
  readonly requestTimeoutMs: number;
}

type Belief = 'absent' | 'present' | 'unknown';
const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

function rvOf(body: unknown): number | undefined {
  const rv = (body as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
  return typeof rv === 'string' && /^\d+$/.test(rv) ? Number(rv) : undefined;
}

export class WriteLoad {
  readonly acked: AckedWrite[] = [];
  readonly uncertain: Write[] = [];
  readonly attempts = { total: 0, failed: 0 };
  /** Acknowledged replies that were not what the API promises (a create or patch without a resourceVersion). */
  readonly malformed: string[] = [];
  /** Longest time, over writers, between two acknowledged writes of the same writer. */
  longestStallMs = 0;
  readonly #http: KubeHttp;
  readonly #tally: FailureTally;
  readonly #stop = new AbortController();
  #running: Promise<void>[] = [];

  constructor(http: KubeHttp, tally: FailureTally) {
    this.#http = http;
    this.#tally = tally;
  }

  start(writers: readonly WriterOptions[]): void {
    this.#running = writers.map((w) => this.#writer(w));
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.all(this.#running);
  }

  #record(r: Reply): void {
    this.attempts.total++;
    if (!r.ok) {
      this.attempts.failed++;
      this.#tally.add('writer', r.kind, `${r.status ?? ''} ${r.detail}`);
    }
  }

  async #writer(o: WriterOptions): Promise<void> {
    const belief = new Map<string, Belief>(o.keys.map((k) => [keyOf(k.namespace, k.name), 'absent']));
    let n = 0;
    let lastAck = Date.now();
    const lastRv = new Map<string, number>();
    while (!this.#stop.signal.aborted) {
      await sleep(o.pauseMs);
      const k = o.keys[Math.floor(Math.random() * o.keys.length)]!;
      const key = keyOf(k.namespace, k.name);
      const path = `/api/v1/namespaces/${k.namespace}/configmaps`;
      const b = belief.get(key)!;
      if (b === 'unknown') {
        const r = await this.#http.call('GET', `${path}/${k.name}`, undefined, o.requestTimeoutMs);
        if (!r.ok && r.kind !== 'http-404') this.#tally.add('resync', r.kind, `${r.status ?? ''} ${r.detail}`);
        if (r.ok) belief.set(key, 'present');
        else if (r.kind === 'http-404') belief.set(key, 'absent');
        continue;
      }
      const seq = `${o.id}-${++n}`;
      const op: WriteOp = b === 'absent' ? 'create' : o.allowDelete && Math.random() < 0.2 ? 'delete' : 'patch';
      const at = Date.now();
      let r: Reply;
      if (op === 'create') {
        const [lk, lv] = LABEL.split('=') as [string, string];
        r = await this.#http.call('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: k.name, namespace: k.namespace, labels: { [lk]: lv } }, data: { seq } }, o.requestTimeoutMs);
      } else if (op === 'patch') {
        r = await this.#http.call('PATCH', `${path}/${k.name}`, { data: { seq } }, o.requestTimeoutMs, 'application/merge-patch+json');
      } else {
        r = await this.#http.call('DELETE', `${path}/${k.name}`, undefined, o.requestTimeoutMs);
      }
      this.#record(r);
      if (r.ok) {
        const rv = op === 'delete' ? lastRv.get(key) ?? 0 : rvOf(r.body);
        if (rv === undefined) {
          if (this.malformed.length < 20) this.malformed.push(`${op} ${key}: ${JSON.stringify(r.body).slice(0, 200)}`);
          belief.set(key, 'unknown');
          continue;
        }
        if (op !== 'delete') lastRv.set(key, rv);
        this.acked.push({ key, op, seq, at, rv });
        belief.set(key, op === 'delete' ? 'absent' : 'present');
        const now = Date.now();
        this.longestStallMs = Math.max(this.longestStallMs, now - lastAck);
        lastAck = now;
      } else if (AMBIGUOUS.has(r.kind)) {
        this.uncertain.push({ key, op, seq, at });
        belief.set(key, 'unknown');
      } else if (r.kind === 'http-409' || r.kind === 'http-404') {
        // Only an earlier uncertain write can have changed the key behind this writer's back.
        belief.set(key, 'unknown');
      }
      // refused, 429, 410: not applied; the next round retries from the same belief.
    }
  }
}
