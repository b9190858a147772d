// `npm run bench:store`: the store's etcd v3 API under the issue's
// workloads, Logbook against real etcd on the same machine in the same run.
//
//   node services/store/bench/bench-store.ts [--endpoints a,b,c] [--runs 5]
//        [--seconds 3] [--warmup-seconds 5] [--only logbook|etcd] [--filter TEXT]
//
// Without --endpoints it starts a 3-member etcd (Debian's etcd-server, its
// default flags, data in a temp directory) and a 3-member Logbook store
// (`logbook store` with the same flags), both at once, and runs every
// workload against each, printing one table with ratio columns. A row's runs
// alternate between the two (logbook, etcd, then etcd, logbook, ...), so the
// minutes in which a shared machine is slow fall on both sides of a ratio;
// the target not running idles meanwhile (heartbeats only).
// With --endpoints it measures whatever serves there.
// Each target first takes --warmup-seconds of puts at 64 in flight. Logbook
// runs on V8, which compiles hot code while it runs: after a 1 s warm-up the
// sequential-put row (the first) met V8 still compiling, 10.5% of the
// members' CPU in a perf profile against 2.5% after 15,000 puts, and 5 s of
// warm-up raised that row 10-15% (three alternating pairs). etcd is compiled
// ahead of time; the warm-up left its row unchanged (1,058 -> 1,084).
// Each workload: a 1 s warm-up per target, then --runs runs of --seconds; the table
// shows the median over runs of ops/s, p50 and p99. The client is this one
// Node process: the "client cpu" note says when it, not the store, was the
// limit. Not a timed test: it never runs in `npm test`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatFlagsHelp, intFlag, parseFlags } from '@logbook/cli-kit';
import type { FlagSpec } from '@logbook/cli-kit';
import { EtcdClient, parseEndpoint } from '@logbook/etcd-client';
import { startEtcd } from '@logbook/etcd-client/testing';
import { measureFsyncFloor } from '@logbook/wal';
import { LogbookCluster } from './logbook-cluster.ts';
import { formatNotes, formatTable } from './report.ts';
import type { Row, RowResult } from './report.ts';
import { median, medianOfRuns, summarize } from '@logbook/bench-kit';
import { allWorkloads, warmupWorkload } from './workloads.ts';
import type { Workload, WorkloadContext, WorkloadRun } from './workloads.ts';

const FLAGS: readonly FlagSpec[] = [
  { name: 'endpoints', arg: 'HOST:PORT,...', help: 'measure this running cluster instead of starting etcd and Logbook' },
  { name: 'only', arg: 'logbook|etcd', help: 'start and measure only one of the two' },
  { name: 'runs', arg: 'N', default: '5', help: 'measured runs per workload' },
  { name: 'seconds', arg: 'S', default: '3', help: 'length of each run' },
  { name: 'warmup-seconds', arg: 'S', default: '5', help: 'puts at 64 in flight against each target before its first workload' },
  { name: 'value-bytes', arg: 'N', default: '256', help: 'value size of every write' },
  { name: 'filter', arg: 'TEXT', help: 'run only workloads whose name contains TEXT' },
  { name: 'dir', arg: 'DIR', help: 'scratch directory (default: a new temp directory, removed afterwards)' },
  { name: 'fsync-iterations', arg: 'N', default: '500', help: 'appends used to measure the fdatasync floor' },
  { name: 'keep', help: 'keep the scratch directory (data and member logs)' },
];

const WARMUP_MS = 1_000;

interface Target {
  readonly name: string;
  readonly start: (dir: string) => Promise<{ readonly endpoints: readonly string[]; readonly stop: () => Promise<void> }>;
}

const log = (s: string): void => void process.stderr.write(`${s}\n`);

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** One started target, and what its rows have gathered so far. */
interface Running {
  readonly target: Target;
  readonly started?: Awaited<ReturnType<Target['start']>>;
  readonly client?: EtcdClient;
  readonly ctx?: WorkloadContext;
  readonly info: string;
  /** Set when the target did not start: every row reports it. */
  readonly failure?: string;
}

async function startTarget(t: Target, dir: string, o: { warmupSeconds: number; value: Uint8Array }): Promise<Running> {
  log(`${t.name}: starting`);
  let started: Awaited<ReturnType<Target['start']>>;
  try {
    started = await t.start(join(dir, t.name));
  } catch (e) {
    const failure = `did not start: ${errorText(e)}`;
    log(`${t.name}: ${e instanceof Error ? e.message : String(e)}`);
    return { target: t, info: `${t.name}: ${failure}`, failure };
  }
  const client = EtcdClient.connect({ endpoints: started.endpoints, requestTimeoutMs: 30_000 });
  try {
    const status = await client.status();
    const info = `${t.name}: ${started.endpoints.length} member(s) at ${started.endpoints.join(', ')}, version ${status.version}`;
    log(info);
    const ctx: WorkloadContext = { client, endpoints: started.endpoints, value: o.value };
    if (o.warmupSeconds > 0) {
      log(`${t.name}: warm-up: ${o.warmupSeconds} s of puts at 64 in flight`);
      const warm = await warmupWorkload().run(ctx, o.warmupSeconds * 1000);
      if (warm.errors > 0) log(`${t.name}: warm-up: ${warm.errors} puts failed, first: ${errorText(warm.firstError)}`);
    }
    return { target: t, started, client, ctx, info };
  } catch (e) {
    client.close();
    await started.stop();
    const failure = `did not answer: ${errorText(e)}`;
    return { target: t, info: `${t.name}: ${failure}`, failure };
  }
}

async function stopTarget(r: Running): Promise<void> {
  if (r.started === undefined) return;
  r.client?.close();
  await r.started.stop();
  log(`${r.target.name}: stopped`);
}

function rowResult(results: readonly WorkloadRun[]): RowResult {
  const ok = results.filter((r) => r.samples.count > 0);
  if (ok.length === 0) return { ok: false, reason: errorText(results.find((r) => r.firstError !== undefined)?.firstError ?? 'no operation completed') };
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const firstError = results.find((r) => r.firstError !== undefined)?.firstError;
  const note = [results.at(-1)?.note ?? '', firstError !== undefined ? `first error: ${errorText(firstError)}` : ''].filter((s) => s !== '').join('; ');
  return {
    ok: true,
    summary: medianOfRuns(ok.map((r) => summarize(r.samples, r.elapsedMs))),
    errors,
    clientCpu: median(results.map((r) => r.clientCpu)),
    note,
  };
}

/**
 * One workload on every running target. Runs alternate between targets (the
 * order flips each round), so a slow minute on a shared machine lands on
 * both sides of a ratio instead of on whichever target ran then.
 */
async function measureRow(w: Workload, running: readonly Running[], o: { runs: number; seconds: number }): Promise<Map<string, RowResult>> {
  const out = new Map<string, RowResult>();
  const live: { r: Running; ctx: WorkloadContext; results: WorkloadRun[] }[] = [];
  for (const r of running) {
    if (r.ctx === undefined) {
      out.set(r.target.name, { ok: false, reason: r.failure ?? 'not started' });
      continue;
    }
    try {
      await w.prepare?.(r.ctx);
      await w.run(r.ctx, Math.min(WARMUP_MS, o.seconds * 1000));
      live.push({ r, ctx: r.ctx, results: [] });
    } catch (e) {
      out.set(r.target.name, { ok: false, reason: errorText(e) });
    }
  }
  log(`${w.name}: ${o.runs} x ${o.seconds} s on ${live.map((l) => l.r.target.name).join(' and ')}, alternating`);
  // A live target's name is in `out` only once one of its runs has thrown.
  for (let i = 0; i < o.runs; i++) {
    const order = i % 2 === 0 ? live : [...live].reverse();
    for (const l of order) {
      if (out.has(l.r.target.name)) continue;
      try {
        l.results.push(await w.run(l.ctx, o.seconds * 1000));
      } catch (e) {
        out.set(l.r.target.name, { ok: false, reason: errorText(e) });
      }
    }
  }
  for (const l of live) {
    if (out.has(l.r.target.name)) continue;
    const result = rowResult(l.results);
    if (!result.ok) log(`${l.r.target.name}: ${w.name}: failed: ${result.reason}`);
    out.set(l.r.target.name, result);
  }
  return out;
}

function targetsFor(endpoints: readonly string[] | undefined, only: string | undefined): Target[] {
  if (endpoints !== undefined) return [{ name: 'endpoints', start: () => Promise.resolve({ endpoints, stop: () => Promise.resolve() }) }];
  const logbook: Target = {
    name: 'logbook',
    start: async (dir) => {
      const c = await LogbookCluster.start({ size: 3, dir });
      return { endpoints: c.endpoints, stop: () => c.stop() };
    },
  };
  const etcd: Target = {
    name: 'etcd',
    start: async (dir) => {
      // keepDir: the scratch directory's owner (main) removes it, and etcd then gets a clean SIGTERM.
      const c = await startEtcd({ members: 3, dir, keepDir: true });
      return { endpoints: c.endpoints, stop: () => c.stop() };
    },
  };
  return only === 'logbook' ? [logbook] : only === 'etcd' ? [etcd] : [logbook, etcd];
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, problems, help } = parseFlags(argv, FLAGS);
  const usage = `usage: npm run bench:store -- [flags]\n\nflags:\n${formatFlagsHelp(FLAGS)}\n`;
  if (help) {
    process.stdout.write(usage);
    return 0;
  }
  const runs = intFlag(values, 'runs', problems, 1, 100);
  const seconds = intFlag(values, 'seconds', problems, 1, 600);
  const warmupSeconds = intFlag(values, 'warmup-seconds', problems, 0, 600);
  const valueBytes = intFlag(values, 'value-bytes', problems, 1, 1 << 20);
  const fsyncIterations = intFlag(values, 'fsync-iterations', problems, 10, 1_000_000);
  const only = values.get('only');
  if (only !== undefined && only !== 'logbook' && only !== 'etcd') problems.push(`--only must be logbook or etcd (got "${only}")`);
  let endpoints: string[] | undefined;
  const rawEndpoints = values.get('endpoints');
  if (rawEndpoints !== undefined) {
    endpoints = rawEndpoints.split(',').map((e) => parseEndpoint(e) ?? '');
    if (endpoints.some((e) => e === '')) problems.push(`--endpoints must list host:port or http://host:port (got "${rawEndpoints}")`);
    if (only !== undefined) problems.push('--only applies to the clusters the bench starts; it cannot be combined with --endpoints');
  }
  const filter = values.get('filter');
  const workloads = allWorkloads().filter((w) => filter === undefined || w.name.includes(filter));
  if (workloads.length === 0) problems.push(`--filter "${filter}" matches no workload (${allWorkloads().map((w) => w.name).join('; ')})`);
  if (problems.length > 0) {
    process.stderr.write(`bench:store: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}\n${usage}`);
    return 2;
  }

  const givenDir = values.get('dir');
  const dir = givenDir !== undefined ? resolve(givenDir) : mkdtempSync(join(tmpdir(), 'logbook-bench-store-'));
  const keep = values.get('keep') === 'true';
  const value = new Uint8Array(valueBytes).fill(0x76);
  try {
    log(`measuring the fdatasync floor in ${dir} (${fsyncIterations} appends of 256 bytes)...`);
    const floor = await measureFsyncFloor(dir, fsyncIterations);
    const targets = targetsFor(endpoints, only);
    const rows: Row[] = workloads.map((w) => ({ workload: w.name, inFlight: w.inFlight, results: new Map() }));
    const running: Running[] = [];
    try {
      for (const t of targets) running.push(await startTarget(t, dir, { warmupSeconds, value }));
      for (const [i, w] of workloads.entries()) {
        const results = await measureRow(w, running, { runs, seconds });
        for (const t of targets) (rows[i]!.results as Map<string, RowResult>).set(t.name, results.get(t.name) ?? { ok: false, reason: 'not run' });
      }
    } finally {
      for (const r of running) await stopTarget(r);
    }
    const infos = running.map((r) => r.info);
    const names = targets.map((t) => t.name);
    const legend = workloads.map((w) => `  ${w.name}: one op = one ${w.unit}`);
    process.stdout.write(
      [
        '',
        `store bench: ${names.join(' vs ')}; ${valueBytes}-byte values; median of ${runs} runs x ${seconds} s; latency from call to response at the client`,
        `fdatasync floor (${floor.iterations} appends of ${floor.recordBytes} B): p50 ${(floor.p50Us / 1000).toFixed(3)} ms, p99 ${(floor.p99Us / 1000).toFixed(3)} ms`,
        ...infos,
        '',
        formatTable(rows, names[0]!, names[1]),
        '',
        ...(names.length > 1 ? ['ratio: logbook/etcd for ops/s, etcd/logbook for latency (above 1x, Logbook does better)'] : []),
        ...legend,
        '',
        ...formatNotes(rows, names),
        '',
      ].join('\n'),
    );
    const failed = rows.some((r) => [...r.results.values()].some((x) => !x.ok));
    return failed ? 1 : 0;
  } catch (err) {
    log(`bench:store failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    if (!keep && givenDir === undefined) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
