// The apiserver's Prometheus metrics under upstream names and labels, so
// kube-apiserver dashboards and alerts work unchanged. One Registry per
// server instance (never prom-client's global), so tests and several servers
// in one process stay apart.
//
// Label cardinality is bounded by the caller: record only requests that
// reached a served route (kube instruments installed routes only), so
// group/version/resource come from the catalogue, not from arbitrary URLs.

import type { RequestInfo } from '@logbook/apimachinery';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResponseSink } from './http-types.ts';

export const APISERVER_COMPONENT = 'apiserver';

/** Upstream's apiserver_request_duration_seconds buckets. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export const INFLIGHT_REQUEST_KINDS = ['readOnly', 'mutating'] as const;
export type InflightRequestKind = (typeof INFLIGHT_REQUEST_KINDS)[number];

export type MetricScope = '' | 'cluster' | 'namespace' | 'resource';

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const LONGRUNNING_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

const VALID_VERBS: ReadonlySet<string> = new Set(['APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST', 'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST']);
const CONNECT_SUBRESOURCES: ReadonlySet<string> = new Set(['exec', 'attach', 'portforward', 'proxy']);
const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/** What a request was, for metric labels. */
export interface RequestFacts {
  readonly info: RequestInfo;
  readonly query: URLSearchParams;
  /** The request's Content-Type (distinguishes APPLY from PATCH). */
  readonly contentType?: string | undefined;
}

/** kube's CleanScope: `resource` for a named object (and every create), else namespace, else cluster; '' for non-resource paths. */
export function metricScope(info: RequestInfo): MetricScope {
  if (!info.isResourceRequest) return '';
  if (info.name !== '' || info.verb === 'create') return 'resource';
  if (info.namespace !== '') return 'namespace';
  return 'cluster';
}

/**
 * The verb label: the route's verb as kube's installer names it (GET, LIST,
 * WATCH, POST, PUT, PATCH, DELETE, DELETECOLLECTION, CONNECT, PROXY), PATCH
 * with an apply body as APPLY; anything unknown is `other`.
 */
export function metricVerb(f: RequestFacts): string {
  const { info } = f;
  let verb: string;
  if (!info.isResourceRequest) {
    const m = info.verb.toUpperCase();
    verb = m === 'HEAD' ? 'GET' : m;
  } else if (CONNECT_SUBRESOURCES.has(info.subresource) && info.verb !== 'proxy') {
    verb = 'CONNECT';
  } else {
    switch (info.verb) {
      case 'get': verb = 'GET'; break;
      case 'list': verb = isWatchQuery(f.query) ? 'WATCH' : 'LIST'; break;
      case 'watch': verb = 'WATCH'; break;
      case 'create': verb = 'POST'; break;
      case 'update': verb = 'PUT'; break;
      case 'patch': verb = mediaTypeOf(f.contentType) === APPLY_PATCH_TYPE ? 'APPLY' : 'PATCH'; break;
      case 'delete': verb = 'DELETE'; break;
      case 'deletecollection': verb = 'DELETECOLLECTION'; break;
      case 'proxy': verb = 'PROXY'; break;
      case '': verb = ''; break;
    }
  }
  return VALID_VERBS.has(verb) ? verb : 'other';
}

function isWatchQuery(q: URLSearchParams): boolean {
  const v = q.get('watch');
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** kube's dry_run label: '' when absent, the sorted distinct values when valid (only `All`), else `invalid`. */
export function metricDryRun(query: URLSearchParams): string {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) return 'invalid';
  return [...new Set(values)].sort().join(',');
}

interface RouteLabels {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
}

function routeLabels(info: RequestInfo): RouteLabels {
  // Non-resource requests carry their path as subresource, as upstream does.
  if (!info.isResourceRequest) return { group: '', version: '', resource: '', subresource: info.path };
  return { group: info.apiGroup, version: info.apiVersion, resource: info.resource, subresource: info.subresource };
}

export class ApiserverMetrics {
  readonly registry: Registry;
  readonly #requests: Counter<string>;
  readonly #durations: Histogram<string>;
  readonly #inflight: Gauge<string>;
  readonly #watchEvents: Counter<string>;
  readonly #longRunning: Gauge<string>;

  constructor() {
    this.registry = new Registry();
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: [...REQUEST_LABELS, 'code'],
      registers,
    });
    this.#durations = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: REQUEST_LABELS,
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    });
    this.#inflight = new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers,
    });
    this.#watchEvents = new Counter({
      name: 'apiserver_watch_events_total',
      help: 'Number of events sent in watch clients',
      labelNames: ['group', 'version', 'resource'],
      registers,
    });
    this.#longRunning = new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
      labelNames: LONGRUNNING_LABELS,
      registers,
    });
    for (const kind of INFLIGHT_REQUEST_KINDS) this.#inflight.set({ request_kind: kind }, 0);
  }

  /** Counts one finished request and observes its duration. */
  recordRequest(f: RequestFacts, code: number, durationSeconds: number): void {
    if (!Number.isInteger(code) || code < 100 || code > 999) throw new RangeError(`recordRequest: bad HTTP code ${code}`);
    const labels = { verb: metricVerb(f), dry_run: metricDryRun(f.query), ...routeLabels(f.info), scope: metricScope(f.info), component: APISERVER_COMPONENT };
    this.#requests.inc({ ...labels, code: String(code) });
    this.#durations.observe(labels, Math.max(0, durationSeconds));
  }

  /** Marks a long-running request (watch, exec, ...) open; call the returned function once when it ends. */
  trackLongRunning(f: RequestFacts): () => void {
    const labels = { verb: metricVerb(f), ...routeLabels(f.info), scope: metricScope(f.info), component: APISERVER_COMPONENT };
    this.#longRunning.inc(labels);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.#longRunning.dec(labels);
    };
  }

  setInflight(readOnly: number, mutating: number): void {
    this.#inflight.set({ request_kind: 'readOnly' }, readOnly);
    this.#inflight.set({ request_kind: 'mutating' }, mutating);
  }

  watchEvent(group: string, version: string, resource: string): void {
    this.#watchEvents.inc({ group, version, resource });
  }

  /** The Prometheus text exposition of this registry. */
  async serveMetrics(res: ResponseSink): Promise<void> {
    const body = await this.registry.metrics();
    res.statusCode = 200;
    res.setHeader('Content-Type', this.registry.contentType);
    res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
    res.end(Buffer.from(body, 'utf8'));
  }
}
