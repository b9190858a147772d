// The benchmark's one table and the notes under it. The client is this one
// Node process: a row whose client CPU share reached CLIENT_LIMIT_CPU was
// limited by the client, not the apiserver, and its note says so.

import type { PeakRss } from './proc-memory.ts';
import type { RunSummary } from '@logbook/bench-kit';

/** One core busy (less scheduler noise): the client, not the server, set the pace. */
export const CLIENT_LIMIT_CPU = 0.9;

export type RowResult =
  | {
      readonly ok: true;
      readonly summary: RunSummary;
      readonly errors: number;
      readonly clientCpu: number;
      readonly note: string;
      /** The apiserver's peak RSS over the warm-up and measured runs; undefined when not measured (--endpoints). */
      readonly peakRss: PeakRss | undefined;
    }
  | { readonly ok: false; readonly reason: string };

export interface Row {
  readonly workload: string;
  readonly inFlight: number;
  readonly result: RowResult;
}

const fmtOps = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '-');
const fmtMs = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '-');
/** MiB; '~' marks a sampled peak, which can miss a spike shorter than the sampling interval. */
export const fmtRss = (p: PeakRss | undefined): string => (p === undefined ? '-' : `${p.source === 'sampled' ? '~' : ''}${(p.bytes / (1 << 20)).toFixed(0)}`);

export function formatTable(rows: readonly Row[]): string {
  const header = ['workload', 'in flight', 'ops/s', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'client cpu', 'errors'];
  const body = rows.map((row) => {
    const r = row.result;
    if (!r.ok) return [row.workload, String(row.inFlight), '-', '-', '-', '-', '-', 'failed'];
    return [
      row.workload,
      String(row.inFlight),
      fmtOps(r.summary.opsPerSec),
      fmtMs(r.summary.p50Ms),
      fmtMs(r.summary.p99Ms),
      fmtRss(r.peakRss),
      `${(100 * r.clientCpu).toFixed(0)}%`,
      String(r.errors),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** One line per row that has something to say: failure, workload note, errors, a client-bound measurement. */
export function formatNotes(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const r = row.result;
    if (!r.ok) {
      lines.push(`${row.workload}: failed: ${r.reason}`);
      continue;
    }
    const parts = [
      r.note,
      r.errors > 0 ? `${r.errors} errors` : '',
      r.clientCpu >= CLIENT_LIMIT_CPU ? `client cpu ${(100 * r.clientCpu).toFixed(0)}%: the client was the limit, the server may do more` : '',
    ].filter((p) => p !== '');
    if (parts.length > 0) lines.push(`${row.workload}: ${parts.join('; ')}`);
  }
  return lines;
}
