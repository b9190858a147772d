// Watch fan-out: `watchers` watch streams on one namespace's ConfigMaps and
// one writer updating ConfigMaps there at `rate` writes/s on a fixed
// schedule (open loop, pacing.ts). The watchers are spread over a few HTTP/2
// sessions: they stand for many clients (kubelets, controllers), not one,
// and one session would also put all 1,000 streams under one connection's
// flow-control window. A sample is one event reaching one watcher, timed
// from the write's response reaching the writer; an event that arrives
// first (the watch cache saw the commit before the writer saw its answer)
// counts as 0 ms and the note says how often. ops/s is events delivered per
// second, up to the last delivery.

import type { KubeSession, KubeWatch } from './kube-session.ts';
import { BenchHttpError } from './kube-session.ts';
import { cpuShare } from '@logbook/bench-kit';
import { dueAtMs, writesDue } from './pacing.ts';
import { LatencySamples, percentile } from '@logbook/bench-kit';
import { readEventHead, writeNumberOf } from './watch-lines.ts';
import type { ConfigMap, Workload, WorkloadContext, WorkloadRun } from './workloads.ts';
import { changedValue, configMapsPath, createConfigMaps, ensureNamespace } from './workloads.ts';

/** Sessions the watchers share by default (each stands for a group of clients). */
export const WATCH_SESSIONS = 10;
/**
 * Writes in flight at most: one second's worth at the 200/s, so a
 * server that answers within a second keeps the schedule. Beyond it the
 * writer falls behind, and the note says by how much.
 */
const WRITER_MAX_IN_FLIGHT = 200;
/** Objects the writer cycles through: more than it has in flight, so two writes never race for one object (no 409s). */
const WRITE_OBJECTS = 1_000;
/** How long watchers may take, after the last write, to receive everything. */
const DRAIN_TIMEOUT_MS = 30_000;

export interface FanOutOptions {
  readonly watchers: number;
  readonly ratePerSec: number;
  /** Sessions the watchers are dealt over (WATCH_SESSIONS if absent); behind HAProxy, a multiple of the replica count spreads them evenly. */
  readonly sessions?: number;
}

interface Watcher {
  watch: KubeWatch | undefined;
  lastRv: number;
  done: () => void;
}

const fmtPercentiles = (s: LatencySamples): string => {
  const sorted = s.sorted();
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`;
};

export function watchFanOutWorkload(o: FanOutOptions): Workload {
  let ns = '';
  const current = new Map<number, ConfigMap>();
  const writer = { writes: 0 };
  return {
    name: `watch fan-out, ${o.ratePerSec} writes/s`,
    inFlight: o.watchers,
    unit: 'event delivered to one watcher',
    prepare: async (ctx) => {
      ns = `${ctx.namespacePrefix}-watch`;
      await ensureNamespace(ctx.session, ns);
      const created = await createConfigMaps(ctx, ns, Array.from({ length: WRITE_OBJECTS }, (_, i) => `w-${i}`));
      created.forEach((c, i) => current.set(i, c));
    },
    run: (ctx, ms) => runOnce(ctx, ms, ns, current, writer, o),
  };
}

/** `writer.writes` counts across runs: it goes into each write's data, so no write repeats an earlier one (an unchanged object is a no-op: no new resourceVersion, no event). */
async function runOnce(ctx: WorkloadContext, durationMs: number, ns: string, current: Map<number, ConfigMap>, writer: { writes: number }, o: FanOutOptions): Promise<WorkloadRun> {
  const sessions: KubeSession[] = [];
  const watchers: Watcher[] = [];
  const sessionCount = o.sessions ?? WATCH_SESSIONS;
  try {
    for (let i = 0; i < sessionCount; i++) sessions.push(await ctx.connect());
    const listed = (await ctx.session.json('GET', `${configMapsPath(ns)}?limit=1`)) as { metadata?: { resourceVersion?: string } };
    const fromRv = listed.metadata?.resourceVersion ?? '';
    if (!/^\d+$/.test(fromRv)) throw new Error(`LIST gave no resourceVersion to watch from (got "${fromRv}")`);

    // Writes of this run by write number: when sent, when the writer saw the answer. Dropped with the run.
    const sentAt = new Map<number, number>();
    const ackAt = new Map<number, number>();
    const samples = new LatencySamples();
    const fromSent = new LatencySamples();
    let early = 0;
    let lastDeliveryAt = 0;
    let lastWrittenRv = Number.POSITIVE_INFINITY;
    // Failed writes and broken watches; missing deliveries are added at the end.
    let errors = 0;
    let firstError: unknown;
    const fail = (e: unknown): void => {
      if (errors++ === 0) firstError = e;
    };

    const finished: Promise<void>[] = [];
    for (let i = 0; i < o.watchers; i++) {
      const w: Watcher = { watch: undefined, lastRv: 0, done: () => {} };
      finished.push(new Promise<void>((resolve) => (w.done = resolve)));
      w.watch = sessions[i % sessionCount]!.watch(`${configMapsPath(ns)}?watch=1&resourceVersion=${fromRv}`, (line) => {
        const now = performance.now();
        let head: ReturnType<typeof readEventHead>;
        try {
          head = readEventHead(line);
        } catch (e) {
          fail(e);
          return;
        }
        if (head.type === 'BOOKMARK') return;
        if (head.type === 'ERROR') {
          fail(new Error(`watch ERROR event: ${line.slice(0, 200)}`));
          return;
        }
        const rv = Number(head.resourceVersion);
        const n = writeNumberOf(line);
        const sent = n === undefined ? undefined : sentAt.get(n);
        if (sent === undefined) {
          fail(new Error(`watch event for no write of this run: ${line.slice(0, 200)}`));
          return;
        }
        const ack = ackAt.get(n!);
        if (ack === undefined) early++;
        samples.add(ack === undefined ? 0 : Math.max(0, now - ack));
        fromSent.add(now - sent);
        lastDeliveryAt = now;
        w.lastRv = rv;
        if (rv >= lastWrittenRv) w.done();
      });
      watchers.push(w);
    }
    await Promise.all(watchers.map((w) => w.watch!.started));
    for (const w of watchers) {
      void w.watch!.ended.then((end) => {
        if (end.kind === 'error') fail(end.error);
        else if (end.kind === 'server-ended' && w.lastRv < lastWrittenRv) fail(new Error('the server ended a watch before it delivered every write'));
        w.done();
      });
    }

    const cpu0 = process.cpuUsage();
    const writes = new LatencySamples();
    const start = performance.now();
    const end = start + durationMs;
    let issued = 0;
    let inFlight = 0;
    let maxBehind = 0;
    let maxRv = 0;
    const pending = new Set<Promise<void>>();
    const write = async (seq: number): Promise<void> => {
      const i = seq % WRITE_OBJECTS;
      const seen = current.get(i)!;
      const n = writer.writes++;
      const body = { ...seen, data: { v: changedValue(n, ctx.value) } };
      const t0 = performance.now();
      sentAt.set(n, t0);
      const r = await ctx.session.request('PUT', `${configMapsPath(ns)}/${seen.metadata.name}`, JSON.stringify(body));
      const now = performance.now();
      if (r.status !== 200) throw new BenchHttpError('status', `watch writer PUT: ${r.status}: ${r.body.toString('utf8').slice(0, 200)}`, { status: r.status });
      const obj = JSON.parse(r.body.toString('utf8')) as ConfigMap;
      const rv = Number(obj.metadata.resourceVersion);
      if (!(rv > Number(seen.metadata.resourceVersion))) throw new Error(`watch writer PUT changed nothing (resourceVersion ${obj.metadata.resourceVersion}): no event to wait for`);
      ackAt.set(n, now);
      writes.add(now - t0);
      maxRv = Math.max(maxRv, rv);
      current.set(i, obj);
    };
    for (let now = performance.now(); now < end; now = performance.now()) {
      const due = writesDue(now - start, o.ratePerSec);
      maxBehind = Math.max(maxBehind, due - issued);
      while (issued < due && inFlight < WRITER_MAX_IN_FLIGHT) {
        inFlight++;
        const p: Promise<void> = write(issued++)
          .catch(fail)
          .finally(() => {
            inFlight--;
            pending.delete(p);
          });
        pending.add(p);
      }
      const wait = Math.max(1, start + dueAtMs(issued, o.ratePerSec) - performance.now());
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, end - performance.now())));
    }
    await Promise.all(pending);
    lastWrittenRv = maxRv;
    for (const w of watchers) if (w.lastRv >= lastWrittenRv) w.done();
    const drained = await Promise.race([
      Promise.all(finished).then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS).unref()),
    ]);
    const expected = o.watchers * writes.count;
    const missing = Math.max(0, expected - samples.count);
    if (missing > 0 || !drained) {
      firstError ??= new Error(`${missing} of ${expected} deliveries missing ${DRAIN_TIMEOUT_MS} ms after the last write`);
    }
    const elapsedMs = Math.max(lastDeliveryAt, end) - start;
    return {
      samples,
      elapsedMs,
      errors: errors + missing,
      firstError,
      clientCpu: cpuShare(cpu0, elapsedMs),
      note: [
        `${((writes.count * o.watchers * 1000) / durationMs).toFixed(0)} events/s offered`,
        `writes ${((writes.count * 1000) / durationMs).toFixed(0)}/s of ${o.ratePerSec}/s scheduled (at most ${Math.max(0, maxBehind - 1)} behind, ${WRITER_MAX_IN_FLIGHT} in flight at most), write latency ${fmtPercentiles(writes)}`,
        `${samples.count > 0 ? ((100 * early) / samples.count).toFixed(1) : '0.0'}% of events reached a watcher before the write's response (counted as 0 ms)`,
        `delivery from the write being sent: ${fmtPercentiles(fromSent)}`,
        `${o.watchers} watchers over ${sessionCount} sessions`,
      ].join('; '),
    };
  } finally {
    for (const w of watchers) w.watch?.close();
    await Promise.all(sessions.map((s) => s.close()));
  }
}
