// `logbook cluster up|status|down|init`: the production topology (NATS
// cluster, store members, apiserver replicas, HAProxy) as local processes
// under one directory, and `init`, which writes the same files for the
// docker-compose topology. Flags are parsed here; the work is in cluster-*.ts.

import { resolve } from 'node:path';
import { formatFlagsHelp, intFlag, parseFlags, parseGoDurationMs, type FlagSpec } from '@logbook/cli-kit';
import type { MainIo } from '@logbook/raftkv';
import { clusterDown } from './cluster-down.ts';
import { ClusterError } from './cluster-error.ts';
import { CLI_BIN, type ClusterHost } from './cluster-host.ts';
import { checkCounts, clusterPaths, composeLayout, COUNT_LIMITS, type ClusterCounts } from './cluster-layout.ts';
import { writeAdminKubeconfig } from './cluster-pki.ts';
import { writeClusterFiles } from './cluster-prepare.ts';
import { clusterStart } from './cluster-start.ts';
import { clusterStatus } from './cluster-status.ts';
import { clusterUp } from './cluster-up.ts';

const DIR: FlagSpec = { name: 'dir', arg: 'DIR', required: true, help: 'the cluster\'s directory: pki/, data/, logs/, pids/, admin.kubeconfig' };
const COUNT_FLAGS: readonly FlagSpec[] = [
  { name: 'replicas', arg: 'N', default: '3', help: 'apiserver replicas behind HAProxy' },
  { name: 'store-members', arg: 'N', default: '3', help: 'store (Raft) members; odd' },
  { name: 'nats-servers', arg: 'N', default: '3', help: 'NATS servers in the NATS cluster' },
];

interface Action {
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  run(values: ReadonlyMap<string, string>, problems: string[], io: MainIo, host: ClusterHost): Promise<number>;
}

const ACTIONS: Readonly<Record<string, Action>> = {
  up: {
    summary: 'start the cluster as detached local processes on free loopback ports; returns once every replica is ready',
    flags: [
      DIR,
      ...COUNT_FLAGS,
      { name: 'start-timeout', arg: 'DURATION', default: '120s', help: 'give up (and stop what started) if the cluster is not ready by then' },
      { name: 'peer-proxies', help: 'put a TCP forwarder (proxy-store-N) in front of each store member\'s peer port, so a test can cut a member off by stopping it' },
    ],
    async run(values, problems, io, host) {
      const counts = readCounts(values, problems);
      const startTimeoutMs = durationFlag(values, 'start-timeout', problems);
      if (problems.length > 0) return invalid('up', problems, io);
      const dir = resolve(values.get('dir')!);
      const peerProxies = values.get('peer-proxies') === 'true';
      const r = await clusterUp({ dir, counts, startTimeoutMs, peerProxies }, host, (line) => io.stdout.write(`${line}\n`));
      io.stdout.write(`Logbook cluster is up: ${r.layout.publicServer} (processes: logbook cluster status --dir ${dir})\nexport KUBECONFIG=${r.kubeconfig}\n`);
      return 0;
    },
  },
  start: {
    summary: 'start again some processes of a running cluster that have died (same ports and data); waits until each accepts connections',
    flags: [
      DIR,
      { name: 'only', arg: 'NAME[,NAME...]', required: true, help: 'the processes to start, as status names them (apiserver-1, store-2, nats-3, proxy-store-1)' },
      { name: 'start-timeout', arg: 'DURATION', default: '60s', help: 'fail if a process does not accept connections by then' },
    ],
    async run(values, problems, io, host) {
      const startTimeoutMs = durationFlag(values, 'start-timeout', problems);
      const only = (values.get('only') ?? '').split(',').filter((n) => n !== '');
      if (values.has('only') && only.length === 0) problems.push('--only must name at least one process');
      if (problems.length > 0) return invalid('start', problems, io);
      const r = await clusterStart({ dir: resolve(values.get('dir')!), only, startTimeoutMs }, host);
      io.stdout.write(`started: ${r.started.join(', ')}\n`);
      return 0;
    },
  },
  status: {
    summary: 'show each process (pid, alive, ports), the store leader and each replica\'s /readyz; exit 1 unless all is well',
    flags: [DIR],
    async run(values, problems, io) {
      if (problems.length > 0) return invalid('status', problems, io);
      const report = await clusterStatus(resolve(values.get('dir')!), 2_000);
      io.stdout.write(report.text);
      return report.healthy ? 0 : 1;
    },
  },
  down: {
    summary: 'stop every process (apiservers, HAProxy, store, peer proxies, NATS; SIGTERM, then SIGKILL) and remove the pid files',
    flags: [DIR, { name: 'grace-period', arg: 'DURATION', default: '15s', help: 'per tier, how long SIGTERM gets before SIGKILL' }],
    async run(values, problems, io, host) {
      const graceMs = durationFlag(values, 'grace-period', problems);
      if (problems.length > 0) return invalid('down', problems, io);
      const r = await clusterDown({ dir: resolve(values.get('dir')!), graceMs }, host.timer);
      io.stdout.write(r.stopped.length === 0 ? 'nothing was running\n' : `stopped: ${r.stopped.join(', ')}\n`);
      if (r.killed.length > 0) io.stdout.write(`needed SIGKILL: ${r.killed.join(', ')}\n`);
      if (r.survivors.length === 0) return 0;
      io.stderr.write(`logbook cluster down: still alive after SIGKILL: ${r.survivors.join(', ')}\n`);
      return 1;
    },
  },
  init: {
    summary: 'write PKI, NATS and HAProxy configs and the admin kubeconfig for the docker-compose topology (its one-shot service)',
    flags: [DIR, ...COUNT_FLAGS],
    async run(values, problems, io, host) {
      const counts = readCounts(values, problems);
      if (problems.length > 0) return invalid('init', problems, io);
      const layout = composeLayout(counts, resolve(values.get('dir')!));
      const pki = await writeClusterFiles(layout, host.now());
      const kubeconfig = await writeAdminKubeconfig(layout, pki);
      io.stdout.write(`wrote ${clusterPaths(layout.dir).pki}, NATS and HAProxy configs, ${kubeconfig} (server ${layout.publicServer})\n`);
      return 0;
    },
  },
};

function readCounts(values: ReadonlyMap<string, string>, problems: string[]): ClusterCounts {
  const counts = {
    replicas: intFlag(values, 'replicas', problems, COUNT_LIMITS.replicas.min, COUNT_LIMITS.replicas.max),
    storeMembers: intFlag(values, 'store-members', problems, COUNT_LIMITS.storeMembers.min, COUNT_LIMITS.storeMembers.max),
    natsServers: intFlag(values, 'nats-servers', problems, COUNT_LIMITS.natsServers.min, COUNT_LIMITS.natsServers.max),
  };
  // intFlag leaves a bad value at 1, which checkCounts accepts: each problem is reported once.
  problems.push(...checkCounts(counts));
  return counts;
}

function durationFlag(values: ReadonlyMap<string, string>, name: string, problems: string[]): number {
  const raw = values.get(name) ?? '';
  const ms = parseGoDurationMs(raw);
  if (ms === undefined || ms <= 0) {
    problems.push(`invalid value "${raw}" for --${name}: want a positive duration such as 90s or 2m0s`);
    return 1;
  }
  return ms;
}

function invalid(action: string, problems: readonly string[], io: MainIo): number {
  io.stderr.write(`logbook cluster ${action}: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}Run 'logbook cluster ${action} --help' for its flags.\n`);
  return 2;
}

export function clusterHelp(): string {
  const width = Math.max(...Object.keys(ACTIONS).map((a) => a.length));
  return [
    'usage: logbook cluster <up|start|status|down|init> --dir DIR [flags]',
    '',
    ...Object.entries(ACTIONS).map(([name, a]) => `  ${name.padEnd(width)}  ${a.summary}`),
    '',
  ].join('\n');
}

/** `env` is the caller's environment: PATH to find nats-server and haproxy, and what the children inherit. */
export async function clusterMain(argv: readonly string[], io: MainIo, env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(clusterHelp());
    return name === undefined ? 2 : 0;
  }
  const action = ACTIONS[name];
  if (action === undefined) {
    io.stderr.write(`logbook cluster: unknown action "${name}"\n\n${clusterHelp()}`);
    return 2;
  }
  const { values, problems, help } = parseFlags(rest, action.flags);
  if (help) {
    io.stdout.write(`usage: logbook cluster ${name} [flags]\n\n${action.summary}\n\nflags:\n${formatFlagsHelp(action.flags)}\n`);
    return 0;
  }
  const host: ClusterHost = {
    nodeBin: process.execPath,
    cliBin: CLI_BIN,
    env,
    timer: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    now: () => new Date(),
  };
  try {
    return await action.run(values, problems, io, host);
  } catch (err) {
    if (!(err instanceof ClusterError)) throw err;
    io.stderr.write(`logbook cluster ${name}: ${err.message}\n`);
    return 1;
  }
}
