// `npm run bench:raft`: proposal throughput and commit latency of a 3-member
// cluster of real processes on loopback (gRPC transport, WAL with real
// fdatasync), against this disk's fdatasync floor.
//
// What is measured: a closed-loop load generator keeps N writes in flight
// against the leader's client port. Each write is a put of a 256-byte value
// (the log entry is that plus the JSON command and the runtime's envelope,
// ~300 bytes). Latency runs from sending the request to receiving its answer,
// which the member sends once the entry is committed by a quorum (each
// member having fsynced it) and applied on the leader. In `pipeline` mode the
// requests travel as NDJSON lines over one HTTP exchange (/pipeline), so the
// numbers are raft's rather than HTTP's; `http` mode uses one keep-alive HTTP
// PUT per write for comparison. Each configuration runs several times after a
// warm-up; the table shows the median of the runs.
//
// Not a timed test: it never runs in `npm test`.

import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { measureFsyncFloor, type FsyncFloor } from '@logbook/wal';
import { formatFlagsHelp, intFlag, parseFlags, type FlagSpec } from '@logbook/cli-kit';
import { KvClient } from './kv-client.ts';
import { LocalCluster, type ClusterMember } from './local-cluster.ts';
import { PipelineClient } from './pipeline-client.ts';

const FLAGS: readonly FlagSpec[] = [
  { name: 'dir', arg: 'DIR', default: './.bench', help: 'scratch directory (removed afterwards)' },
  { name: 'mode', arg: 'pipeline|http|both', default: 'both', help: 'how the load generator talks to the leader' },
  { name: 'in-flight', arg: 'N,N,...', default: '1,256', help: 'writes kept in flight' },
  { name: 'runs', arg: 'N', default: '5', help: 'measured runs per configuration' },
  { name: 'seconds', arg: 'S', default: '3', help: 'length of each run' },
  { name: 'value-bytes', arg: 'N', default: '256', help: 'payload size of each write' },
  { name: 'fsync-iterations', arg: 'N', default: '500', help: 'appends used to measure the fdatasync floor' },
];

type Mode = 'pipeline' | 'http';

interface RunResult {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Writes per leader fsync (group commit). */
  readonly opsPerPersist: number;
}

interface Row {
  readonly mode: Mode;
  readonly inFlight: number;
  readonly result: RunResult;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

const median = (xs: readonly number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

type Writer = (key: string, value: string) => Promise<boolean>;

function writerFor(mode: Mode, leader: ClusterMember, inFlight: number): { write: Writer; close: () => Promise<void> } {
  if (mode === 'http') {
    const client = new KvClient(leader.clientUrl, { maxSockets: inFlight });
    return {
      write: async (key, value) => (await client.put(key, value)).status === 200,
      close: () => {
        client.close();
        return Promise.resolve();
      },
    };
  }
  const p = new PipelineClient(leader.clientUrl);
  return {
    write: async (key, value) => (await p.send({ op: 'put', key, value })).status === 200,
    close: () => p.close(),
  };
}

async function run(mode: Mode, leader: ClusterMember, inFlight: number, durationMs: number, value: string): Promise<RunResult> {
  const { write, close } = writerFor(mode, leader, inFlight);
  const before = (await leader.client.status()).counters.syncs;
  const latenciesMs: number[] = [];
  let errors = 0;
  let seq = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const key = `bench-${seq++ % 10_000}`;
      const t0 = performance.now();
      const ok = await write(key, value).catch(() => false);
      if (ok) latenciesMs.push(performance.now() - t0);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  const elapsedMs = performance.now() - start;
  await close();
  const persists = (await leader.client.status()).counters.syncs - before;
  latenciesMs.sort((a, b) => a - b);
  return {
    opsPerSec: (latenciesMs.length / elapsedMs) * 1000,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    errors,
    opsPerPersist: persists > 0 ? latenciesMs.length / persists : NaN,
  };
}

function table(rows: readonly Row[], floor: FsyncFloor): string {
  const floorP50Ms = floor.p50Us / 1000;
  const floorP99Ms = floor.p99Us / 1000;
  const header = ['mode', 'in flight', 'writes/s', 'p50 ms', 'p99 ms', 'p50/floor', 'p99/floor', 'writes/fsync', 'errors'];
  const body = rows.map((r) => [
    r.mode,
    String(r.inFlight),
    r.result.opsPerSec.toFixed(0),
    r.result.p50Ms.toFixed(2),
    r.result.p99Ms.toFixed(2),
    `${(r.result.p50Ms / floorP50Ms).toFixed(1)}x`,
    `${(r.result.p99Ms / floorP99Ms).toFixed(1)}x`,
    r.result.opsPerPersist.toFixed(1),
    String(r.result.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, problems, help } = parseFlags(argv, FLAGS);
  const usage = `usage: npm run bench:raft -- [flags]\n\nflags:\n${formatFlagsHelp(FLAGS)}\n`;
  if (help) {
    process.stdout.write(usage);
    return 0;
  }
  const modeFlag = values.get('mode');
  if (modeFlag !== 'pipeline' && modeFlag !== 'http' && modeFlag !== 'both') problems.push('--mode must be pipeline, http or both');
  const inFlights = (values.get('in-flight') ?? '').split(',').map(Number);
  if (inFlights.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 4096)) problems.push('--in-flight must list integers in [1, 4096]');
  const runs = intFlag(values, 'runs', problems, 1, 100);
  const seconds = intFlag(values, 'seconds', problems, 1, 600);
  const valueBytes = intFlag(values, 'value-bytes', problems, 1, 1 << 20);
  const fsyncIterations = intFlag(values, 'fsync-iterations', problems, 10, 1_000_000);
  if (problems.length > 0) {
    process.stderr.write(`bench: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}\n${usage}`);
    return 2;
  }
  const modes: Mode[] = modeFlag === 'both' ? ['pipeline', 'http'] : [modeFlag as Mode];
  const dir = resolve(values.get('dir')!);
  rmSync(dir, { recursive: true, force: true });
  const value = 'v'.repeat(valueBytes);
  const log = (s: string): boolean => process.stderr.write(`${s}\n`);

  let cluster: LocalCluster | undefined;
  try {
    log(`measuring the fdatasync floor in ${dir} (${fsyncIterations} appends of 256 bytes)...`);
    const floor = await measureFsyncFloor(resolve(dir, 'fsync-floor'), fsyncIterations);
    cluster = await LocalCluster.start({ size: 3, baseDir: resolve(dir, 'cluster'), extraFlags: ['--log-level', 'warn', '--max-pending-proposals', '8192'] });
    const leader = await cluster.waitForLeader(15_000);
    log(`cluster up; leader is member ${leader.id}`);
    const rows: Row[] = [];
    for (const mode of modes) {
      for (const inFlight of inFlights) {
        log(`${mode}, ${inFlight} in flight: warm-up, then ${runs} × ${seconds} s`);
        await run(mode, leader, inFlight, 1000, value);
        const results: RunResult[] = [];
        for (let i = 0; i < runs; i++) results.push(await run(mode, leader, inFlight, seconds * 1000, value));
        rows.push({
          mode,
          inFlight,
          result: {
            opsPerSec: median(results.map((r) => r.opsPerSec)),
            p50Ms: median(results.map((r) => r.p50Ms)),
            p99Ms: median(results.map((r) => r.p99Ms)),
            errors: results.reduce((n, r) => n + r.errors, 0),
            opsPerPersist: median(results.map((r) => r.opsPerPersist)),
          },
        });
      }
    }
    const status = await leader.client.status();
    process.stdout.write(
      [
        '',
        `raft bench: 3 members on loopback, gRPC transport, WAL with fdatasync; ${valueBytes}-byte values; median of ${runs} runs × ${seconds} s`,
        `fdatasync floor (${floor.iterations} appends of ${floor.recordBytes} B): p50 ${(floor.p50Us / 1000).toFixed(3)} ms, p99 ${(floor.p99Us / 1000).toFixed(3)} ms`,
        '',
        table(rows, floor),
        '',
        `latency: request sent → answer received (committed on a quorum, applied on the leader). writes/fsync: writes per fsynced leader WAL write (group commit).`,
        `leader ${leader.id} at term ${status.term}, commit ${status.commit}; inbound messages dropped: ${status.counters.droppedMessages}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    log(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await cluster?.stop();
    if (process.env['BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
