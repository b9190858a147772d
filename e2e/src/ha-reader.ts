// (e) of the HA test: a reader going round the replicas directly (not
// through HAProxy), one request each: a consistent GET of one object (no
// resourceVersion), a consistent LIST, and a LIST with
// resourceVersion=<the last list RV seen>. A replica behind the others must
// wait or fail, never answer with an older resourceVersion than one this
// reader has already seen.

import type { FailureTally, KubeHttp } from './ha-client.ts';
import { sleep } from './until.ts';

export class MonotonicReader {
  readonly violations: string[] = [];
  reads = 0;
  #objectRv = 0;
  #listRv = 0;
  readonly #stop = new AbortController();
  readonly #done: Promise<void>;

  constructor(replicas: readonly KubeHttp[], objectPath: string, listPath: string, tally: FailureTally, pauseMs: number) {
    this.#done = this.#run(replicas, objectPath, listPath, tally, pauseMs);
  }

  #see(what: 'object' | 'list', rv: number, where: string, request: string): void {
    this.reads++;
    const prior = what === 'object' ? this.#objectRv : this.#listRv;
    if (rv < prior && this.violations.length < 20) this.violations.push(`${where} ${request} answered ${what} rv ${rv} after ${prior} had been seen`);
    if (what === 'object') this.#objectRv = Math.max(prior, rv);
    else this.#listRv = Math.max(prior, rv);
  }

  async #run(replicas: readonly KubeHttp[], objectPath: string, listPath: string, tally: FailureTally, pauseMs: number): Promise<void> {
    let i = 0;
    while (!this.#stop.signal.aborted) {
      const r = replicas[i++ % replicas.length]!;
      const requests: readonly [string, 'object' | 'list'][] = [
        [objectPath, 'object'],
        [listPath, 'list'],
        [`${listPath}${listPath.includes('?') ? '&' : '?'}resourceVersion=${this.#listRv}`, 'list'],
      ];
      for (const [path, what] of requests) {
        const reply = await r.call('GET', path, undefined, 5_000);
        if (!reply.ok) {
          // 404: the object does not exist yet; nothing to compare.
          if (reply.kind !== 'http-404') tally.add('reader', reply.kind, `${reply.status ?? ''} ${reply.detail}`);
          continue;
        }
        const rv = Number((reply.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);
        if (!Number.isSafeInteger(rv)) {
          this.violations.push(`${r.base}${path}: no numeric resourceVersion`);
          continue;
        }
        this.#see(what, rv, r.base, path);
      }
      await sleep(pauseMs);
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#done;
  }
}
