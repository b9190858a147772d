// The flags `logbook store` takes: etcd 3.4/3.5's server flags (the ones
// Logbook implements, and every other one, accepted and named in a warning so
// an etcd configuration carries over without silently losing meaning) plus
// Logbook's own few. Defaults are etcd's (server/embed/config.go).

import type { FlagSpec } from '@logbook/cli-kit';

/** How a flag's value is checked; for accepted-but-unimplemented flags this is the whole check. */
export type FlagKind = 'bool' | 'uint' | 'int' | 'duration' | 'string' | 'urls' | 'list' | 'enum';

export type FlagSection = 'member' | 'clustering' | 'security' | 'logging' | 'logbook' | 'etcd-other';

export interface StoreFlagSpec extends FlagSpec {
  readonly kind: FlagKind;
  readonly section: FlagSection;
  /** The accepted values of an 'enum' flag. */
  readonly values?: readonly string[];
  /**
   * For an unimplemented flag that changes what the process *is* (a proxy, a
   * config file, discovery bootstrap): ignoring it would start a different
   * server than the operator asked for, so a value other than `unless` is a
   * problem, not a warning.
   */
  readonly refuse?: { readonly unless: string; readonly reason: string };
  /** A default computed from other flags, shown in help; `default` holds only literal defaults. */
  readonly defaultText?: string;
}

export const DEFAULT_NAME = 'default';
export const DEFAULT_LISTEN_CLIENT_URLS = 'http://localhost:2379';
export const DEFAULT_LISTEN_PEER_URLS = 'http://localhost:2380';
export const DEFAULT_QUOTA_BACKEND_BYTES = 2 * 1024 ** 3;
/** Above this etcd logs that the quota exceeds the suggested maximum. */
export const SUGGESTED_MAX_QUOTA_BACKEND_BYTES = 8 * 1024 ** 3;
export const DEFAULT_SNAPSHOT_COUNT = 100_000;
export const DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES = 5_000;
export const MAX_ELECTION_TIMEOUT_MS = 50_000;
/** etcd's backend batching defaults (server/storage/backend). */
export const DEFAULT_BACKEND_BATCH_INTERVAL_MS = 100;
export const DEFAULT_BACKEND_BATCH_LIMIT = 10_000;
/**
 * Logbook's bounds (etcd has none): a batch is work a crashed member
 * re-applies from its WAL, and its dirty pages stay in the open transaction.
 */
export const MAX_BACKEND_BATCH_INTERVAL_MS = 10 * 60_000;
export const MAX_BACKEND_BATCH_LIMIT = 100_000;
/** etcd's request timeout: 5s for queueing, apply and disk, plus two election timeouts for a leader change. */
export const BASE_REQUEST_TIMEOUT_MS = 5_000;

const ARG: Readonly<Record<FlagKind, string | undefined>> = {
  bool: undefined,
  uint: 'N',
  int: 'N',
  duration: 'DURATION',
  string: 'VALUE',
  urls: 'URL,...',
  list: 'A,B,...',
  enum: undefined,
};

function spec(name: string, kind: FlagKind, section: FlagSection, help: string, more: Partial<StoreFlagSpec> = {}): StoreFlagSpec {
  const arg = kind === 'enum' ? more.values?.join('|') : ARG[kind];
  return { name, kind, section, help, ...(arg === undefined ? {} : { arg }), ...more };
}

/** An etcd flag Logbook accepts and names in a warning. */
function etcdOnly(name: string, kind: FlagKind, more: Partial<StoreFlagSpec> = {}): StoreFlagSpec {
  return spec(name, kind, 'etcd-other', 'etcd flag, accepted without effect', { unimplemented: true, ...more });
}

const IMPLEMENTED: readonly StoreFlagSpec[] = [
  spec('name', 'string', 'member', 'human-readable name of this member, as listed in --initial-cluster', { default: DEFAULT_NAME, arg: 'NAME' }),
  spec('data-dir', 'string', 'member', 'directory for the WAL, snapshots and the MVCC database', { defaultText: '${name}.etcd', arg: 'DIR' }),
  spec('listen-peer-urls', 'urls', 'member', 'URLs to listen on for Raft traffic from peers (host: an IP or localhost)', { default: DEFAULT_LISTEN_PEER_URLS }),
  spec('listen-client-urls', 'urls', 'member', 'URLs to listen on for etcd v3 gRPC clients (host: an IP or localhost)', { default: DEFAULT_LISTEN_CLIENT_URLS }),
  spec('snapshot-count', 'uint', 'member', 'applied entries between snapshots (0: the default)', { default: String(DEFAULT_SNAPSHOT_COUNT) }),
  spec('heartbeat-interval', 'uint', 'member', 'milliseconds between leader heartbeats', { default: '100' }),
  spec('election-timeout', 'uint', 'member', 'milliseconds without a leader before a follower campaigns (>= 5 x heartbeat, <= 50000)', { default: '1000' }),
  spec('quota-backend-bytes', 'int', 'member', 'size at which the database raises the NOSPACE alarm and refuses writes (0: 2 GiB)', { default: '0' }),
  spec('max-txn-ops', 'uint', 'member', 'most operations allowed in one transaction', { default: '128' }),
  spec('max-request-bytes', 'uint', 'member', 'largest client request accepted, in bytes', { default: '1572864' }),
  spec('backend-batch-interval', 'duration', 'member', 'longest time applies share one backend transaction before it commits (0: 100ms)', { default: '0' }),
  spec('backend-batch-limit', 'int', 'member', `key writes after which the backend transaction commits, whatever its age (0: ${DEFAULT_BACKEND_BATCH_LIMIT}; at most ${MAX_BACKEND_BATCH_LIMIT})`, { default: '0' }),
  spec('experimental-snapshot-catchup-entries', 'uint', 'member', 'entries kept behind a snapshot so slow followers can catch up without one', { default: String(DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES) }),

  spec('initial-advertise-peer-urls', 'urls', 'clustering', 'this member\'s peer URLs as the rest of the cluster reaches them', { default: DEFAULT_LISTEN_PEER_URLS }),
  spec('initial-cluster', 'string', 'clustering', 'every initial member: NAME=PEER_URL,... (a name repeats for several URLs)', { defaultText: '${name}=${initial-advertise-peer-urls}', arg: 'NAME=URL,...' }),
  spec('initial-cluster-state', 'enum', 'clustering', '"new" to bootstrap a cluster, "existing" to join one (after member add)', { values: ['new', 'existing'], default: 'new' }),
  spec('initial-cluster-token', 'string', 'clustering', 'token that keeps separately bootstrapped clusters apart', { default: 'etcd-cluster', arg: 'TOKEN' }),
  spec('advertise-client-urls', 'urls', 'clustering', 'client URLs given to clients (required when --listen-client-urls is set)', { default: DEFAULT_LISTEN_CLIENT_URLS }),
  spec('pre-vote', 'bool', 'clustering', 'Raft pre-vote phase; Logbook always runs it (false is accepted with a warning)', { default: 'true' }),

  spec('cert-file', 'string', 'security', 'TLS certificate for client URLs', { arg: 'FILE' }),
  spec('key-file', 'string', 'security', 'TLS key for client URLs', { arg: 'FILE' }),
  spec('trusted-ca-file', 'string', 'security', 'CA bundle that client certificates must chain to (implies --client-cert-auth, as in etcd)', { arg: 'FILE' }),
  spec('client-cert-auth', 'bool', 'security', 'require client certificates (needs --trusted-ca-file)', { default: 'false' }),
  spec('peer-cert-file', 'string', 'security', 'TLS certificate for peer URLs, also presented when dialing peers', { arg: 'FILE' }),
  spec('peer-key-file', 'string', 'security', 'TLS key for peer URLs', { arg: 'FILE' }),
  spec('peer-trusted-ca-file', 'string', 'security', 'CA bundle for peer certificates (implies --peer-client-cert-auth, as in etcd)', { arg: 'FILE' }),
  spec('peer-client-cert-auth', 'bool', 'security', 'require peer client certificates (needs --peer-trusted-ca-file)', { default: 'false' }),

  spec('log-level', 'enum', 'logging', 'least severe level logged (etcd\'s dpanic, panic and fatal mean error)', { values: ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'], default: 'info' }),
  spec('debug', 'bool', 'logging', 'etcd 3.4\'s spelling of --log-level=debug', { default: 'false' }),

  spec('nats-url', 'string', 'logbook', 'NATS server(s) to publish committed changes to (unset: no publishing)', { arg: 'nats://HOST:PORT,...' }),
  spec('nats-subject-prefix', 'string', 'logbook', 'first tokens of every published subject', { default: 'logbook.events', arg: 'SUBJECT' }),
  spec('max-pending-proposals', 'uint', 'logbook', 'proposals in flight before new ones are refused with a retryable error', { default: '4096' }),
  spec('experimental-watch-progress-notify-interval', 'duration', 'member', 'period of progress notifications to watchers that asked for them', { default: '10m' }),
  spec('request-timeout', 'duration', 'logbook', 'how long a request may wait for commit and apply: a Go duration (5s, 1500ms) or milliseconds', { defaultText: '5s + 2 x election-timeout' }),

  spec('version', 'bool', 'logbook', 'print the version and exit'),
  // `-help` (single dash, as Go's flag package takes it); `--help` and `-h` are cli-kit's own.
  spec('help', 'bool', 'logbook', 'print this help and exit'),
];

const V2_DEPRECATION = ['not-yet', 'write-only', 'write-only-skip-check', 'write-only-drop-data', 'gone'];
const NO_DISCOVERY = 'Logbook bootstraps only from --initial-cluster; ignoring discovery would bootstrap a different cluster';

const UNIMPLEMENTED: readonly StoreFlagSpec[] = [
  etcdOnly('config-file', 'string', { refuse: { unless: '', reason: 'Logbook takes its configuration from flags and ETCD_* variables only' } }),
  etcdOnly('wal-dir', 'string'),
  etcdOnly('listen-client-http-urls', 'urls'),
  etcdOnly('listen-metrics-urls', 'urls'),
  etcdOnly('max-snapshots', 'uint'),
  etcdOnly('max-wals', 'uint'),
  etcdOnly('initial-election-tick-advance', 'bool'),
  etcdOnly('backend-bbolt-freelist-type', 'string'),
  etcdOnly('experimental-backend-bbolt-freelist-type', 'string'),
  etcdOnly('grpc-keepalive-min-time', 'duration'),
  etcdOnly('grpc-keepalive-interval', 'duration'),
  etcdOnly('grpc-keepalive-timeout', 'duration'),
  etcdOnly('socket-reuse-port', 'bool'),
  etcdOnly('socket-reuse-address', 'bool'),
  etcdOnly('max-concurrent-streams', 'uint'),
  etcdOnly('raft-read-timeout', 'duration'),
  etcdOnly('raft-write-timeout', 'duration'),
  etcdOnly('discovery', 'string', { refuse: { unless: '', reason: NO_DISCOVERY } }),
  etcdOnly('discovery-fallback', 'enum', { values: ['exit', 'proxy'] }),
  etcdOnly('discovery-proxy', 'string'),
  etcdOnly('discovery-srv', 'string', { refuse: { unless: '', reason: NO_DISCOVERY } }),
  etcdOnly('discovery-srv-name', 'string', { refuse: { unless: '', reason: NO_DISCOVERY } }),
  etcdOnly('strict-reconfig-check', 'bool'),
  etcdOnly('enable-v2', 'bool'),
  etcdOnly('experimental-enable-v2v3', 'string'),
  etcdOnly('v2-deprecation', 'enum', { values: V2_DEPRECATION }),
  etcdOnly('next-cluster-version-compatible', 'bool'),
  etcdOnly('proxy', 'enum', { values: ['off', 'readonly', 'on'], refuse: { unless: 'off', reason: 'Logbook\'s store always runs as a member, never as a proxy' } }),
  etcdOnly('proxy-failure-wait', 'uint'),
  etcdOnly('proxy-refresh-interval', 'uint'),
  etcdOnly('proxy-dial-timeout', 'uint'),
  etcdOnly('proxy-write-timeout', 'uint'),
  etcdOnly('proxy-read-timeout', 'uint'),
  etcdOnly('client-cert-file', 'string'),
  etcdOnly('client-key-file', 'string'),
  etcdOnly('client-crl-file', 'string'),
  etcdOnly('client-cert-allowed-hostname', 'list'),
  etcdOnly('auto-tls', 'bool'),
  etcdOnly('peer-client-cert-file', 'string'),
  etcdOnly('peer-client-key-file', 'string'),
  etcdOnly('peer-auto-tls', 'bool'),
  etcdOnly('self-signed-cert-validity', 'uint'),
  etcdOnly('peer-crl-file', 'string'),
  etcdOnly('peer-cert-allowed-cn', 'list'),
  etcdOnly('peer-cert-allowed-hostname', 'list'),
  etcdOnly('cipher-suites', 'list'),
  etcdOnly('experimental-peer-skip-client-san-verification', 'bool'),
  etcdOnly('tls-min-version', 'enum', { values: ['TLS1.2', 'TLS1.3'] }),
  etcdOnly('tls-max-version', 'enum', { values: ['', 'TLS1.2', 'TLS1.3'] }),
  etcdOnly('cors', 'list'),
  etcdOnly('host-whitelist', 'list'),
  etcdOnly('logger', 'string'),
  etcdOnly('log-outputs', 'list'),
  etcdOnly('log-output', 'list'),
  etcdOnly('log-package-levels', 'string'),
  etcdOnly('enable-log-rotation', 'bool'),
  etcdOnly('log-rotation-config-json', 'string'),
  etcdOnly('auto-compaction-retention', 'string'),
  etcdOnly('auto-compaction-mode', 'enum', { values: ['periodic', 'revision'] }),
  etcdOnly('enable-pprof', 'bool'),
  etcdOnly('metrics', 'enum', { values: ['basic', 'extensive'] }),
  etcdOnly('experimental-enable-distributed-tracing', 'bool'),
  etcdOnly('experimental-distributed-tracing-address', 'string'),
  etcdOnly('experimental-distributed-tracing-service-name', 'string'),
  etcdOnly('experimental-distributed-tracing-instance-id', 'string'),
  etcdOnly('experimental-distributed-tracing-sampling-rate', 'int'),
  etcdOnly('auth-token', 'string'),
  etcdOnly('bcrypt-cost', 'uint'),
  etcdOnly('auth-token-ttl', 'uint'),
  etcdOnly('enable-grpc-gateway', 'bool'),
  etcdOnly('experimental-initial-corrupt-check', 'bool'),
  etcdOnly('experimental-corrupt-check-time', 'duration'),
  etcdOnly('experimental-compact-hash-check-enabled', 'bool'),
  etcdOnly('experimental-compact-hash-check-time', 'duration'),
  etcdOnly('experimental-enable-lease-checkpoint', 'bool'),
  etcdOnly('experimental-enable-lease-checkpoint-persist', 'bool'),
  etcdOnly('experimental-compaction-batch-limit', 'int'),
  etcdOnly('experimental-compaction-sleep-interval', 'duration'),
  etcdOnly('experimental-downgrade-check-time', 'duration'),
  etcdOnly('experimental-warning-apply-duration', 'duration'),
  etcdOnly('experimental-memory-mlock', 'bool'),
  etcdOnly('experimental-txn-mode-write-with-shared-buffer', 'bool'),
  etcdOnly('experimental-stop-grpc-service-on-defrag', 'bool'),
  etcdOnly('experimental-bootstrap-defrag-threshold-megabytes', 'uint'),
  etcdOnly('unsafe-no-fsync', 'bool'),
  etcdOnly('force-new-cluster', 'bool'),
  // etcd 0.4's flags, which etcd itself still accepts and ignores.
  ...['cluster-active-size', 'cluster-remove-delay', 'cluster-sync-interval', 'config', 'force', 'max-result-buffer', 'max-retry-attempts', 'peer-heartbeat-interval', 'peer-election-timeout', 'retry-interval', 'snapshot', 'v', 'vv'].map((n) => etcdOnly(n, 'bool')),
];

export const STORE_FLAGS: readonly StoreFlagSpec[] = [...IMPLEMENTED, ...UNIMPLEMENTED];

export const STORE_FLAGS_BY_NAME: ReadonlyMap<string, StoreFlagSpec> = new Map(STORE_FLAGS.map((s) => [s.name, s] as const));

/** etcd's rule: ETCD_ + the flag name upper-cased, '-' -> '_'. */
export function flagEnvKey(name: string): string {
  return `ETCD_${name.toUpperCase().replaceAll('-', '_')}`;
}

const SECTION_TITLES: readonly (readonly [FlagSection, string])[] = [
  ['member', 'Member'],
  ['clustering', 'Clustering'],
  ['security', 'Security'],
  ['logging', 'Logging'],
  ['logbook', 'Logbook'],
];

export function storeHelp(command = 'logbook store'): string {
  const lines = [`usage: ${command} [flags]`, '', 'Runs one member of a Logbook store cluster (1, 3 or 5 members) serving the etcd v3 API.', ''];
  for (const [section, title] of SECTION_TITLES) {
    lines.push(`${title}:`);
    for (const s of IMPLEMENTED) {
      if (s.section !== section || s.name === 'help') continue;
      lines.push(`  --${s.name}${s.arg === undefined ? '' : ` ${s.arg}`}`);
      const dflt = s.default ?? s.defaultText;
      lines.push(`      ${s.help}${dflt === undefined ? '' : ` (default ${dflt})`}`);
    }
    lines.push('');
  }
  lines.push(
    'Flags take one or two dashes, and --flag=value or --flag value. Every flag can also be set from the',
    'environment as etcd reads it (--data-dir: ETCD_DATA_DIR); a flag on the command line wins, with a warning.',
    `The other ${UNIMPLEMENTED.length} etcd 3.4/3.5 server flags are accepted and named in a warning; they have no effect.`,
    '',
  );
  return lines.join('\n');
}
