// `npm run bench:apiserver`: one `logbook apiserver` over a 3-member Logbook
// store, measured over HTTPS as kubectl and client-go reach it.
//
//   node services/apiserver/bench/bench-apiserver.ts [--runs 3] [--seconds 3]
//        [--filter TEXT] [--watchers 1000] [--watch-rate 200]
//        [--endpoints https://HOST:PORT --kubeconfig-cert-dir DIR [--apiserver-pid PID]]
//
// Without --endpoints it starts the store (`logbook store` x 3) and the
// apiserver (`logbook apiserver`, kube-apiserver's flags, inflight limits
// off) on loopback; with it, it measures whatever serves there, using the
// CA and admin client pair in DIR (ca.crt, admin.crt, admin.key).
// Workloads: GET one object, LIST 1,000 and 10,000 objects, CREATE, UPDATE,
// watch fan-out. Each: prepared (objects created, not measured), a 1 s
// warm-up, then --runs runs of --seconds; the table shows the median over
// runs of ops/s, p50 and p99, and the apiserver's peak RSS over the warm-up
// and runs. The client is this one Node process; its CPU share says when it
// was the limit. Not a timed test: it never runs in `npm test`.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatFlagsHelp, intFlag, parseFlags } from '@logbook/cli-kit';
import type { FlagSpec } from '@logbook/cli-kit';
import { LogbookCluster } from '@logbook/store/bench-cluster';
import type { ApiserverProcess } from './apiserver-process.ts';
import { readCertDir, startApiserverProcess } from './apiserver-process.ts';
import { KubeSession } from './kube-session.ts';
import type { KubeTls } from './kube-session.ts';
import { errorText, measureWorkload, WARMUP_MS } from './measure.ts';
import { formatNotes, formatTable } from './report.ts';
import type { Row, RowResult } from './report.ts';
import { watchFanOutWorkload } from './watch-fan-out.ts';
import { requestWorkloads } from './workloads.ts';
import type { WorkloadContext } from './workloads.ts';

const FLAGS: readonly FlagSpec[] = [
  { name: 'endpoints', arg: 'https://HOST:PORT', help: 'measure this running apiserver instead of starting a store and an apiserver' },
  { name: 'kubeconfig-cert-dir', arg: 'DIR', help: 'with --endpoints: directory holding ca.crt, admin.crt and admin.key' },
  { name: 'apiserver-pid', arg: 'PID', help: 'with --endpoints: the apiserver process on this machine, for peak memory' },
  { name: 'runs', arg: 'N', default: '3', help: 'measured runs per workload' },
  { name: 'seconds', arg: 'S', default: '3', help: 'length of each run' },
  { name: 'value-bytes', arg: 'N', default: '256', help: "size of each ConfigMap's data value" },
  { name: 'watchers', arg: 'N', default: '1000', help: 'watch streams in the fan-out workload' },
  { name: 'watch-rate', arg: 'N', default: '200', help: 'writes per second in the fan-out workload' },
  { name: 'filter', arg: 'TEXT', help: 'run only workloads whose name contains TEXT' },
  { name: 'dir', arg: 'DIR', help: 'scratch directory (default: a new temp directory, removed afterwards)' },
  { name: 'keep', help: 'keep the scratch directory (store data, member and apiserver logs)' },
  { name: 'apiserver-args', arg: '"--flag=v ..."', help: 'extra kube-apiserver flags for the apiserver the bench starts (e.g. the security chain to compare)' },
];

const log = (s: string): void => void process.stderr.write(`${s}\n`);

interface Target {
  readonly server: string;
  readonly tls: KubeTls;
  readonly pid: number | undefined;
  readonly info: string;
  readonly exited: () => boolean;
  readonly stop: () => Promise<void>;
}

async function startTarget(dir: string, extraArgs: readonly string[]): Promise<Target> {
  log('starting a 3-member Logbook store...');
  const store = await LogbookCluster.start({ size: 3, dir: join(dir, 'store') });
  let apiserver: ApiserverProcess;
  try {
    log(`store at ${store.endpoints.join(', ')}; starting logbook apiserver...`);
    apiserver = await startApiserverProcess({ etcdServers: store.endpoints, dir, extraArgs });
  } catch (e) {
    await store.stop();
    throw e;
  }
  return {
    server: apiserver.server,
    tls: apiserver.tls,
    pid: apiserver.pid,
    info: `logbook apiserver (pid ${apiserver.pid}) at ${apiserver.server} over a 3-member Logbook store at ${store.endpoints.join(', ')}`,
    exited: apiserver.exited,
    stop: async () => {
      await apiserver.stop();
      await store.stop();
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, problems, help } = parseFlags(argv, FLAGS);
  const usage = `usage: npm run bench:apiserver -- [flags]\n\nflags:\n${formatFlagsHelp(FLAGS)}\n`;
  if (help) {
    process.stdout.write(usage);
    return 0;
  }
  const runs = intFlag(values, 'runs', problems, 1, 100);
  const seconds = intFlag(values, 'seconds', problems, 1, 600);
  const valueBytes = intFlag(values, 'value-bytes', problems, 1, 512 * 1024);
  const watchers = intFlag(values, 'watchers', problems, 1, 100_000);
  const watchRate = intFlag(values, 'watch-rate', problems, 1, 100_000);
  const endpoint = values.get('endpoints');
  const certDir = values.get('kubeconfig-cert-dir');
  const pidFlag = values.has('apiserver-pid') ? intFlag(values, 'apiserver-pid', problems, 1) : undefined;
  if (endpoint !== undefined && !/^https:\/\/[^/\s]+$/.test(endpoint)) problems.push(`--endpoints must be https://HOST:PORT (got "${endpoint}")`);
  if ((endpoint === undefined) !== (certDir === undefined)) problems.push('--endpoints and --kubeconfig-cert-dir go together');
  if (values.has('apiserver-args') && endpoint !== undefined) problems.push('--apiserver-args applies to the apiserver the bench starts, not to --endpoints');
  if (pidFlag !== undefined && endpoint === undefined) problems.push('--apiserver-pid applies to --endpoints (the bench knows the pid of the apiserver it starts)');
  const all = [...requestWorkloads(), watchFanOutWorkload({ watchers, ratePerSec: watchRate })];
  const filter = values.get('filter');
  const workloads = all.filter((w) => filter === undefined || w.name.includes(filter));
  if (workloads.length === 0) problems.push(`--filter "${filter}" matches no workload (${all.map((w) => w.name).join('; ')})`);
  if (problems.length > 0) {
    process.stderr.write(`bench:apiserver: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}\n${usage}`);
    return 2;
  }

  const givenDir = values.get('dir');
  const dir = givenDir !== undefined ? resolve(givenDir) : mkdtempSync(join(tmpdir(), 'logbook-bench-apiserver-'));
  const keep = values.get('keep') === 'true';
  let target: Target | undefined;
  const sessions: KubeSession[] = [];
  try {
    target =
      endpoint !== undefined && certDir !== undefined
        ? { server: endpoint, tls: readCertDir(certDir), pid: pidFlag, info: `apiserver at ${endpoint}`, exited: () => false, stop: () => Promise.resolve() }
        : await startTarget(dir, (values.get('apiserver-args') ?? '').split(/\s+/).filter((a) => a !== ''));
    const t = target;
    const connect = async (): Promise<KubeSession> => {
      const s = await KubeSession.connect(t.server, t.tls);
      sessions.push(s);
      return s;
    };
    const session = await connect();
    const version = (await session.json('GET', '/version')) as { gitVersion?: unknown };
    log(`${t.info}, version ${String(version.gitVersion)}`);
    const ctx: WorkloadContext = { session, connect, namespacePrefix: `bench-${randomBytes(3).toString('hex')}`, value: 'v'.repeat(valueBytes) };
    const rows: Row[] = [];
    for (const w of workloads) {
      log(`${w.name}: prepare, warm-up, then ${runs} x ${seconds} s`);
      const result: RowResult = t.exited() ? { ok: false, reason: 'the apiserver exited' } : await measureWorkload(w, ctx, { runs, seconds, pid: t.pid });
      if (!result.ok) log(`${w.name}: failed: ${result.reason}`);
      rows.push({ workload: w.name, inFlight: w.inFlight, result });
    }
    if (endpoint !== undefined) {
      // Someone else's server: leave it as found (the namespace controller deletes the contents).
      for (const suffix of ['get', 'list-1000', 'list-10000', 'create', 'update', 'watch']) {
        await session.request('DELETE', `/api/v1/namespaces/${ctx.namespacePrefix}-${suffix}`).catch((e: unknown) => log(`cleanup: ${errorText(e)}`));
      }
    }
    process.stdout.write(
      [
        '',
        `apiserver bench: ${t.info}; version ${String(version.gitVersion)}`,
        `ConfigMaps with a ${valueBytes}-byte value; median of ${runs} runs x ${seconds} s after a ${WARMUP_MS / 1000} s warm-up; latency from request to last response byte at the client (HTTP/2, one session)`,
        `peak RSS: the apiserver's, over each workload's warm-up and runs${t.pid === undefined ? ' (not measured: no --apiserver-pid)' : ''}; "~" marks a sampled value`,
        '',
        formatTable(rows),
        '',
        ...workloads.map((w) => `  ${w.name}: one op = one ${w.unit}`),
        '',
        ...formatNotes(rows),
        '',
      ].join('\n'),
    );
    return rows.some((r) => !r.result.ok) ? 1 : 0;
  } catch (err) {
    log(`bench:apiserver failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
    await target?.stop();
    if (!keep && givenDir === undefined) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
