// The HA test's watchers, each recording what it saw as segments: a segment
// starts at a list (or a kubectl start) and goes on through every resume
// from the last resourceVersion seen; only a relist (after 410, or a kubectl
// restart, which lists again) starts a new one. ha-history.ts checks each
// segment against the store's own history.

import { spawn, type ChildProcess } from 'node:child_process';
import { KubeConfig, makeInformer, CoreV1Api, type Informer, type ObjectCache, type V1ConfigMap } from '@kubernetes/client-node';
import type { FailureKind, FailureTally, KubeHttp } from './ha-client.ts';
import { LABEL } from './ha-load.ts';
import { kubectlEnv } from './logbook-up.ts';
import { sleep } from './until.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface SeenEvent {
  readonly type: EventType;
  readonly key: string;
  readonly rv: number;
}

export interface Segment {
  /** How it began: the first list, a relist after 410, a kubectl (re)start (which lists before it watches). */
  readonly how: 'list' | 'relist-410' | 'kubectl-start';
  /** The list's resourceVersion; undefined for kubectl, which does not print it. */
  readonly startRv: number | undefined;
  readonly events: SeenEvent[];
  /** The last resourceVersion seen (events and bookmarks). */
  lastRv: number | undefined;
  /** Watch requests made within the segment after its first (resumes from lastRv). */
  resumes: number;
}

export interface Watcher {
  readonly name: string;
  readonly kind: 'raw' | 'kubectl' | 'informer';
  readonly segments: readonly Segment[];
  /** Latest resourceVersion it has seen. */
  readonly lastRv: number | undefined;
  stop(): Promise<void>;
}

const MAX_EVENTS_PER_WATCHER = 200_000;
const watchPath = (q: string): string => `/api/v1/configmaps?labelSelector=${encodeURIComponent(LABEL)}${q}`;

function decodeEvent(raw: unknown): { type: string; key: string; rv: number; code: number | undefined } {
  const e = raw as { type?: unknown; object?: { metadata?: { namespace?: unknown; name?: unknown; resourceVersion?: unknown }; code?: unknown } };
  const md = e.object?.metadata;
  const rv = typeof md?.resourceVersion === 'string' && md.resourceVersion !== '' ? Number(md.resourceVersion) : NaN;
  return { type: String(e.type), key: `${String(md?.namespace)}/${String(md?.name)}`, rv, code: typeof e.object?.code === 'number' ? e.object.code : undefined };
}

abstract class Recorder {
  readonly segments: Segment[] = [];

  get lastRv(): number | undefined {
    return this.segments.at(-1)?.lastRv;
  }

  protected begin(how: Segment['how'], startRv: number | undefined): Segment {
    const s: Segment = { how, startRv, events: [], lastRv: startRv, resumes: 0 };
    this.segments.push(s);
    return s;
  }

  /** Problems found while recording (a malformed event); the checker reports them. */
  readonly malformed: string[] = [];
  #count = 0;

  protected push(s: Segment, type: string, key: string, rv: number): void {
    if ((type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') || !Number.isSafeInteger(rv)) {
      if (this.malformed.length < 20) this.malformed.push(`${type} ${key} rv=${rv}`);
      return;
    }
    // The bound: past it the recorder keeps counting but stores nothing more, and the check fails on the count.
    if (++this.#count > MAX_EVENTS_PER_WATCHER) {
      if (this.malformed.length < 20) this.malformed.push(`more than ${MAX_EVENTS_PER_WATCHER} events`);
      return;
    }
    s.events.push({ type, key, rv });
    if (s.lastRv === undefined || rv > s.lastRv) s.lastRv = rv;
  }
}

/** A raw watch stream, as client-go's reflector runs one: list, watch from its RV, resume from the last RV on a close, relist on 410. */
export class RawWatcher extends Recorder implements Watcher {
  readonly kind = 'raw';
  readonly name: string;
  readonly #http: KubeHttp;
  readonly #tally: FailureTally;
  readonly #stop = new AbortController();
  readonly #done: Promise<void>;
  readonly #timeoutSeconds: number;
  /** Failures while the list or watch request was being made, by kind. */
  cleanCloses = 0;

  constructor(name: string, http: KubeHttp, tally: FailureTally, timeoutSeconds: number) {
    super();
    this.name = name;
    this.#http = http;
    this.#tally = tally;
    this.#timeoutSeconds = timeoutSeconds;
    this.#done = this.#run();
  }

  async #list(how: Segment['how']): Promise<Segment | undefined> {
    while (!this.#stop.signal.aborted) {
      const r = await this.#http.call('GET', watchPath(''), undefined, 5_000);
      if (r.ok) {
        const rv = Number((r.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);
        return this.begin(how, rv);
      }
      this.#tally.add('watcher', r.kind, `${r.status ?? ''} ${r.detail}`);
      await sleep(200);
    }
    return undefined;
  }

  async #run(): Promise<void> {
    let seg = await this.#list('list');
    let first = true;
    while (seg !== undefined && !this.#stop.signal.aborted) {
      if (!first) seg.resumes++;
      first = false;
      const s: Segment = seg;
      let gone = false;
      const r = await this.#http.stream(watchPath(`&watch=true&allowWatchBookmarks=true&timeoutSeconds=${this.#timeoutSeconds}&resourceVersion=${s.lastRv}`), (line) => {
        const e = decodeEvent(JSON.parse(line));
        if (e.type === 'BOOKMARK') s.lastRv = e.rv;
        else if (e.type === 'ERROR') gone ||= e.code === 410;
        else this.push(s, e.type, e.key, e.rv);
      }, this.#stop.signal);
      if (r.end === 'aborted') break;
      if (r.end === 'clean' && !gone) this.cleanCloses++;
      if (gone || r.end === 'http-410') {
        this.#tally.add('watcher', 'http-410');
        seg = await this.#list('relist-410');
        first = true;
        continue;
      }
      if (r.end !== 'clean') {
        this.#tally.add('watcher', r.end, `${r.status} ${r.detail}`);
        await sleep(200);
      }
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#done;
  }
}

/** Splits a stream of concatenated (pretty-printed) JSON documents, as `kubectl -o json -w` prints them. */
export class JsonDocuments {
  #buf = '';
  #depth = 0;
  #inString = false;
  #escaped = false;
  #start = -1;

  feed(text: string, onDocument: (doc: unknown) => void): void {
    const base = this.#buf.length;
    this.#buf += text;
    for (let i = base; i < this.#buf.length; i++) {
      const c = this.#buf[i];
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === '"') this.#inString = false;
        continue;
      }
      if (c === '"') this.#inString = true;
      else if (c === '{') {
        if (this.#depth++ === 0) this.#start = i;
      } else if (c === '}' && --this.#depth === 0) {
        onDocument(JSON.parse(this.#buf.slice(this.#start, i + 1)));
        this.#buf = this.#buf.slice(i + 1);
        i = -1;
        this.#start = -1;
      }
    }
    if (this.#depth === 0) this.#buf = '';
  }
}

/** `kubectl get configmaps -A -l … -w --watch-only --output-watch-events -o json`, started again whenever it exits. */
export class KubectlWatcher extends Recorder implements Watcher {
  readonly kind = 'kubectl';
  readonly name: string;
  readonly #kubeconfig: string;
  readonly #server: string | undefined;
  #child: ChildProcess | undefined;
  #stopped = false;
  readonly #done: Promise<void>;
  exits = 0;
  stderr = '';

  constructor(name: string, kubeconfig: string, server: string | undefined) {
    super();
    this.name = name;
    this.#kubeconfig = kubeconfig;
    this.#server = server;
    this.#done = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const seg = this.begin('kubectl-start', undefined);
      const args = [...(this.#server === undefined ? [] : ['--server', this.#server]), 'get', 'configmaps', '-A', '-l', LABEL, '-w', '--watch-only', '--output-watch-events', '-o', 'json'];
      const child = spawn('kubectl', args, { env: kubectlEnv(this.#kubeconfig), stdio: ['ignore', 'pipe', 'pipe'] });
      this.#child = child;
      const docs = new JsonDocuments();
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (t: string) => docs.feed(t, (d) => {
        const e = decodeEvent(d);
        this.push(seg, e.type, e.key, e.rv);
      }));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (t: string) => {
        if (this.stderr.length < 16 * 1024) this.stderr += t;
      });
      await new Promise<void>((r) => child.once('close', () => r()));
      if (this.#stopped) break;
      this.exits++;
      await sleep(300);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#child?.kill('SIGTERM');
    await this.#done;
  }
}

/** A @kubernetes/client-node informer, restarted (resuming from its last RV) after each error it reports. */
export class InformerWatcher extends Recorder implements Watcher {
  readonly kind = 'informer';
  readonly name: string;
  readonly informer: Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>;
  readonly errors: FailureKind[] = [];
  connects = 0;
  #stopped = false;
  readonly #tally: FailureTally;

  constructor(name: string, kubeconfig: string, server: string | undefined, tally: FailureTally) {
    super();
    this.name = name;
    this.#tally = tally;
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    if (server !== undefined) {
      kc.loadFromOptions({ clusters: kc.getClusters().map((c) => ({ ...c, server })), users: kc.getUsers(), contexts: kc.getContexts(), currentContext: kc.getCurrentContext() });
    }
    const api = kc.makeApiClient(CoreV1Api);
    // Each list (the first, and a relist after 410) begins a segment at the list's RV; the adds, updates and
    // deletes the informer synthesizes from a list carry RVs at or below it, which the checker sets apart.
    const list = async (): ReturnType<CoreV1Api['listConfigMapForAllNamespaces']> => {
      const r = await api.listConfigMapForAllNamespaces({ labelSelector: LABEL });
      this.begin(this.segments.length === 0 ? 'list' : 'relist-410', Number(r.metadata?.resourceVersion));
      return r;
    };
    this.informer = makeInformer(kc, '/api/v1/configmaps', list, LABEL);
    const record = (type: EventType) => (o: V1ConfigMap): void => {
      const seg = this.segments.at(-1);
      if (seg === undefined) throw new Error(`${name}: an informer event before its first list`);
      this.push(seg, type, `${o.metadata?.namespace}/${o.metadata?.name}`, Number(o.metadata?.resourceVersion));
    };
    this.informer.on('add', record('ADDED'));
    this.informer.on('update', record('MODIFIED'));
    this.informer.on('delete', record('DELETED'));
    this.informer.on('connect', () => this.connects++);
    this.informer.on('error', (err: unknown) => {
      const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
      const text = `${String(e?.message)} ${String(e?.code)} ${String(e?.cause?.code)}`;
      const kind: FailureKind = text.includes('ECONNREFUSED') ? 'refused' : typeof e?.statusCode === 'number' && e.statusCode >= 500 ? 'http-5xx' : 'reset';
      // (statusCode is only set for a failed list; a watch that fails mid-stream is a reset.)
      this.errors.push(kind);
      this.#tally.add('informer', kind, text);
      if (this.#stopped) return;
      setTimeout(() => {
        if (!this.#stopped) void this.informer.start().catch(() => undefined);
      }, 300);
    });
  }

  async start(): Promise<void> {
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.informer.stop();
  }
}
