// The request workloads of `npm run bench:apiserver` (the list, the
// watch fan-out is in watch-fan-out.ts): each a closed loop over one HTTP/2
// session, on ConfigMaps whose data is one `--value-bytes` string, each
// workload in a namespace of its own so that no LIST sees another's objects.

import type { LoadResult } from '@logbook/bench-kit';
import { closedLoop } from '@logbook/bench-kit';
import type { KubeRequester, KubeSession } from './kube-session.ts';
import { BenchHttpError } from './kube-session.ts';
import { median } from '@logbook/bench-kit';

export interface WorkloadContext {
  /** The client every request workload shares: one session (one client, many streams), or a SessionSpread. */
  readonly session: KubeRequester;
  /** A further session, for workloads that stand for many clients (the watchers). */
  readonly connect: () => Promise<KubeSession>;
  /** Namespaces the bench creates all start with this (unique per bench run). */
  readonly namespacePrefix: string;
  /** The ConfigMaps' one data value. */
  readonly value: string;
}

export interface WorkloadRun extends LoadResult {
  /** Workload detail for the report: response bytes, conflicts, watch delivery. */
  readonly note?: string;
}

export interface Workload {
  readonly name: string;
  /** Requests kept in flight (the watch fan-out: watchers). */
  readonly inFlight: number;
  /** What one operation is, for the table's legend. */
  readonly unit: string;
  /** Once, before the warm-up run; not measured. */
  prepare?(ctx: WorkloadContext): Promise<void>;
  run(ctx: WorkloadContext, durationMs: number): Promise<WorkloadRun>;
}

const REQUEST_IN_FLIGHT = 64;
const PREPARE_IN_FLIGHT = 64;
const UPDATE_OBJECTS = 1_000;
/** An update that conflicts this often in a row is a server bug, not contention. */
const UPDATE_MAX_ATTEMPTS = 100;

export interface ConfigMap {
  readonly apiVersion: 'v1';
  readonly kind: 'ConfigMap';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly data: Readonly<Record<string, string>>;
}

export function configMap(namespace: string, name: string, value: string): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { v: value } };
}

/**
 * A value of `value`'s length that no earlier write had: `n` (a counter
 * that never repeats within a bench) in front. A PUT that changes nothing
 * is a no-op in Kubernetes (no new resourceVersion, no watch event), so
 * every update must change the object.
 */
export function changedValue(n: number, value: string): string {
  const prefix = `${n} `;
  return prefix.length >= value.length ? prefix : prefix + value.slice(prefix.length);
}

export const configMapsPath = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;

/** Creates the namespace; one that exists already is fine. */
export async function ensureNamespace(session: KubeRequester, name: string): Promise<void> {
  const r = await session.request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  if (r.status !== 201 && r.status !== 409) throw new BenchHttpError('status', `create namespace ${name}: ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`, { status: r.status });
}

/** Creates `names` in `ns`, PREPARE_IN_FLIGHT at a time; returns the created objects. */
export async function createConfigMaps(ctx: WorkloadContext, ns: string, names: readonly string[]): Promise<ConfigMap[]> {
  const created: ConfigMap[] = new Array<ConfigMap>(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const i = next++;
      created[i] = (await ctx.session.json('POST', configMapsPath(ns), configMap(ns, names[i]!, ctx.value))) as ConfigMap;
    }
  };
  await Promise.all(Array.from({ length: PREPARE_IN_FLIGHT }, worker));
  return created;
}

function expectStatus(r: { status: number; body: Buffer }, want: number, what: string): void {
  if (r.status !== want) throw new BenchHttpError('status', `${what}: ${r.status}, want ${want}: ${r.body.toString('utf8').slice(0, 200)}`, { status: r.status });
}

export function getOneWorkload(): Workload {
  let ns = '';
  return {
    name: 'GET one object',
    inFlight: REQUEST_IN_FLIGHT,
    unit: 'GET of one ConfigMap',
    prepare: async (ctx) => {
      ns = `${ctx.namespacePrefix}-get`;
      await ensureNamespace(ctx.session, ns);
      await createConfigMaps(ctx, ns, ['one']);
    },
    run: (ctx, ms) =>
      closedLoop(REQUEST_IN_FLIGHT, ms, async () => {
        expectStatus(await ctx.session.request('GET', `${configMapsPath(ns)}/one`), 200, 'GET');
      }),
  };
}

function list(objects: number): Workload {
  let ns = '';
  return {
    name: `LIST ${objects.toLocaleString('en-US')} objects`,
    inFlight: 1,
    unit: `LIST of a namespace holding ${objects} ConfigMaps`,
    prepare: async (ctx) => {
      ns = `${ctx.namespacePrefix}-list-${objects}`;
      await ensureNamespace(ctx.session, ns);
      await createConfigMaps(ctx, ns, Array.from({ length: objects }, (_, i) => `cm-${String(i).padStart(5, '0')}`));
    },
    run: async (ctx, ms) => {
      const sizes: number[] = [];
      const result = await closedLoop(1, ms, async (_w, seq) => {
        const r = await ctx.session.request('GET', configMapsPath(ns));
        expectStatus(r, 200, 'LIST');
        sizes.push(r.body.length);
        // Checked once a run: a full parse of 10,000 items costs the client tens of ms, inside the timed request.
        if (seq === 0) {
          const items = (JSON.parse(r.body.toString('utf8')) as { items?: unknown[] }).items?.length;
          if (items !== objects) throw new Error(`LIST returned ${items} items, want ${objects}`);
        }
      });
      return { ...result, note: `response ${(median(sizes) / 1e6).toFixed(2)} MB (${Math.round(median(sizes) / objects)} B/object)` };
    },
  };
}

export function createWorkload(): Workload {
  let ns = '';
  let runs = 0;
  return {
    name: 'CREATE',
    inFlight: REQUEST_IN_FLIGHT,
    unit: 'POST of a new ConfigMap',
    prepare: async (ctx) => {
      ns = `${ctx.namespacePrefix}-create`;
      await ensureNamespace(ctx.session, ns);
    },
    run: (ctx, ms) => {
      const run = runs++;
      return closedLoop(REQUEST_IN_FLIGHT, ms, async (_w, seq) => {
        expectStatus(await ctx.session.request('POST', configMapsPath(ns), JSON.stringify(configMap(ns, `c-${run}-${seq}`, ctx.value))), 201, 'CREATE');
      });
    },
  };
}

/**
 * PUT of the object as last seen, as a client that read it does. One
 * operation is one successful update; a 409 (another worker changed the
 * object since) is counted, the object re-read and the PUT retried, as
 * client-go's RetryOnConflict does, and the latency includes the retries.
 */
function update(): Workload {
  let ns = '';
  const current = new Map<number, ConfigMap>();
  let writes = 0;
  return {
    name: 'UPDATE',
    inFlight: REQUEST_IN_FLIGHT,
    unit: `successful PUT of one of ${UPDATE_OBJECTS} ConfigMaps`,
    prepare: async (ctx) => {
      ns = `${ctx.namespacePrefix}-update`;
      await ensureNamespace(ctx.session, ns);
      const created = await createConfigMaps(ctx, ns, Array.from({ length: UPDATE_OBJECTS }, (_, i) => `u-${i}`));
      created.forEach((o, i) => current.set(i, o));
    },
    run: async (ctx, ms) => {
      let conflicts = 0;
      const result = await closedLoop(REQUEST_IN_FLIGHT, ms, async (_w, seq) => {
        const i = seq % UPDATE_OBJECTS;
        for (let attempt = 1; attempt <= UPDATE_MAX_ATTEMPTS; attempt++) {
          const seen = current.get(i)!;
          const path = `${configMapsPath(ns)}/${seen.metadata.name}`;
          const r = await ctx.session.request('PUT', path, JSON.stringify({ ...seen, data: { v: changedValue(writes++, ctx.value) } }));
          if (r.status === 200) {
            const updated = JSON.parse(r.body.toString('utf8')) as ConfigMap;
            if (updated.metadata.resourceVersion === seen.metadata.resourceVersion) throw new Error(`UPDATE of ${path} changed nothing`);
            current.set(i, updated);
            return;
          }
          expectStatus(r, 409, 'UPDATE');
          conflicts++;
          current.set(i, (await ctx.session.json('GET', path)) as ConfigMap);
        }
        throw new Error(`UPDATE gave up after ${UPDATE_MAX_ATTEMPTS} conflicts`);
      });
      return { ...result, note: `${conflicts} 409 Conflict (${(result.samples.count > 0 ? conflicts / result.samples.count : 0).toFixed(3)}/update)` };
    },
  };
}

/** The request workloads in report order; the watch fan-out is added by the caller. */
export function requestWorkloads(): Workload[] {
  return [getOneWorkload(), list(1_000), list(10_000), createWorkload(), update()];
}
