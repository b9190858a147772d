// The member process's flags, validated into a frozen configuration. Every
// problem is reported at once.

import type { NodeId } from '@logbook/raft';
import { formatFlagsHelp, intFlag, parseFlags, parseHostPort, type FlagSpec } from '@logbook/cli-kit';
import { LOG_LEVELS, type LogLevel } from '@logbook/cli-kit';

export interface MemberConfig {
  readonly id: NodeId;
  readonly dataDir: string;
  readonly listenPeer: string;
  readonly listenClient: { readonly host: string; readonly port: number };
  /** Every initial member (this one included) and its peer address. */
  readonly initialCluster: ReadonlyMap<NodeId, string>;
  /** 'new': bootstrap a new cluster from initialCluster; 'existing': join a running one (after member add). */
  readonly initialClusterState: 'new' | 'existing';
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly snapshotCount: number;
  readonly snapshotCatchUpEntries: number;
  readonly maxPendingProposals: number;
  readonly requestTimeoutMs: number;
  readonly logLevel: LogLevel;
}

export const MEMBER_FLAGS: readonly FlagSpec[] = [
  { name: 'id', arg: 'N', required: true, help: 'this member\'s id (a positive integer, listed in --initial-cluster)' },
  { name: 'data-dir', arg: 'DIR', required: true, help: 'directory for the WAL and snapshots' },
  { name: 'listen-peer', arg: 'HOST:PORT', required: true, help: 'address for raft traffic from peers (gRPC)' },
  { name: 'listen-client', arg: 'HOST:PORT', required: true, help: 'address for the HTTP/JSON client API' },
  { name: 'initial-cluster', arg: 'ID=HOST:PORT,...', required: true, help: 'every initial member and its peer address' },
  { name: 'initial-cluster-state', arg: 'new|existing', default: 'new', help: 'new cluster, or join an existing one' },
  { name: 'tick-ms', arg: 'MS', default: '50', help: 'raft tick interval' },
  { name: 'election-ticks', arg: 'N', default: '10', help: 'election timeout in ticks' },
  { name: 'heartbeat-ticks', arg: 'N', default: '1', help: 'heartbeat interval in ticks' },
  { name: 'snapshot-count', arg: 'N', default: '10000', help: 'applied entries between snapshots' },
  { name: 'snapshot-catch-up-entries', arg: 'N', default: '5000', help: 'entries kept behind a snapshot for slow followers' },
  { name: 'max-pending-proposals', arg: 'N', default: '4096', help: 'proposals in flight before answering 429' },
  { name: 'request-timeout-ms', arg: 'MS', default: '5000', help: 'how long a client request may wait for raft' },
  { name: 'log-level', arg: LOG_LEVELS.join('|'), default: 'info', help: 'least severe level logged to stderr' },
];

export function memberHelp(command: string): string {
  return `usage: ${command} [flags]\n\nRuns one member of a replicated key/value cluster.\n\nflags:\n${formatFlagsHelp(MEMBER_FLAGS)}\n`;
}

export type MemberConfigResult =
  | { readonly kind: 'config'; readonly config: MemberConfig }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

export function parseMemberConfig(argv: readonly string[]): MemberConfigResult {
  const { values, problems, help } = parseFlags(argv, MEMBER_FLAGS);
  if (help) return { kind: 'help' };
  const id = intFlag(values, 'id', problems, 1) as NodeId;
  const dataDir = values.get('data-dir') ?? '';
  if (values.has('data-dir') && dataDir === '') problems.push('--data-dir must not be empty');

  const listenPeer = values.get('listen-peer') ?? '';
  if (values.has('listen-peer') && parseHostPort(listenPeer) === undefined) problems.push(`--listen-peer must be HOST:PORT (got "${listenPeer}")`);
  const clientRaw = values.get('listen-client') ?? '';
  const listenClient = parseHostPort(clientRaw);
  if (values.has('listen-client') && listenClient === undefined) problems.push(`--listen-client must be HOST:PORT (got "${clientRaw}")`);

  const initialCluster = new Map<NodeId, string>();
  const clusterRaw = values.get('initial-cluster');
  if (clusterRaw !== undefined) {
    for (const item of clusterRaw.split(',')) {
      const m = /^(\d+)=(.+)$/.exec(item.trim());
      const member = m === null ? NaN : Number(m[1]);
      if (m === null || !Number.isSafeInteger(member) || member <= 0 || parseHostPort(m[2]!) === undefined) {
        problems.push(`--initial-cluster entry "${item}" must be ID=HOST:PORT`);
        continue;
      }
      if (initialCluster.has(member as NodeId)) problems.push(`--initial-cluster lists member ${member} twice`);
      initialCluster.set(member as NodeId, m[2]!);
    }
    if (values.has('id') && !initialCluster.has(id)) problems.push(`--initial-cluster must list this member (--id ${values.get('id')})`);
  }

  const state = values.get('initial-cluster-state');
  if (state !== 'new' && state !== 'existing') problems.push(`--initial-cluster-state must be new or existing (got "${state}")`);
  const logLevel = values.get('log-level') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);

  const tickMs = intFlag(values, 'tick-ms', problems, 1, 60_000);
  const electionTicks = intFlag(values, 'election-ticks', problems, 2, 1_000);
  const heartbeatTicks = intFlag(values, 'heartbeat-ticks', problems, 1, 1_000);
  if (heartbeatTicks >= electionTicks) problems.push('--heartbeat-ticks must be less than --election-ticks');
  const config: MemberConfig = {
    id,
    dataDir,
    listenPeer,
    listenClient: listenClient ?? { host: '', port: 0 },
    initialCluster,
    initialClusterState: state === 'existing' ? 'existing' : 'new',
    tickMs,
    electionTicks,
    heartbeatTicks,
    snapshotCount: intFlag(values, 'snapshot-count', problems, 1),
    snapshotCatchUpEntries: intFlag(values, 'snapshot-catch-up-entries', problems, 0),
    maxPendingProposals: intFlag(values, 'max-pending-proposals', problems, 1, 1_000_000),
    requestTimeoutMs: intFlag(values, 'request-timeout-ms', problems, 1, 600_000),
    logLevel,
  };
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'config', config: Object.freeze(config) };
}
