// `logbook <subcommand> ...`: the one command line of the project. Each
// subcommand parses and validates its own flags; this file only dispatches.

import { memberMain, type MainIo } from '@logbook/raftkv';
import { demoMain } from './demo.ts';

interface Subcommand {
  readonly name: string;
  readonly summary: string;
  /** Test-harness plumbing that `logbook cluster` runs itself: callable, not listed in help. */
  readonly hidden?: true;
  run(argv: readonly string[], io: MainIo): Promise<number>;
}

const SUBCOMMANDS: readonly Subcommand[] = [
  { name: 'demo', summary: 'run a local 3-member replicated key/value cluster until Ctrl-C', run: (argv, io) => demoMain(argv, io) },
  { name: 'member', summary: 'run one member of a replicated key/value cluster', run: (argv, io) => memberMain(argv, io, 'logbook member') },
  { name: 'store', summary: 'run one member of the etcd-compatible store (etcd\'s flags)', run: (argv, io) => storeMainLazy(argv, io) },
  { name: 'up', summary: 'run the embedded control plane: store + apiserver in one process (data in ./.logbook)', run: (argv, io) => upMainLazy(argv, io) },
  { name: 'apiserver', summary: 'run one Kubernetes API server replica (kube-apiserver\'s flags)', run: (argv, io) => apiserverMainLazy(argv, io) },
  { name: 'cluster', summary: 'run the HA topology (3 NATS, 3 store, 3 apiserver, HAProxy) as local processes: up|status|down', run: (argv, io) => clusterMainLazy(argv, io) },
  { name: 'tcp-proxy', summary: 'forward TCP connections (cluster up --peer-proxies)', hidden: true, run: (argv, io) => tcpProxyMainLazy(argv, io) },
  { name: 'sim', summary: 'run the deterministic raft simulator (libs/sim)', run: (argv, io) => simMain(argv, io) },
];

export function helpText(): string {
  const listed = SUBCOMMANDS.filter((s) => s.hidden !== true);
  const width = Math.max(...listed.map((s) => s.name.length));
  return [
    'usage: logbook <subcommand> [flags]',
    '',
    'subcommands:',
    ...listed.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    'Run `logbook <subcommand> --help` for its flags.',
    '',
  ].join('\n');
}

/** Runs the command line; resolves with the exit code. */
export async function main(argv: readonly string[], io: MainIo = process): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText());
    return 0;
  }
  const sub = SUBCOMMANDS.find((s) => s.name === name);
  if (sub === undefined) {
    io.stderr.write(`${name === undefined ? 'logbook: a subcommand is required' : `logbook: unknown subcommand "${name}"`}\n\n${helpText()}`);
    return 2;
  }
  return sub.run(rest, io);
}

/** Delegates to libs/sim's command line; imported lazily so other subcommands do not load the simulator. */
async function simMain(argv: readonly string[], _io: MainIo): Promise<number> {
  const { main } = await import('@logbook/sim');
  return main(argv);
}

/** The store loads LMDB and gRPC; imported lazily so other subcommands do not pay for it. */
async function storeMainLazy(argv: readonly string[], io: MainIo): Promise<number> {
  const { storeMain } = await import('@logbook/store');
  return storeMain(argv, io);
}

/** The embedded control plane; loaded lazily like the store. */
async function upMainLazy(argv: readonly string[], io: MainIo): Promise<number> {
  const { upMain } = await import('./up.ts');
  return upMain(argv, io);
}

async function apiserverMainLazy(argv: readonly string[], io: MainIo): Promise<number> {
  const { apiserverMain } = await import('@logbook/apiserver');
  return apiserverMain(argv, io);
}

async function tcpProxyMainLazy(argv: readonly string[], io: MainIo): Promise<number> {
  const { tcpProxyMain } = await import('./tcp-proxy-main.ts');
  return tcpProxyMain(argv, io);
}

/** `cluster` spawns children and reads PATH for nats-server and haproxy, so it gets the environment from here. */
async function clusterMainLazy(argv: readonly string[], io: MainIo): Promise<number> {
  const { clusterMain } = await import('./cluster-main.ts');
  return clusterMain(argv, io, process.env);
}
