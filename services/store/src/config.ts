// `logbook store`'s configuration: etcd's command line (and ETCD_* variables)
// validated by etcd's rules into one frozen StoreConfig. Every problem is
// reported at once; accepted-but-unimplemented flags come back as warnings
// for main.ts to log. Pure: main.ts passes process.argv and process.env in.

import { LOG_LEVELS, type LogLevel } from '@logbook/cli-kit';
import {
  BASE_REQUEST_TIMEOUT_MS,
  DEFAULT_BACKEND_BATCH_INTERVAL_MS,
  DEFAULT_BACKEND_BATCH_LIMIT,
  DEFAULT_QUOTA_BACKEND_BYTES,
  DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES,
  DEFAULT_SNAPSHOT_COUNT,
  MAX_BACKEND_BATCH_INTERVAL_MS,
  MAX_BACKEND_BATCH_LIMIT,
  MAX_ELECTION_TIMEOUT_MS,
  storeHelp,
  SUGGESTED_MAX_QUOTA_BACKEND_BYTES,
} from './etcd-flags.ts';
import { readFlagSources, type Env, type FlagValues } from './flag-sources.ts';
import { parseGoDurationMs } from '@logbook/cli-kit';
import { readTlsFlags, type TlsFiles } from './tls-flags.ts';
import { isUnspecifiedHost, parseAdvertiseUrls, parseInitialCluster, parseListenUrls, urlKey, type InitialClusterMember, type ListenUrl } from './urls.ts';

export { STORE_FLAGS, storeHelp, flagEnvKey, type StoreFlagSpec } from './etcd-flags.ts';
export type { ListenUrl, TlsFiles, InitialClusterMember };

/** Logbook's release, and the etcd server version whose API and flags it follows. */
export const STORE_VERSION = { logbook: '0.1.0', etcd: '3.5.0' } as const;

export interface StoreConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrls: readonly ListenUrl[];
  readonly advertiseClientUrls: readonly string[];
  readonly listenPeerUrls: readonly ListenUrl[];
  readonly initialAdvertisePeerUrls: readonly string[];
  readonly initialCluster: readonly InitialClusterMember[];
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly snapshotCount: number;
  readonly snapshotCatchUpEntries: number;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  /** Always positive: etcd's 0 is resolved to its 2 GiB default; a negative (no quota) is refused. */
  readonly quotaBackendBytes: number;
  readonly maxRequestBytes: number;
  readonly maxTxnOps: number;
  /** --backend-batch-interval, in ms; always positive (etcd's 0 is resolved to its 100 ms default). */
  readonly backendBatchIntervalMs: number;
  /** --backend-batch-limit, in key writes; always positive (etcd's 0 is resolved to its 10,000 default). */
  readonly backendBatchLimit: number;
  /** Present when --cert-file and --key-file are given. */
  readonly clientTls?: TlsFiles;
  /** Present when --peer-cert-file and --peer-key-file are given. */
  readonly peerTls?: TlsFiles;
  /** Comma-separated NATS server URLs; absent: committed changes are not published. */
  readonly natsUrl?: string;
  readonly natsSubjectPrefix: string;
  readonly logLevel: LogLevel;
  readonly maxPendingProposals: number;
  readonly requestTimeoutMs: number;
  /** --experimental-watch-progress-notify-interval. */
  readonly watchProgressNotifyIntervalMs: number;
}

export type StoreConfigResult =
  | { readonly kind: 'config'; readonly config: StoreConfig; readonly warnings: string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'invalid'; readonly problems: string[] };

/** Integer flag in [min, max], or a problem (and `min`, so later checks still run). */
function intValue(v: FlagValues, name: string, problems: string[], min: number, max: number): number {
  const raw = v.get(name) ?? '';
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`invalid value "${raw}" for ${v.ref(name)}: want an integer in [${min}, ${max}]`);
    return min;
  }
  return n;
}

export function parseStoreConfig(argv: readonly string[], env: Env = {}): StoreConfigResult {
  const { values: v, help, problems, warnings } = readFlagSources(argv, env);
  if (help) return { kind: 'help', text: storeHelp() };
  if (v.get('version') === 'true') {
    return { kind: 'version', text: `logbook store ${STORE_VERSION.logbook} (etcd API ${STORE_VERSION.etcd})\n` };
  }
  const member = readMember(v, problems, warnings);
  const cluster = readCluster(v, member.name, problems, warnings);
  const clientTls = readTlsFlags('client', v, member.listenClientUrls, problems, warnings);
  const peerTls = readTlsFlags('peer', v, member.listenPeerUrls, problems, warnings);
  const raft = readRaftTiming(v, problems, warnings);
  const limits = readLimits(v, problems, warnings);
  const logbook = readLogbook(v, raft.electionTimeoutMs, problems, warnings);
  if (problems.length > 0) return { kind: 'invalid', problems };
  const config: StoreConfig = {
    ...member,
    ...cluster,
    ...raft,
    ...limits,
    ...logbook,
    ...(clientTls === undefined ? {} : { clientTls }),
    ...(peerTls === undefined ? {} : { peerTls }),
  };
  return { kind: 'config', config: deepFreeze(config), warnings };
}

function readMember(v: FlagValues, problems: string[], warnings: string[]) {
  const name = v.get('name') ?? '';
  if (name === '') problems.push(`${v.ref('name')} must not be empty`);
  if (/[,=]/.test(name)) problems.push(`${v.ref('name')} must not contain "," or "=" (got "${name}"): it is a key in --initial-cluster`);
  let dataDir = v.get('data-dir') ?? '';
  if (dataDir === '') {
    dataDir = `${name}.etcd`;
    if (v.isSet('data-dir')) warnings.push(`${v.ref('data-dir')} is empty; using the default "${dataDir}"`);
  }
  const listenClientUrls = parseListenUrls(v.get('listen-client-urls') ?? '', v.ref('listen-client-urls'), problems);
  const listenPeerUrls = parseListenUrls(v.get('listen-peer-urls') ?? '', v.ref('listen-peer-urls'), problems);
  // etcd drops its default advertised client URL once the listen URLs are
  // set, since the default would then point at something not listening.
  if (v.isSet('listen-client-urls') && !v.isSet('advertise-client-urls')) {
    problems.push(`--advertise-client-urls must be given when ${v.ref('listen-client-urls')} is set`);
  }
  const advertiseClientUrls = parseAdvertiseUrls(v.get('advertise-client-urls') ?? '', v.ref('advertise-client-urls'), problems);
  for (const u of advertiseClientUrls.filter(isUnspecifiedHost)) warnings.push(`--advertise-client-urls ${u}: an unspecified address tells clients nothing about where to connect`);
  return { name, dataDir, listenClientUrls, listenPeerUrls, advertiseClientUrls };
}

function readCluster(v: FlagValues, name: string, problems: string[], warnings: string[]) {
  const initialAdvertisePeerUrls = parseAdvertiseUrls(v.get('initial-advertise-peer-urls') ?? '', v.ref('initial-advertise-peer-urls'), problems);
  for (const u of initialAdvertisePeerUrls.filter(isUnspecifiedHost)) warnings.push(`--initial-advertise-peer-urls ${u}: an unspecified address tells peers nothing about where to connect`);
  const state = v.get('initial-cluster-state') ?? '';
  if (state !== 'new' && state !== 'existing') problems.push(`invalid value "${state}" for ${v.ref('initial-cluster-state')}: want "new" or "existing"`);
  const initialClusterState = state === 'existing' ? 'existing' : 'new';
  const initialClusterToken = v.get('initial-cluster-token') ?? '';
  if (initialClusterToken === '') problems.push(`${v.ref('initial-cluster-token')} must not be empty`);

  // Without --initial-cluster this member bootstraps alone. (etcd derives
  // this only when --name was changed; deriving it always is never wrong.)
  const initialCluster = v.isSet('initial-cluster')
    ? parseInitialCluster(v.get('initial-cluster') ?? '', v.ref('initial-cluster'), problems)
    : [{ name, peerUrls: initialAdvertisePeerUrls }];
  checkInitialCluster(v, name, initialCluster, initialAdvertisePeerUrls, initialClusterState, problems, warnings);
  return { initialAdvertisePeerUrls, initialCluster, initialClusterState, initialClusterToken } as const;
}

/** etcd's bootstrap checks: this member is listed, with exactly its advertised peer URLs, and no URL is shared. */
function checkInitialCluster(
  v: FlagValues,
  name: string,
  cluster: readonly InitialClusterMember[],
  advertised: readonly string[],
  state: 'new' | 'existing',
  problems: string[],
  warnings: string[],
): void {
  if (cluster.length === 0) return; // already reported
  const owner = new Map<string, string>();
  for (const m of cluster) {
    for (const u of m.peerUrls) {
      const other = owner.get(urlKey(u));
      if (other !== undefined) problems.push(`${v.ref('initial-cluster')} lists peer URL ${u} twice (members "${other}" and "${m.name}")`);
      else owner.set(urlKey(u), m.name);
    }
  }
  const self = cluster.find((m) => m.name === name);
  if (self === undefined) {
    problems.push(`${v.ref('initial-cluster')} does not list this member's --name "${name}" (got ${clusterString(cluster)})`);
    return;
  }
  if (state === 'new' && cluster.length % 2 === 0) {
    warnings.push(`--initial-cluster has ${cluster.length} members: an even-sized cluster tolerates no more failures than one of ${cluster.length - 1}`);
  }
  // Like etcd, only a new cluster is checked: a joining member's peer URLs
  // were already registered by `member add`.
  if (state !== 'new' || advertised.length === 0) return;
  const adv = new Set(advertised.map(urlKey));
  const listed = new Set(self.peerUrls.map(urlKey));
  const onlyListed = self.peerUrls.filter((u) => !adv.has(urlKey(u)));
  const onlyAdvertised = advertised.filter((u) => !listed.has(urlKey(u)));
  if (onlyListed.length > 0) {
    problems.push(`--initial-cluster has ${onlyListed.map((u) => `${name}=${u}`).join(',')} but missing from --initial-advertise-peer-urls=${advertised.join(',')}`);
  } else if (onlyAdvertised.length > 0) {
    problems.push(`--initial-advertise-peer-urls has ${onlyAdvertised.join(',')} but missing from --initial-cluster=${self.peerUrls.map((u) => `${name}=${u}`).join(',')}`);
  }
}

function clusterString(cluster: readonly InitialClusterMember[]): string {
  return cluster.flatMap((m) => m.peerUrls.map((u) => `${m.name}=${u}`)).join(',');
}

function readRaftTiming(v: FlagValues, problems: string[], warnings: string[]) {
  const uint32 = 2 ** 32 - 1;
  const before = problems.length;
  const heartbeatIntervalMs = intValue(v, 'heartbeat-interval', problems, 1, uint32);
  const electionTimeoutMs = intValue(v, 'election-timeout', problems, 1, uint32);
  if (problems.length === before) {
    // Five heartbeats per election timeout leave room for a few lost
    // heartbeats before followers give up on a healthy leader.
    if (electionTimeoutMs < 5 * heartbeatIntervalMs) {
      problems.push(`--election-timeout[${electionTimeoutMs}ms] must be at least 5 times --heartbeat-interval[${heartbeatIntervalMs}ms]`);
    }
    if (electionTimeoutMs > MAX_ELECTION_TIMEOUT_MS) {
      problems.push(`--election-timeout[${electionTimeoutMs}ms] is too long; it must be at most ${MAX_ELECTION_TIMEOUT_MS}ms`);
    }
  }
  if (v.get('pre-vote') === 'false') warnings.push(`${v.ref('pre-vote')}=false is not supported: Logbook's Raft always runs the pre-vote phase`);
  return { heartbeatIntervalMs, electionTimeoutMs };
}

function readLimits(v: FlagValues, problems: string[], warnings: string[]) {
  let snapshotCount = intValue(v, 'snapshot-count', problems, 0, Number.MAX_SAFE_INTEGER);
  if (snapshotCount === 0) {
    snapshotCount = DEFAULT_SNAPSHOT_COUNT;
    if (v.isSet('snapshot-count')) warnings.push(`${v.ref('snapshot-count')} is 0; using the default ${DEFAULT_SNAPSHOT_COUNT}`);
  }
  let snapshotCatchUpEntries = intValue(v, 'experimental-snapshot-catchup-entries', problems, 0, Number.MAX_SAFE_INTEGER);
  if (snapshotCatchUpEntries === 0) {
    snapshotCatchUpEntries = DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES;
    if (v.isSet('experimental-snapshot-catchup-entries')) warnings.push(`${v.ref('experimental-snapshot-catchup-entries')} is 0; using the default ${DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES}`);
  }
  const quotaRaw = v.get('quota-backend-bytes') ?? '';
  let quotaBackendBytes = intValue(v, 'quota-backend-bytes', problems, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (quotaBackendBytes < 0 && /^-\d+$/.test(quotaRaw)) {
    // etcd reads a negative quota as "no quota"; Logbook bounds every store.
    problems.push(`${v.ref('quota-backend-bytes')} ${quotaRaw}: a negative value (no quota) is not supported; use 0 for the 2 GiB default or a size in bytes`);
  }
  if (quotaBackendBytes === 0) quotaBackendBytes = DEFAULT_QUOTA_BACKEND_BYTES;
  if (quotaBackendBytes > SUGGESTED_MAX_QUOTA_BACKEND_BYTES) {
    warnings.push(`${v.ref('quota-backend-bytes')} ${quotaBackendBytes} exceeds the suggested maximum of 8 GiB; a larger database may degrade performance`);
  }
  // grpc-js counts message lengths in a signed 32-bit integer.
  const maxRequestBytes = intValue(v, 'max-request-bytes', problems, 1, 2 ** 31 - 1);
  const maxTxnOps = intValue(v, 'max-txn-ops', problems, 1, 2 ** 32 - 1);
  return { snapshotCount, snapshotCatchUpEntries, quotaBackendBytes, maxRequestBytes, maxTxnOps, ...readBackendBatch(v, problems) };
}

/** etcd's backend batching flags: 0 (their default) means etcd's own defaults. */
function readBackendBatch(v: FlagValues, problems: string[]) {
  let backendBatchIntervalMs = DEFAULT_BACKEND_BATCH_INTERVAL_MS;
  const rawInterval = v.get('backend-batch-interval') ?? '0';
  const ms = parseGoDurationMs(rawInterval);
  if (ms === undefined || ms < 0 || ms > MAX_BACKEND_BATCH_INTERVAL_MS) {
    problems.push(`invalid value "${rawInterval}" for ${v.ref('backend-batch-interval')}: want a duration from 0 (the 100ms default) to 10m (e.g. 50ms, 1s)`);
  } else if (ms > 0) {
    // The backend's timer counts whole milliseconds; a positive value never means "no batching".
    backendBatchIntervalMs = Math.max(1, Math.round(ms));
  }
  let backendBatchLimit = intValue(v, 'backend-batch-limit', problems, 0, MAX_BACKEND_BATCH_LIMIT);
  if (backendBatchLimit === 0) backendBatchLimit = DEFAULT_BACKEND_BATCH_LIMIT;
  return { backendBatchIntervalMs, backendBatchLimit };
}

function readLogbook(v: FlagValues, electionTimeoutMs: number, problems: string[], warnings: string[]) {
  let level = v.get('log-level') ?? '';
  if (level === 'dpanic' || level === 'panic' || level === 'fatal') {
    warnings.push(`${v.ref('log-level')}=${level} is treated as error`);
    level = 'error';
  }
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push(`invalid value "${level}" for ${v.ref('log-level')}: want one of debug, info, warn, error, dpanic, panic, fatal`);
  }
  // etcd 3.4's --debug; an explicit --log-level wins.
  const logLevel = (v.get('debug') === 'true' && !v.isSet('log-level') ? 'debug' : level) as LogLevel;

  const natsUrl = v.get('nats-url');
  if (natsUrl !== undefined) checkNatsUrls(v, natsUrl, problems);
  const natsSubjectPrefix = v.get('nats-subject-prefix') ?? '';
  if (!/^[^\s.*>]+(\.[^\s.*>]+)*$/.test(natsSubjectPrefix)) {
    problems.push(`invalid value "${natsSubjectPrefix}" for ${v.ref('nats-subject-prefix')}: want dot-separated NATS subject tokens without wildcards or spaces`);
  }
  const maxPendingProposals = intValue(v, 'max-pending-proposals', problems, 1, 1_000_000);

  let requestTimeoutMs = BASE_REQUEST_TIMEOUT_MS + 2 * electionTimeoutMs;
  const rawTimeout = v.get('request-timeout');
  if (rawTimeout !== undefined) {
    const ms = /^\d+$/.test(rawTimeout) ? Number(rawTimeout) : parseGoDurationMs(rawTimeout);
    if (ms === undefined || ms < 1 || ms > 600_000) {
      problems.push(`invalid value "${rawTimeout}" for ${v.ref('request-timeout')}: want a duration from 1ms to 10m (e.g. 5s, 1500ms) or milliseconds`);
    } else {
      requestTimeoutMs = Math.ceil(ms);
    }
  }
  let watchProgressNotifyIntervalMs = 10 * 60_000;
  const rawProgress = v.get('experimental-watch-progress-notify-interval');
  if (rawProgress !== undefined) {
    const ms = parseGoDurationMs(rawProgress);
    if (ms === undefined || ms < 1) problems.push(`invalid value "${rawProgress}" for ${v.ref('experimental-watch-progress-notify-interval')}: want a positive duration (e.g. 200ms, 10m)`);
    else watchProgressNotifyIntervalMs = Math.ceil(ms);
  }
  return { ...(natsUrl === undefined ? {} : { natsUrl }), natsSubjectPrefix, logLevel, maxPendingProposals, requestTimeoutMs, watchProgressNotifyIntervalMs };
}

function checkNatsUrls(v: FlagValues, raw: string, problems: string[]): void {
  const urls = raw.split(',').map((s) => s.trim());
  for (const u of urls) {
    // nats.js takes nats://, tls://, ws:// and wss:// URLs; a bare host:port means nats://.
    if (!/^((nats|tls|ws|wss):\/\/)?([^\s/:@]+@)?(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]@]+)(:\d{1,5})?\/?$/.test(u)) {
      problems.push(`invalid value "${u}" in ${v.ref('nats-url')}: want nats://HOST:PORT (or tls://, ws://, wss://), comma-separated`);
    }
  }
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const value of Object.values(o)) deepFreeze(value);
  }
  return o;
}
