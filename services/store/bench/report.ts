// The benchmark's table. With two targets each number has a ratio column
// oriented so that > 1 always means Logbook does better: logbook/etcd for
// ops/s, etcd/logbook for latency.

import type { RunSummary } from '@logbook/bench-kit';

export interface Row {
  readonly workload: string;
  readonly inFlight: number;
  /** Per target name: the median over runs, or why there is none. */
  readonly results: ReadonlyMap<string, RowResult>;
}

export type RowResult =
  | { readonly ok: true; readonly summary: RunSummary; readonly errors: number; readonly clientCpu: number; readonly note: string }
  | { readonly ok: false; readonly reason: string };

const fmtOps = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');
const fmtMs = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '-');
const fmtRatio = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-');

function cellsFor(r: RowResult | undefined): { ops: number; p50: number; p99: number } {
  return r?.ok === true ? { ops: r.summary.opsPerSec, p50: r.summary.p50Ms, p99: r.summary.p99Ms } : { ops: NaN, p50: NaN, p99: NaN };
}

function layout(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Comparison of `a` against `b` (e.g. logbook vs etcd), or a single target's table when `b` is undefined. */
export function formatTable(rows: readonly Row[], a: string, b: string | undefined): string {
  if (b === undefined) {
    const header = ['workload', 'in flight', `${a} ops/s`, 'p50 ms', 'p99 ms', 'client cpu', 'errors'];
    const body = rows.map((row) => {
      const r = row.results.get(a);
      const c = cellsFor(r);
      return [row.workload, String(row.inFlight), fmtOps(c.ops), fmtMs(c.p50), fmtMs(c.p99), r?.ok === true ? `${(100 * r.clientCpu).toFixed(0)}%` : '-', r?.ok === true ? String(r.errors) : 'failed'];
    });
    return layout(header, body);
  }
  const header = ['workload', 'in flight', `${a} ops/s`, `${b} ops/s`, 'ratio', `${a} p50`, `${b} p50`, 'ratio', `${a} p99`, `${b} p99`, 'ratio'];
  const body = rows.map((row) => {
    const x = cellsFor(row.results.get(a));
    const y = cellsFor(row.results.get(b));
    return [
      row.workload,
      String(row.inFlight),
      fmtOps(x.ops),
      fmtOps(y.ops),
      fmtRatio(x.ops / y.ops),
      fmtMs(x.p50),
      fmtMs(y.p50),
      fmtRatio(y.p50 / x.p50),
      fmtMs(x.p99),
      fmtMs(y.p99),
      fmtRatio(y.p99 / x.p99),
    ];
  });
  return layout(header, body);
}

/**
 * Failures, errors and workload notes, one line per target and workload.
 * The comparison table has no room for the client's CPU share, so with
 * several targets it goes here.
 */
export function formatNotes(rows: readonly Row[], targets: readonly string[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    for (const t of targets) {
      const r = row.results.get(t);
      if (r === undefined) continue;
      if (!r.ok) {
        lines.push(`${t} / ${row.workload}: failed: ${r.reason}`);
        continue;
      }
      const cpu = targets.length > 1 ? `client cpu ${(100 * r.clientCpu).toFixed(0)}%` : '';
      const parts = [r.note, r.errors > 0 ? `${r.errors} errors` : '', cpu].filter((p) => p !== '');
      if (parts.length > 0) lines.push(`${t} / ${row.workload}: ${parts.join('; ')}`);
    }
  }
  return lines;
}
