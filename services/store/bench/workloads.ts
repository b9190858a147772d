// The store benchmark's workloads (the list), each a closed loop over
// one EtcdClient that spreads calls round-robin over every member, as
// kube-apiserver's client does. Values are `--value-bytes` long.

import type { EtcdClient } from '@logbook/etcd-client';
import type { KeyValue } from '@logbook/mvcc';
import type { LoadResult } from '@logbook/bench-kit';
import { closedLoop } from '@logbook/bench-kit';
import { watchDeliveryWorkload } from './watch-workload.ts';

export interface WorkloadContext {
  readonly client: EtcdClient;
  /** Every member's endpoint (host:port). */
  readonly endpoints: readonly string[];
  readonly value: Uint8Array;
}

export interface WorkloadRun extends LoadResult {
  /** Workload-specific detail for the report, e.g. CAS conflicts per update. */
  readonly note?: string;
}

export interface Workload {
  readonly name: string;
  /** Operations kept in flight (the watch workload: watchers). */
  readonly inFlight: number;
  /** What one operation is, for the table's legend. */
  readonly unit: string;
  /** Once per target, before the warm-up run. */
  prepare?(ctx: WorkloadContext): Promise<void>;
  run(ctx: WorkloadContext, durationMs: number): Promise<WorkloadRun>;
}

const te = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The rangeEnd that selects every key under `prefix`. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice();
  let i = end.length - 1;
  while (i >= 0 && end[i] === 0xff) i--;
  if (i < 0) return new Uint8Array([0]);
  end[i]!++;
  return end.subarray(0, i + 1);
}

/** Distinct keys cycled by the put workloads (a bounded keyspace, as a real cluster's). */
const PUT_KEYSPACE = 10_000;
const PREFIX_KEYS = 10_000;
/** Puts per preload txn (etcd's default --max-txn-ops is 128). */
const PRELOAD_BATCH = 100;
const CAS_KEYS = 8;
const CAS_WORKERS = 16;
const CAS_MAX_ATTEMPTS = 1_000;
const READ_IN_FLIGHT = 64;

function putWorkload(inFlight: number): Workload {
  return {
    name: inFlight === 1 ? 'put, sequential' : `put, ${inFlight} in flight`,
    inFlight,
    unit: 'put',
    run: (ctx, ms) =>
      closedLoop(inFlight, ms, async (_w, seq) => {
        await ctx.client.put({ key: te(`/bench/put/${seq % PUT_KEYSPACE}`), value: ctx.value });
      }),
  };
}

function singleKeyRange(serializable: boolean): Workload {
  const key = te('/bench/range/one');
  return {
    name: `range 1 key, ${serializable ? 'serializable' : 'linearizable'}`,
    inFlight: READ_IN_FLIGHT,
    unit: 'range',
    prepare: async (ctx) => {
      await ctx.client.put({ key, value: ctx.value });
    },
    run: (ctx, ms) =>
      closedLoop(READ_IN_FLIGHT, ms, async () => {
        const r = await ctx.client.range({ key, serializable });
        if (r.response.count !== 1) throw new Error(`range of one key found ${r.response.count}`);
      }),
  };
}

function prefixRange(): Workload {
  const prefix = te('/bench/prefix/');
  const rangeEnd = prefixEnd(prefix);
  return {
    name: `range ${PREFIX_KEYS} keys (prefix)`,
    inFlight: 1,
    unit: 'range',
    prepare: async (ctx) => {
      const batches = Math.ceil(PREFIX_KEYS / PRELOAD_BATCH);
      let next = 0;
      const loaders = Array.from({ length: 8 }, async () => {
        while (next < batches) {
          const b = next++;
          const success = Array.from({ length: Math.min(PRELOAD_BATCH, PREFIX_KEYS - b * PRELOAD_BATCH) }, (_, i) => ({
            type: 'put' as const,
            request: { key: te(`/bench/prefix/${String(b * PRELOAD_BATCH + i).padStart(5, '0')}`), value: ctx.value },
          }));
          await ctx.client.txn({ success });
        }
      });
      await Promise.all(loaders);
      const check = await ctx.client.range({ key: prefix, rangeEnd, countOnly: true });
      if (check.response.count !== PREFIX_KEYS) throw new Error(`preloaded ${check.response.count} keys under the prefix, want ${PREFIX_KEYS}`);
    },
    run: (ctx, ms) =>
      closedLoop(1, ms, async () => {
        const r = await ctx.client.range({ key: prefix, rangeEnd });
        if (r.response.kvs.length !== PREFIX_KEYS) throw new Error(`prefix range returned ${r.response.kvs.length} keys`);
      }),
  };
}

/**
 * Optimistic concurrency as kube-apiserver's GuaranteedUpdate does it: read
 * the key, then Txn(mod_revision == read) put; on conflict the failure
 * branch returns the current value and the update retries from it. One
 * operation is one successful update, its latency includes its retries.
 */
function casWorkload(): Workload {
  const keys = Array.from({ length: CAS_KEYS }, (_, i) => te(`/bench/cas/${i}`));
  return {
    name: `txn CAS on ${CAS_KEYS} keys`,
    inFlight: CAS_WORKERS,
    unit: 'successful update',
    prepare: async (ctx) => {
      for (const key of keys) await ctx.client.put({ key, value: ctx.value });
    },
    run: async (ctx, ms) => {
      let conflicts = 0;
      const result = await closedLoop(CAS_WORKERS, ms, async (_w, seq) => {
        const key = keys[seq % CAS_KEYS]!;
        let kv: KeyValue | undefined = (await ctx.client.range({ key, serializable: true })).response.kvs[0];
        for (let attempt = 1; attempt <= CAS_MAX_ATTEMPTS; attempt++) {
          if (kv === undefined) throw new Error('CAS key is missing');
          const r = await ctx.client.txn({
            compare: [{ key, target: 'MOD', result: 'EQUAL', modRevision: kv.modRevision }],
            success: [{ type: 'put', request: { key, value: ctx.value } }],
            failure: [{ type: 'range', request: { key } }],
          });
          if (r.response.succeeded) return;
          conflicts++;
          const current = r.response.responses[0];
          kv = current?.type === 'range' ? current.response.kvs[0] : undefined;
        }
        throw new Error(`CAS gave up after ${CAS_MAX_ATTEMPTS} conflicts`);
      });
      const updates = result.samples.count;
      return { ...result, note: `${(updates > 0 ? conflicts / updates : 0).toFixed(2)} conflicts/update` };
    },
  };
}

/** Every workload, in report order; names are unique (they key the results). */
/** Before a target's first workload: puts at 64 in flight, on the put workloads' keys. */
export function warmupWorkload(): Workload {
  return putWorkload(64);
}

export function allWorkloads(): readonly Workload[] {
  const all = [putWorkload(1), putWorkload(64), putWorkload(256), singleKeyRange(false), singleKeyRange(true), prefixRange(), casWorkload(), watchDeliveryWorkload()];
  if (new Set(all.map((w) => w.name)).size !== all.length) throw new Error('bench: workload names must be unique');
  return all;
}
