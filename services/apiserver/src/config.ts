// `logbook apiserver`'s configuration: kube-apiserver's command line,
// validated by its rules into one frozen ApiserverConfig. Every problem is
// reported at once (main.ts exits 2 on any); accepted-but-unimplemented flags
// come back as warnings naming them. Pure: main.ts passes process.argv in.
// kube-apiserver reads no flag from the environment, so neither does this.

import { AUDIT_FLAGS } from '@logbook/audit';
import { parseAuthorizationModes, validateWebhookFlags, type AuthorizationMode } from '@logbook/authz';
import { isIP } from 'node:net';
import { parseFlags, parseGoDurationMs } from '@logbook/cli-kit';
import { APISERVER_FLAGS, APISERVER_FLAGS_BY_NAME, apiserverHelp, type ApiserverFlagSpec } from './apiserver-flags.ts';

export { APISERVER_FLAGS, apiserverHelp, type ApiserverFlagSpec } from './apiserver-flags.ts';

/** Logbook's release, and the kube-apiserver version whose API and flags it follows. */
export const APISERVER_VERSION = { logbook: '0.1.0', kubernetes: 'v1.33.0' } as const;

export interface ServiceCidr {
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly prefixLength: number;
  /** The first address after the network: the `kubernetes` service's ClusterIP (10.0.0.1 for 10.0.0.0/24). */
  readonly apiServerServiceIp: string;
}

export interface ApiserverConfig {
  /** Empty only when embedded (`logbook up` wires its own store). */
  readonly etcdServers: readonly string[];
  readonly etcdPrefix: string;
  readonly securePort: number;
  readonly bindAddress: string;
  /** --advertise-address, else --bind-address unless it is unspecified (0.0.0.0, ::); absent: the caller picks an interface. */
  readonly advertiseAddress?: string;
  readonly certDir: string;
  /** Present when both --tls-cert-file and --tls-private-key-file are given; else self-signed material in certDir. */
  readonly tlsCertFile?: string;
  readonly tlsPrivateKeyFile?: string;
  readonly clientCaFile?: string;
  /** One CIDR, or an IPv4 and an IPv6 one (dual stack), primary first. */
  readonly serviceClusterIpRanges: readonly ServiceCidr[];
  /** Inclusive. */
  readonly serviceNodePortRange: { readonly base: number; readonly size: number };
  readonly requestTimeoutMs: number;
  readonly minRequestTimeoutSeconds: number;
  readonly maxRequestsInflight: number;
  readonly maxMutatingRequestsInflight: number;
  readonly watchCache: boolean;
  /** resource[.group] -> size; 0 disables that resource's cache. */
  readonly watchCacheSizes: Readonly<Record<string, number>>;
  readonly defaultWatchCacheSize: number;
  readonly verbosity: number;
  readonly shutdownDelayMs: number;
  readonly goawayChance: number;
  readonly natsUrl?: string;
  /** The store's --nats-subject-prefix. */
  readonly natsSubjectPrefix: string;
  /** --service-account-* and --api-audiences; undefined without an issuer. */
  readonly serviceAccounts?: {
    readonly issuers: readonly string[];
    readonly signingKeyFile?: string;
    readonly keyFiles: readonly string[];
    readonly apiAudiences: readonly string[];
    readonly maxTokenExpirationSeconds: number;
  };
  /** --anonymous-auth. */
  readonly anonymousAuth: boolean;
  /** --token-auth-file. */
  readonly tokenAuthFile?: string;
  /** --enable-bootstrap-token-auth. */
  readonly bootstrapTokenAuth: boolean;
  /** --oidc-*; undefined without --oidc-issuer-url. */
  readonly oidc?: {
    readonly issuerUrl: string;
    readonly clientId: string;
    readonly caFile?: string;
    readonly usernameClaim: string;
    readonly usernamePrefix?: string;
    readonly groupsClaim?: string;
    readonly groupsPrefix?: string;
    readonly requiredClaims: Readonly<Record<string, string>>;
    readonly signingAlgs: readonly string[];
  };
  /** --requestheader-*; undefined without --requestheader-client-ca-file. */
  readonly requestHeader?: {
    readonly clientCaFile: string;
    readonly allowedNames: readonly string[];
    readonly usernameHeaders: readonly string[];
    readonly uidHeaders: readonly string[];
    readonly groupHeaders: readonly string[];
    readonly extraHeaderPrefixes: readonly string[];
  };
  /** --enable-admission-plugins / --disable-admission-plugins as given (resolved against kube's order at start), --admission-control-config-file. */
  readonly admission: {
    readonly enable: readonly string[];
    readonly disable: readonly string[];
    readonly configFile?: string;
    readonly notReadyTolerationSeconds: number;
    readonly unreachableTolerationSeconds: number;
  };
  /** --authorization-webhook-*: with mode Webhook. */
  readonly authorizationWebhook?: { readonly configFile: string; readonly version: string; readonly authorizedTTLMs: number; readonly unauthorizedTTLMs: number };
  /** --encryption-provider-config. */
  readonly encryptionProviderConfig?: string;
  /** The --audit-* flags as given or defaulted (name without dashes -> value), for @logbook/audit. */
  readonly audit: Readonly<Record<string, string>>;
  /** --authorization-mode, in order; empty when unset (Logbook's default: see the flag's help). */
  readonly authorizationModes: readonly AuthorizationMode[];
}

export type ApiserverConfigResult =
  | { readonly kind: 'config'; readonly config: ApiserverConfig; readonly warnings: string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'invalid'; readonly problems: string[] };

export interface ApiserverConfigOptions {
  /** `logbook up`: the store runs in-process, so --etcd-servers is optional. */
  readonly embedded?: boolean;
}

const AUDIT_FLAG_NAMES: ReadonlySet<string> = new Set(AUDIT_FLAGS.map((f) => f.name));
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);
/** Go's net.ParseCIDR-based check in kube-apiserver: a service range may hold at most 2^20 addresses. */
const MAX_SERVICE_CIDR_BITS = 20;
const INT32_MAX = 2 ** 31 - 1;

export function parseApiserverConfig(argv: readonly string[], options: ApiserverConfigOptions = {}): ApiserverConfigResult {
  const parsed = parseFlags(normalizeArgv(argv), APISERVER_FLAGS);
  const problems = [...parsed.problems];
  const warnings = [...parsed.warnings];
  if (parsed.help) return { kind: 'help', text: apiserverHelp() };
  const v = parsed.values;
  if (v.get('version') === 'true') return { kind: 'version', text: `Kubernetes ${APISERVER_VERSION.kubernetes} (Logbook ${APISERVER_VERSION.logbook})\n` };
  for (const s of APISERVER_FLAGS) {
    // The audit flags' values are checked here by kind too; @logbook/audit checks what they mean at start.
    if ((s.unimplemented === true || AUDIT_FLAG_NAMES.has(s.name)) && v.has(s.name)) checkIgnoredValue(s, v.get(s.name) ?? '', problems);
  }
  const get = (name: string): string => v.get(name) ?? '';

  const etcdServers = readEtcdServers(v.get('etcd-servers'), options.embedded === true, problems);
  const etcdPrefix = get('etcd-prefix');
  if (!etcdPrefix.startsWith('/')) problems.push(`invalid value "${etcdPrefix}" for --etcd-prefix: want a key prefix starting with "/"`);

  const securePort = intValue('secure-port', get('secure-port'), problems, 0, 65535);
  if (/^[-+]?0+$/.test(get('secure-port'))) problems.push('--secure-port 0 must be between 1 and 65535, inclusive. It cannot be turned off with 0');
  const bindAddress = ipValue('bind-address', get('bind-address'), problems);
  const advertise = v.has('advertise-address') ? ipValue('advertise-address', get('advertise-address'), problems) : undefined;
  const advertiseAddress = advertise ?? (bindAddress === '0.0.0.0' || bindAddress === '::' || bindAddress === '' ? undefined : bindAddress);

  const tls = readTls(v, problems);
  const certDir = get('cert-dir');
  if (certDir === '' && tls.tlsCertFile === undefined) problems.push('--cert-dir must not be empty when --tls-cert-file and --tls-private-key-file are not given');

  const serviceClusterIpRanges = readServiceCidrs(get('service-cluster-ip-range'), problems);
  const serviceNodePortRange = readPortRange(get('service-node-port-range'), problems);
  const requestTimeoutMs = durationValue('request-timeout', get('request-timeout'), problems);
  const minRequestTimeoutSeconds = nonNegative('min-request-timeout', get('min-request-timeout'), problems);
  const maxRequestsInflight = nonNegative('max-requests-inflight', get('max-requests-inflight'), problems);
  const maxMutatingRequestsInflight = nonNegative('max-mutating-requests-inflight', get('max-mutating-requests-inflight'), problems);
  const watchCache = get('watch-cache') === 'true';
  const watchCacheSizes = readWatchCacheSizes(v.get('watch-cache-sizes'), problems);
  const defaultWatchCacheSize = nonNegative('default-watch-cache-size', get('default-watch-cache-size'), problems);
  if (!watchCache && (v.has('watch-cache-sizes') || get('default-watch-cache-size') !== '100')) warnings.push('--watch-cache=false: --watch-cache-sizes and --default-watch-cache-size have no effect');
  const verbosity = intValue('v', get('v'), problems, 0, INT32_MAX);
  const shutdownDelayMs = durationValue('shutdown-delay-duration', get('shutdown-delay-duration'), problems);
  const goawayChance = readGoawayChance(get('goaway-chance'), problems);
  const natsUrl = v.get('nats-url');
  if (natsUrl !== undefined) checkNatsUrls(natsUrl, problems);
  const authorizationModes = v.has('authorization-mode') ? readAuthorizationModes(get('authorization-mode'), problems) : [];
  const anonymousAuth = get('anonymous-auth') !== 'false';
  const serviceAccounts = readServiceAccounts(v, get, problems);
  const tokenAuthFile = v.get('token-auth-file');
  const bootstrapTokenAuth = get('enable-bootstrap-token-auth') === 'true';
  const authorizationWebhook = readAuthorizationWebhook(authorizationModes, get, problems);
  const encryptionProviderConfig = get('encryption-provider-config');
  const audit: Record<string, string> = {};
  for (const f of AUDIT_FLAGS) {
    const value = v.get(f.name);
    if (value !== undefined) audit[f.name] = value;
  }
  const admissionConfigFile = get('admission-control-config-file');
  const admission = {
    enable: listValue(get('enable-admission-plugins')),
    disable: listValue(get('disable-admission-plugins')),
    ...(admissionConfigFile !== '' ? { configFile: admissionConfigFile } : {}),
    notReadyTolerationSeconds: intValue('default-not-ready-toleration-seconds', get('default-not-ready-toleration-seconds'), problems, 0, INT32_MAX),
    unreachableTolerationSeconds: intValue('default-unreachable-toleration-seconds', get('default-unreachable-toleration-seconds'), problems, 0, INT32_MAX),
  };
  const oidc = readOidc(v, get, problems);
  const requestHeader = readRequestHeader(v, get, problems);
  const natsSubjectPrefix = get('nats-subject-prefix');
  if (!/^[^\s.*>]+(\.[^\s.*>]+)*$/.test(natsSubjectPrefix)) {
    problems.push(`invalid value "${natsSubjectPrefix}" for --nats-subject-prefix: want dot-separated NATS subject tokens without wildcards or spaces`);
  }

  if (problems.length > 0) return { kind: 'invalid', problems };
  const config: ApiserverConfig = {
    etcdServers,
    etcdPrefix,
    securePort,
    bindAddress,
    ...(advertiseAddress === undefined ? {} : { advertiseAddress }),
    certDir,
    ...tls,
    serviceClusterIpRanges,
    serviceNodePortRange,
    requestTimeoutMs,
    minRequestTimeoutSeconds,
    maxRequestsInflight,
    maxMutatingRequestsInflight,
    watchCache,
    watchCacheSizes,
    defaultWatchCacheSize,
    verbosity,
    shutdownDelayMs,
    goawayChance,
    ...(natsUrl === undefined ? {} : { natsUrl }),
    natsSubjectPrefix,
    authorizationModes,
    anonymousAuth,
    ...(serviceAccounts !== undefined ? { serviceAccounts } : {}),
    ...(tokenAuthFile !== undefined && tokenAuthFile !== '' ? { tokenAuthFile } : {}),
    bootstrapTokenAuth,
    admission,
    audit,
    ...(authorizationWebhook !== undefined ? { authorizationWebhook } : {}),
    ...(encryptionProviderConfig !== '' ? { encryptionProviderConfig } : {}),
    ...(oidc !== undefined ? { oidc } : {}),
    ...(requestHeader !== undefined ? { requestHeader } : {}),
  };
  return { kind: 'config', config: deepFreeze(config), warnings };
}

/**
 * pflag's forms that cli-kit does not know: klog's shorthand `-v N` / `-v=N`
 * / `-vN`, and Go's spellings of booleans (`--watch-cache=0`, `=F`).
 */
function normalizeArgv(argv: readonly string[]): string[] {
  return argv.map((a) => {
    const shorthand = /^-v(?:=?)(.*)$/.exec(a);
    if (shorthand !== null) return shorthand[1] === '' ? '--v' : `--v=${shorthand[1]}`;
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m !== null && APISERVER_FLAGS_BY_NAME.get(m[1]!)?.kind === 'bool') {
      if (GO_TRUE.has(m[2]!)) return `--${m[1]}=true`;
      if (GO_FALSE.has(m[2]!)) return `--${m[1]}=false`;
    }
    return a;
  });
}

function intValue(name: string, raw: string, problems: string[], min: number, max: number): number {
  const n = Number(raw);
  if (!/^[-+]?\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    problems.push(`invalid value "${raw}" for --${name}: want an integer`);
    return min;
  }
  if (n < min || n > max) {
    problems.push(`invalid value "${raw}" for --${name}: want an integer in [${min}, ${max}]`);
    return min;
  }
  return n;
}

/** kube-apiserver's wording for its non-negative integer limits. */
function nonNegative(name: string, raw: string, problems: string[]): number {
  const n = Number(raw);
  if (!/^[-+]?\d+$/.test(raw) || !Number.isSafeInteger(n) || n > INT32_MAX) {
    problems.push(`invalid value "${raw}" for --${name}: want an integer`);
    return 0;
  }
  if (n < 0) problems.push(`--${name} can not be negative value`);
  return Math.max(n, 0);
}

function durationValue(name: string, raw: string, problems: string[]): number {
  const ms = parseGoDurationMs(raw);
  if (ms === undefined) {
    problems.push(`invalid value "${raw}" for --${name}: want a duration such as 1m0s, 30s or 1500ms`);
    return 0;
  }
  if (ms < 0) problems.push(`--${name} can not be negative value`);
  return Math.max(ms, 0);
}

function ipValue(name: string, raw: string, problems: string[]): string {
  if (isIP(raw) === 0) {
    problems.push(`invalid value "${raw}" for --${name}: failed to parse IP`);
    return '';
  }
  return raw;
}

function readEtcdServers(raw: string | undefined, embedded: boolean, problems: string[]): string[] {
  if (raw === undefined || raw === '') {
    if (!embedded) problems.push('--etcd-servers must be specified');
    return [];
  }
  const servers = raw.split(',').map((s) => s.trim());
  for (const s of servers) {
    let ok: boolean;
    try {
      const u = new URL(s);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && (u.pathname === '' || u.pathname === '/') && u.search === '' && u.username === '';
    } catch {
      ok = false; // reported below with the flag's name
    }
    if (!ok) problems.push(`invalid value "${s}" in --etcd-servers: want http(s)://HOST:PORT, comma-separated`);
  }
  return servers;
}

function readTls(v: ReadonlyMap<string, string>, problems: string[]): { tlsCertFile?: string; tlsPrivateKeyFile?: string; clientCaFile?: string } {
  const cert = v.get('tls-cert-file') ?? '';
  const key = v.get('tls-private-key-file') ?? '';
  const ca = v.get('client-ca-file') ?? '';
  if ((cert === '') !== (key === '')) {
    problems.push(cert === '' ? '--tls-private-key-file is given without --tls-cert-file' : '--tls-cert-file is given without --tls-private-key-file');
  }
  return { ...(cert === '' || key === '' ? {} : { tlsCertFile: cert, tlsPrivateKeyFile: key }), ...(ca === '' ? {} : { clientCaFile: ca }) };
}

function readServiceCidrs(raw: string, problems: string[]): ServiceCidr[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (raw === '') {
    problems.push('--service-cluster-ip-range must not be empty');
    return [];
  }
  if (parts.length > 2) {
    problems.push(`--service-cluster-ip-range "${raw}" must contain at most one IPv4 and one IPv6 CIDR`);
    return [];
  }
  const out: ServiceCidr[] = [];
  parts.forEach((p, i) => {
    const c = parseCidr(p);
    if (c === undefined) {
      problems.push(`service-cluster-ip-range[${i}] "${p}" is not a valid cidr`);
      return;
    }
    const bits = c.family === 4 ? 32 : 128;
    if (bits - c.prefixLength > MAX_SERVICE_CIDR_BITS) {
      problems.push(`specified --service-cluster-ip-range[${i}] "${p}" is too large; for ${bits}-bit addresses, the mask must be >= ${bits - MAX_SERVICE_CIDR_BITS}`);
      return;
    }
    if (bits - c.prefixLength < 2) {
      // /31 and /32 leave no address for the kubernetes service after the network address.
      problems.push(`specified --service-cluster-ip-range[${i}] "${p}" is too small; it needs at least 4 addresses`);
      return;
    }
    out.push(c);
  });
  if (out.length === 2 && out[0]!.family === out[1]!.family) {
    problems.push('--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family');
  }
  return out;
}

/** `ip/prefix` normalized to its network address, like Go's net.ParseCIDR. */
function parseCidr(s: string): ServiceCidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (m === null) return undefined;
  const ipFamily = isIP(m[1]!);
  if (ipFamily === 0) return undefined;
  const family = ipFamily === 4 ? 4 : 6;
  const prefixLength = Number(m[2]);
  if (prefixLength > (family === 4 ? 32 : 128)) return undefined;
  const bits = family === 4 ? 32 : 128;
  const value = ipToBigInt(m[1]!, family);
  if (value === undefined) return undefined;
  const hostMask = (1n << BigInt(bits - prefixLength)) - 1n;
  const network = value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  return { cidr: `${bigIntToIp(network, family)}/${prefixLength}`, family, prefixLength, apiServerServiceIp: bigIntToIp(network + 1n, family) };
}

function ipToBigInt(ip: string, family: 4 | 6): bigint | undefined {
  if (family === 4) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  if (ip.includes('.')) return undefined; // IPv4-embedded IPv6 is not a service range anyone uses
  const [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bigIntToIp(n: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Shorten the longest run of zero groups, as Go prints IPv6 addresses.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

/** utilnet.PortRange: "a-b" (inclusive), "a+n" (a to a+n), or a single port. */
function readPortRange(raw: string, problems: string[]): { base: number; size: number } {
  const m = /^(\d{1,5})(?:([-+])(\d{1,5}))?$/.exec(raw.trim());
  const bad = (why: string): { base: number; size: number } => {
    problems.push(`invalid value "${raw}" for --service-node-port-range: ${why}`);
    return { base: 0, size: 0 };
  };
  if (m === null) return bad('want a port range such as 30000-32767 or 30000+2767');
  const base = Number(m[1]);
  const other = m[3] === undefined ? base : m[2] === '-' ? Number(m[3]) : base + Number(m[3]);
  if (base > 65535 || other > 65535) return bad('ports must be at most 65535');
  if (other < base) return bad('the end of the range is before its start');
  return { base, size: other - base + 1 };
}

function readWatchCacheSizes(raw: string | undefined, problems: string[]): Record<string, number> {
  // No prototype: a resource named "constructor" is just a key.
  const sizes = Object.create(null) as Record<string, number>;
  if (raw === undefined || raw === '') return sizes;
  for (const entry of raw.split(',')) {
    const tokens = entry.split('#');
    if (tokens.length !== 2 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(tokens[0]!)) {
      problems.push(`invalid value of watch cache size: "${entry}" in --watch-cache-sizes: want resource[.group]#size`);
      continue;
    }
    const size = Number(tokens[1]);
    if (!/^-?\d+$/.test(tokens[1]!) || !Number.isSafeInteger(size)) {
      problems.push(`invalid size of watch cache size: "${entry}" in --watch-cache-sizes`);
      continue;
    }
    if (size < 0) {
      problems.push(`watch cache size cannot be negative: "${entry}" in --watch-cache-sizes`);
      continue;
    }
    sizes[tokens[0]!] = size;
  }
  return sizes;
}

function readGoawayChance(raw: string, problems: string[]): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    problems.push(`invalid value "${raw}" for --goaway-chance: want a number`);
    return 0;
  }
  // Above 2% upstream judges the reconnect churn worse than the imbalance it fixes.
  if (n < 0 || n > 0.02) problems.push('--goaway-chance can not be less than 0 or greater than 0.02');
  return n;
}

function checkNatsUrls(raw: string, problems: string[]): void {
  for (const u of raw.split(',').map((s) => s.trim())) {
    // nats.js takes nats://, tls://, ws:// and wss:// URLs; a bare host:port means nats://.
    if (!/^((nats|tls|ws|wss):\/\/)?([^\s/:@]+@)?(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]@]+)(:\d{1,5})?\/?$/.test(u)) {
      problems.push(`invalid value "${u}" in --nats-url: want nats://HOST:PORT (or tls://, ws://, wss://), comma-separated`);
    }
  }
}

/** The value of a flag Logbook accepts but does not act on must still be well-formed: upstream would refuse to start. */
function checkIgnoredValue(s: ApiserverFlagSpec, v: string, problems: string[]): void {
  const bad = (want: string): void => {
    problems.push(`invalid value "${v}" for --${s.name}: want ${want}`);
  };
  switch (s.kind) {
    case 'int':
      if (!/^[-+]?\d+$/.test(v)) bad('an integer');
      break;
    case 'float':
      if (v.trim() === '' || !Number.isFinite(Number(v))) bad('a number');
      break;
    case 'duration':
      if (parseGoDurationMs(v) === undefined) bad('a duration such as 300ms, 5s or 1h30m');
      break;
    case 'ip':
      if (isIP(v) === 0) bad('an IP address');
      break;
    case 'map':
      if (v !== '' && !v.split(',').every((kv) => kv.includes('='))) bad('KEY=VALUE pairs, comma-separated');
      break;
    case 'bool':
    case 'string':
    case 'list':
      break;
  }
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const value of Object.values(o)) deepFreeze(value);
  }
  return o;
}

function readAuthorizationModes(raw: string, problems: string[]): AuthorizationMode[] {
  let modes: AuthorizationMode[];
  try {
    modes = parseAuthorizationModes(raw);
  } catch (err) {
    problems.push(`invalid value "${raw}" for --authorization-mode: ${err instanceof Error ? err.message : String(err)}`);
    return ['AlwaysAllow'];
  }
  for (const m of modes) if (m === 'ABAC') problems.push(`--authorization-mode: ${m} is not implemented`);
  return modes;
}

function listValue(raw: string): string[] {
  return raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

/** kube's rules: an issuer is needed for anything; a signing key needs an issuer; keys default to the signing key. */
function readServiceAccounts(v: { has(name: string): boolean }, get: (name: string) => string, problems: string[]): ApiserverConfig['serviceAccounts'] {
  const issuers = listValue(get('service-account-issuer'));
  const signingKeyFile = get('service-account-signing-key-file');
  const keyFiles = listValue(get('service-account-key-file'));
  if (issuers.length === 0) {
    if (signingKeyFile !== '' || keyFiles.length > 0) problems.push('--service-account-issuer is required with --service-account-signing-key-file or --service-account-key-file');
    return undefined;
  }
  if (signingKeyFile === '' && keyFiles.length === 0) problems.push('--service-account-issuer needs --service-account-signing-key-file or --service-account-key-file');
  const maxMs = parseGoDurationMs(get('service-account-max-token-expiration'));
  if (maxMs === undefined || maxMs < 0) problems.push(`invalid value "${get('service-account-max-token-expiration')}" for --service-account-max-token-expiration`);
  const audiences = listValue(get('api-audiences'));
  return {
    issuers, keyFiles, apiAudiences: audiences.length > 0 ? audiences : issuers,
    ...(signingKeyFile !== '' ? { signingKeyFile } : {}),
    maxTokenExpirationSeconds: Math.floor((maxMs ?? 0) / 1000),
  };
}

/** kube's rules: the issuer turns OIDC on and then needs https and a client id. */
function readOidc(v: { has(name: string): boolean }, get: (name: string) => string, problems: string[]): ApiserverConfig['oidc'] {
  const issuerUrl = get('oidc-issuer-url');
  if (issuerUrl === '') {
    for (const f of ['oidc-client-id', 'oidc-ca-file', 'oidc-groups-claim', 'oidc-required-claim']) {
      if (v.has(f)) problems.push(`--${f} needs --oidc-issuer-url`);
    }
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(issuerUrl);
  } catch {
    problems.push(`invalid value "${issuerUrl}" for --oidc-issuer-url: want an https URL`);
  }
  if (url !== undefined && url.protocol !== 'https:') problems.push(`--oidc-issuer-url ${JSON.stringify(issuerUrl)} must use the https scheme`);
  const clientId = get('oidc-client-id');
  if (clientId === '') problems.push('--oidc-client-id must not be empty when --oidc-issuer-url is set');
  const requiredClaims: Record<string, string> = {};
  for (const pair of listValue(get('oidc-required-claim'))) {
    const i = pair.indexOf('=');
    if (i <= 0) problems.push(`invalid value "${pair}" for --oidc-required-claim: want CLAIM=VALUE`);
    else requiredClaims[pair.slice(0, i)] = pair.slice(i + 1);
  }
  const signingAlgs = listValue(get('oidc-signing-algs'));
  const allowedAlgs = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512']);
  for (const a of signingAlgs) if (!allowedAlgs.has(a)) problems.push(`oidc-signing-algs: unsupported signing alg: ${a}`);
  const opt = (flag: string): string | undefined => (v.has(flag) ? get(flag) : undefined);
  const caFile = opt('oidc-ca-file');
  const usernamePrefix = opt('oidc-username-prefix');
  const groupsClaim = opt('oidc-groups-claim');
  const groupsPrefix = opt('oidc-groups-prefix');
  return {
    issuerUrl, clientId, usernameClaim: get('oidc-username-claim'), requiredClaims, signingAlgs,
    ...(caFile !== undefined && caFile !== '' ? { caFile } : {}),
    ...(usernamePrefix !== undefined ? { usernamePrefix } : {}),
    ...(groupsClaim !== undefined && groupsClaim !== '' ? { groupsClaim } : {}),
    ...(groupsPrefix !== undefined ? { groupsPrefix } : {}),
  };
}

/** The front proxy: its client CA turns it on; the header lists need at least a username header, as kube checks. */
function readRequestHeader(v: { has(name: string): boolean }, get: (name: string) => string, problems: string[]): ApiserverConfig['requestHeader'] {
  const clientCaFile = get('requestheader-client-ca-file');
  const usernameHeaders = listValue(get('requestheader-username-headers'));
  if (clientCaFile === '') {
    for (const f of ['requestheader-allowed-names', 'requestheader-username-headers', 'requestheader-group-headers', 'requestheader-extra-headers-prefix', 'requestheader-uid-headers']) {
      if (v.has(f)) problems.push(`--${f} needs --requestheader-client-ca-file`);
    }
    return undefined;
  }
  if (usernameHeaders.length === 0) problems.push('--requestheader-username-headers must not be empty when --requestheader-client-ca-file is set');
  return {
    clientCaFile, usernameHeaders,
    allowedNames: listValue(get('requestheader-allowed-names')),
    uidHeaders: listValue(get('requestheader-uid-headers')),
    groupHeaders: listValue(get('requestheader-group-headers')),
    extraHeaderPrefixes: listValue(get('requestheader-extra-headers-prefix')),
  };
}

/** --authorization-webhook-*: only with mode Webhook, which needs its config file (kube's checks). */
function readAuthorizationWebhook(modes: readonly AuthorizationMode[], get: (name: string) => string, problems: string[]): ApiserverConfig['authorizationWebhook'] {
  const configFile = get('authorization-webhook-config-file');
  const authorizedTTLMs = durationValue('authorization-webhook-cache-authorized-ttl', get('authorization-webhook-cache-authorized-ttl'), problems);
  const unauthorizedTTLMs = durationValue('authorization-webhook-cache-unauthorized-ttl', get('authorization-webhook-cache-unauthorized-ttl'), problems);
  const flags = { configFile, version: get('authorization-webhook-version'), authorizedTTLMs, unauthorizedTTLMs };
  problems.push(...validateWebhookFlags(modes, flags));
  return modes.includes('Webhook') && configFile !== '' ? flags : undefined;
}
