// Watch delivery: WATCHERS watches on one prefix (on one stream of their own
// client, as one apiserver's watch cache would hold them) and one writer
// putting under the prefix, one put at a time. A sample is one event
// reaching one watcher, timed from the writer's put acknowledgement to the
// watcher receiving it; an event that arrives before its put's ack (the
// member serving the watch applied it first) counts as 0 ms; the note adds
// the latency from the put being sent, which includes the commit. ops/s is
// events delivered per second, over the time until the last one arrived.

import { EtcdClient } from '@logbook/etcd-client';
import type { EtcdWatch } from '@logbook/etcd-client';
import { cpuShare } from '@logbook/bench-kit';
import { LatencySamples, percentile } from '@logbook/bench-kit';
import type { Workload, WorkloadContext, WorkloadRun } from './workloads.ts';
import { prefixEnd } from './workloads.ts';

const WATCHERS = 100;
/** How long watchers may take, after the last put, to receive everything. */
const DRAIN_TIMEOUT_MS = 10_000;

const te = (s: string): Uint8Array => new TextEncoder().encode(s);

function fmtPercentiles(s: LatencySamples): string {
  const sorted = s.sorted();
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`;
}

interface Watcher {
  readonly watch: EtcdWatch;
  maxSeen: number;
}

export function watchDeliveryWorkload(): Workload {
  return {
    name: 'watch delivery, 1 writer',
    inFlight: WATCHERS,
    unit: 'event delivered to a watcher',
    run: (ctx, ms) => runOnce(ctx, ms),
  };
}

async function runOnce(ctx: WorkloadContext, durationMs: number): Promise<WorkloadRun> {
  const prefix = te('/bench/watch/');
  const rangeEnd = prefixEnd(prefix);
  // Room for a whole run's events per watcher: the consumers below never stall.
  const watchClient = EtcdClient.connect({ endpoints: ctx.endpoints, maxBufferedWatchResponses: 1_000_000 });
  try {
    const watchers: Watcher[] = Array.from({ length: WATCHERS }, () => ({ watch: watchClient.watch({ key: prefix, rangeEnd }), maxSeen: 0 }));
    await Promise.all(watchers.map((w) => w.watch.created));

    // One entry per acknowledged put of this run; dropped with the run.
    const ackAt = new Map<number, number>();
    const sentAt = new Map<number, number>();
    const samples = new LatencySamples();
    const fromSend = new LatencySamples();
    let early = 0;
    let lastRevision = Number.POSITIVE_INFINITY;
    let lastDeliveryAt = 0;
    let errors = 0;
    let firstError: unknown;
    const fail = (e: unknown): void => {
      if (errors++ === 0) firstError = e;
    };
    const finishIfCaughtUp = (w: Watcher): void => {
      if (w.maxSeen >= lastRevision) void w.watch.cancel();
    };
    const consumers = watchers.map(async (w) => {
      for await (const r of w.watch) {
        const now = performance.now();
        for (const e of r.events) {
          const ack = ackAt.get(e.kv.modRevision);
          if (ack === undefined) early++;
          samples.add(ack === undefined ? 0 : Math.max(0, now - ack));
          const sent = sentAt.get(e.kv.modRevision);
          if (sent !== undefined) fromSend.add(now - sent);
          w.maxSeen = Math.max(w.maxSeen, e.kv.modRevision);
        }
        lastDeliveryAt = now;
        finishIfCaughtUp(w);
      }
    }).map((p) => p.catch(fail));

    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const end = start + durationMs;
    let writes = 0;
    let maxRevision = 0;
    for (let seq = 0; performance.now() < end; seq++) {
      try {
        const t0 = performance.now();
        const r = await ctx.client.put({ key: te(`/bench/watch/${seq % WATCHERS}`), value: ctx.value });
        ackAt.set(r.response.header.revision, performance.now());
        sentAt.set(r.response.header.revision, t0);
        maxRevision = Math.max(maxRevision, r.response.header.revision);
        writes++;
      } catch (e) {
        fail(e);
      }
    }
    lastRevision = maxRevision;
    for (const w of watchers) finishIfCaughtUp(w);
    const drained = await Promise.race([
      Promise.all(consumers).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS).unref()),
    ]);
    const missing = WATCHERS * writes - samples.count;
    if (!drained || missing > 0) fail(new Error(`${missing} of ${WATCHERS * writes} deliveries missing ${DRAIN_TIMEOUT_MS} ms after the last put`));
    const elapsedMs = Math.max(lastDeliveryAt, end) - start;
    return {
      samples,
      elapsedMs,
      errors,
      firstError,
      clientCpu: cpuShare(cpu0, elapsedMs),
      note: `${writes} puts; ${samples.count > 0 ? ((100 * early) / samples.count).toFixed(1) : '0.0'}% delivered before the put's ack; from put sent: ${fmtPercentiles(fromSend)}`,
    };
  } finally {
    watchClient.close();
  }
}
