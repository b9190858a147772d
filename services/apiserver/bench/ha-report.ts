// The table of `npm run bench:ha`: one row per measured quantity, a column
// for 1 replica, one for 3 replicas, and their ratio 3/1, each from the same
// session on the same machine (shared, noisy machines are compared within a
// run, never across runs). Whether a higher ratio is good depends on the
// row: throughput wants it above 1, latency and outage below.

import type { FailoverSummary } from './failover-tally.ts';
import type { RowResult } from './report.ts';
import { CLIENT_LIMIT_CPU } from './report.ts';

export type MetricKind = 'ops' | 'ms' | 'count';

export interface HaMetric {
  readonly metric: string;
  readonly kind: MetricKind;
  readonly better: 'higher' | 'lower';
  /** undefined: not measured (the workload failed, or the quantity does not exist in that run). */
  readonly one: number | undefined;
  readonly three: number | undefined;
}

export type FailoverSide = { readonly ok: true; readonly summary: FailoverSummary } | { readonly ok: false; readonly reason: string };

/** What one cluster size produced. */
export interface SideResults {
  readonly get: RowResult;
  readonly create: RowResult;
  readonly watch: RowResult;
  readonly failover: FailoverSide;
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/** three / one; undefined when either is missing or one is 0 (no ratio to speak of). */
export function ratio(one: number | undefined, three: number | undefined): number | undefined {
  if (!finite(one) || !finite(three) || one === 0) return undefined;
  return three / one;
}

export function fmtValue(kind: MetricKind, v: number | undefined): string {
  if (!finite(v)) return '-';
  switch (kind) {
    case 'ops':
      return v.toFixed(0);
    case 'ms':
      return v < 10 ? v.toFixed(2) : v.toFixed(1);
    case 'count':
      return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }
}

const fmtRatio = (r: number | undefined): string => (r === undefined ? '-' : r.toFixed(2));

function requestMetrics(name: string, opsName: string, latencyName: string, one: RowResult, three: RowResult): HaMetric[] {
  const pick = (r: RowResult, f: (s: { opsPerSec: number; p50Ms: number; p99Ms: number }) => number): number | undefined => (r.ok ? f(r.summary) : undefined);
  return [
    { metric: `${name}: ${opsName}`, kind: 'ops', better: 'higher', one: pick(one, (s) => s.opsPerSec), three: pick(three, (s) => s.opsPerSec) },
    { metric: `${name}: ${latencyName} p50 ms`, kind: 'ms', better: 'lower', one: pick(one, (s) => s.p50Ms), three: pick(three, (s) => s.p50Ms) },
    { metric: `${name}: ${latencyName} p99 ms`, kind: 'ms', better: 'lower', one: pick(one, (s) => s.p99Ms), three: pick(three, (s) => s.p99Ms) },
  ];
}

export interface HaShape {
  readonly inFlight: number;
  readonly watchers: number;
  readonly watchRatePerSec: number;
}

export function haMetrics(one: SideResults, three: SideResults, shape: HaShape): HaMetric[] {
  const fo = (s: SideResults, f: (x: FailoverSummary) => number): number | undefined => (s.failover.ok ? f(s.failover.summary) : undefined);
  const failover = (metric: string, kind: MetricKind, f: (x: FailoverSummary) => number): HaMetric => ({ metric, kind, better: 'lower', one: fo(one, f), three: fo(three, f) });
  return [
    ...requestMetrics(`GET one object (${shape.inFlight} in flight)`, 'ops/s', 'latency', one.get, three.get),
    ...requestMetrics(`CREATE (${shape.inFlight} in flight)`, 'ops/s', 'latency', one.create, three.create),
    ...requestMetrics(`watch ${shape.watchers} watchers x ${shape.watchRatePerSec} writes/s`, 'events/s delivered', 'delivery', one.watch, three.watch),
    failover('failover: kill -> first success ms, median', 'ms', (x) => x.firstSuccessMedianMs),
    failover('failover: kill -> first success ms, worst run', 'ms', (x) => x.firstSuccessMaxMs),
    failover('failover: kill -> all clients served ms, median', 'ms', (x) => x.allRecoveredMedianMs),
    failover('failover: kill -> all clients served ms, worst run', 'ms', (x) => x.allRecoveredMaxMs),
    failover('failover: failed requests + broken connections per kill, median', 'count', (x) => x.failedMedian),
  ];
}

export function formatHaTable(rows: readonly HaMetric[]): string {
  const header = ['metric', '1 replica', '3 replicas', '3/1', 'better'];
  const body = rows.map((r) => [r.metric, fmtValue(r.kind, r.one), fmtValue(r.kind, r.three), fmtRatio(ratio(r.one, r.three)), r.better]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** One line per side and workload that has something to say: failures, workload notes, errors, a client-bound run. */
export function haNotes(sides: readonly { readonly label: string; readonly results: SideResults }[]): string[] {
  const lines: string[] = [];
  for (const { label, results } of sides) {
    for (const [name, r] of [['GET', results.get], ['CREATE', results.create], ['watch', results.watch]] as const) {
      if (!r.ok) {
        lines.push(`${label}, ${name}: failed: ${r.reason}`);
        continue;
      }
      const parts = [
        r.note,
        r.errors > 0 ? `${r.errors} errors` : '',
        `client cpu ${(100 * r.clientCpu).toFixed(0)}%${r.clientCpu >= CLIENT_LIMIT_CPU ? ': the client was the limit' : ''}`,
      ].filter((p) => p !== '');
      lines.push(`${label}, ${name}: ${parts.join('; ')}`);
    }
    const f = results.failover;
    if (!f.ok) lines.push(`${label}, failover: failed: ${f.reason}`);
    else {
      const s = f.summary;
      const parts = [`${s.runsWithOutage} of ${s.runs} kills cut clients off`];
      if (s.unrecovered > 0) parts.push(`${s.unrecovered} clients never served again within the bound`);
      lines.push(`${label}, failover: ${parts.join('; ')}`);
    }
  }
  return lines;
}
