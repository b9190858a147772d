// `npm run bench:ha`: the same workloads against 1 and then 3 apiserver
// replicas behind HAProxy (`logbook cluster up --replicas N`: 3 NATS, 3
// store members, N replicas, HAProxy, all on this machine), in one session,
// each cluster in a fresh directory and torn down before the next starts.
//
//   node services/apiserver/bench/bench-ha.ts [--runs 3] [--seconds 3]
//        [--sessions 6] [--watchers 1000] [--watch-sessions 9] [--watch-rate 200]
//
// Measured through HAProxy: GET one object and CREATE (64 in flight over
// --sessions sessions), watch fan-out (events delivered per second, delivery
// p50/p99), and failover (ha-side.ts, failover.ts). Medians over --runs runs
// of --seconds. The point is the ratio 3/1 within one session: on a shared
// machine, numbers from different sessions do not compare. Not a timed
// test: it never runs in `npm test`.

import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseHaFlags } from './ha-flags.ts';
import type { HaOptions } from './ha-flags.ts';
import { formatHaTable, haMetrics, haNotes } from './ha-report.ts';
import { measureSide } from './ha-side.ts';
import { WARMUP_MS } from './measure.ts';
import { PACE_MS } from './failover.ts';

const log = (s: string): void => void process.stderr.write(`${s}\n`);

function header(o: HaOptions): string[] {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `HA bench: 1 vs 3 apiserver replicas behind HAProxy (logbook cluster: 3 NATS, 3 store members, HAProxy), this machine: ${availableParallelism()} cores (${model}), node ${process.version}`,
    `with ${availableParallelism()} cores, the 3 replicas compete for CPU with each other, the store, NATS, HAProxy and this client: 3 replicas add redundancy here, not cores`,
    `ConfigMaps with a ${o.valueBytes}-byte value; median of ${o.runs} runs x ${o.seconds} s after a ${WARMUP_MS / 1000} s warm-up; latency from request to last response byte at the client`,
    `GET and CREATE: 64 in flight over ${o.sessions} HTTP/2 sessions (HAProxy is TCP passthrough: one session = one replica; round-robin spreads ${o.sessions} sessions evenly over 3)`,
    `watch: ${o.watchers} watchers over ${o.watchSessions} sessions, ${o.watchRatePerSec} writes/s; delivery latency from the write's response to the event at a watcher`,
    "  (an event that beats the write's response counts as 0 ms, so p50 0.00 means most do; the notes give delivery from the write being sent)",
    `failover: ${o.sessions} clients, each on its own session, one GET every ${PACE_MS} ms; SIGKILL of the replica serving most of them, ${o.runs} times; a client whose request fails reconnects through HAProxy`,
    '  1 replica: nothing to fail over to, so it is restarted right after the kill (same command line): its numbers are kill -> restart -> first success',
    '  3 replicas: kill -> first success of a cut-off client; the killed replica is restarted (and back in HAProxy) before the next kill',
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseHaFlags(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.usage);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(`bench:ha: invalid flags:\n${parsed.problems.map((p) => `  - ${p}\n`).join('')}\n${parsed.usage}`);
    return 2;
  }
  const o = parsed.options;
  const parent = o.dir !== undefined ? resolve(o.dir) : mkdtempSync(join(tmpdir(), 'logbook-bench-ha-'));
  const dirs: string[] = [];
  try {
    const fresh = (n: number): string => {
      const d = mkdtempSync(join(parent, `replicas-${n}-`));
      dirs.push(d);
      return d;
    };
    const one = await measureSide(1, fresh(1), o);
    const three = await measureSide(3, fresh(3), o);
    const rows = haMetrics(one.results, three.results, { inFlight: 64, watchers: o.watchers, watchRatePerSec: o.watchRatePerSec });
    process.stdout.write(
      [
        '',
        ...header(o),
        ...one.info.map((l) => `1 replica: ${l}`),
        ...three.info.map((l) => `3 replicas: ${l}`),
        '',
        formatHaTable(rows),
        '',
        ...haNotes([{ label: '1 replica', results: one.results }, { label: '3 replicas', results: three.results }]),
        '',
      ].join('\n'),
    );
    const sides = [one.results, three.results];
    return sides.some((s) => !s.get.ok || !s.create.ok || !s.watch.ok || !s.failover.ok) ? 1 : 0;
  } catch (err) {
    log(`bench:ha failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    if (o.keep || o.dir !== undefined) log(`kept ${dirs.join(', ')}`);
    else rmSync(parent, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
