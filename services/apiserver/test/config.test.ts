import { test } from 'node:test';
import assert from 'node:assert/strict';

import { AUDIT_FLAGS } from '@logbook/audit';
import { parseGoDurationMs } from '@logbook/cli-kit';
import { APISERVER_FLAGS, parseApiserverConfig, type ApiserverConfig, type ApiserverConfigResult } from '../src/config.ts';

function config(r: ApiserverConfigResult): { config: ApiserverConfig; warnings: string[] } {
  if (r.kind !== 'config') assert.fail(`expected a config, got ${JSON.stringify(r)}`);
  return r;
}

function problems(r: ApiserverConfigResult): string[] {
  if (r.kind !== 'invalid') assert.fail(`expected problems, got ${JSON.stringify(r)}`);
  return r.problems;
}

const ETCD = ['--etcd-servers', 'https://10.0.1.11:2379'];

test('defaults are kube-apiserver\'s; the config is frozen', () => {
  const { config: c, warnings } = config(parseApiserverConfig(ETCD));
  assert.deepEqual(warnings, []);
  // The audit flags go to @logbook/audit as given or defaulted; their defaults are kube's (libs/audit tests them).
  assert.deepEqual(c.audit, Object.fromEntries(AUDIT_FLAGS.filter((f) => f.default !== '').map((f) => [f.name, f.default])));
  const { audit: _audit, ...rest } = c;
  assert.deepEqual({ ...rest, watchCacheSizes: { ...c.watchCacheSizes } }, {
    etcdServers: ['https://10.0.1.11:2379'],
    etcdPrefix: '/registry',
    securePort: 6443,
    bindAddress: '0.0.0.0',
    certDir: '/var/run/kubernetes',
    serviceClusterIpRanges: [{ cidr: '10.0.0.0/24', family: 4, prefixLength: 24, apiServerServiceIp: '10.0.0.1' }],
    serviceNodePortRange: { base: 30000, size: 2768 },
    requestTimeoutMs: 60_000,
    minRequestTimeoutSeconds: 1800,
    natsSubjectPrefix: 'logbook.events',
    authorizationModes: [],
    anonymousAuth: true,
    bootstrapTokenAuth: false,
    admission: { enable: [], disable: [], notReadyTolerationSeconds: 300, unreachableTolerationSeconds: 300 },
    maxRequestsInflight: 400,
    maxMutatingRequestsInflight: 200,
    watchCache: true,
    watchCacheSizes: {},
    defaultWatchCacheSize: 100,
    verbosity: 0,
    shutdownDelayMs: 0,
    goawayChance: 0,
  });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.etcdServers) && Object.isFrozen(c.serviceClusterIpRanges[0]) && Object.isFrozen(c.watchCacheSizes));
});

test('a production command line, as kubeadm writes one', () => {
  const { config: c, warnings } = config(parseApiserverConfig([
    '--etcd-servers=https://10.0.1.11:2379,https://10.0.1.12:2379', '--etcd-prefix', '/logbook',
    '--secure-port=7443', '--bind-address', '10.0.1.5', '--advertise-address=10.0.1.6',
    '--tls-cert-file', '/pki/apiserver.crt', '--tls-private-key-file', '/pki/apiserver.key', '--client-ca-file', '/pki/ca.crt',
    '--service-cluster-ip-range', '10.96.0.0/12,fd00:10:96::/108', '--service-node-port-range', '30000+99',
    '--request-timeout', '90s', '--min-request-timeout=300', '--max-requests-inflight', '0', '--max-mutating-requests-inflight', '50',
    '--watch-cache-sizes', 'pods#1000,deployments.apps#0', '--default-watch-cache-size', '50', '-v', '4',
    '--shutdown-delay-duration', '1m30s', '--goaway-chance', '0.001', '--nats-url', 'nats://10.0.1.20:4222,tls://10.0.1.21:4222',
  ]));
  assert.deepEqual(warnings, []);
  assert.deepEqual(c.etcdServers, ['https://10.0.1.11:2379', 'https://10.0.1.12:2379']);
  assert.equal(c.etcdPrefix, '/logbook');
  assert.equal(c.securePort, 7443);
  assert.equal(c.bindAddress, '10.0.1.5');
  assert.equal(c.advertiseAddress, '10.0.1.6');
  assert.equal(c.tlsCertFile, '/pki/apiserver.crt');
  assert.equal(c.tlsPrivateKeyFile, '/pki/apiserver.key');
  assert.equal(c.clientCaFile, '/pki/ca.crt');
  assert.deepEqual(c.serviceClusterIpRanges, [
    { cidr: '10.96.0.0/12', family: 4, prefixLength: 12, apiServerServiceIp: '10.96.0.1' },
    { cidr: 'fd00:10:96::/108', family: 6, prefixLength: 108, apiServerServiceIp: 'fd00:10:96::1' },
  ]);
  assert.deepEqual(c.serviceNodePortRange, { base: 30000, size: 100 });
  assert.equal(c.requestTimeoutMs, 90_000);
  assert.equal(c.minRequestTimeoutSeconds, 300);
  assert.equal(c.maxRequestsInflight, 0);
  assert.equal(c.maxMutatingRequestsInflight, 50);
  assert.deepEqual({ ...c.watchCacheSizes }, { pods: 1000, 'deployments.apps': 0 });
  assert.equal(c.defaultWatchCacheSize, 50);
  assert.equal(c.verbosity, 4);
  assert.equal(c.shutdownDelayMs, 90_000);
  assert.equal(c.goawayChance, 0.001);
  assert.equal(c.natsUrl, 'nats://10.0.1.20:4222,tls://10.0.1.21:4222');
});

test('--etcd-servers is required unless embedded', () => {
  assert.deepEqual(problems(parseApiserverConfig([])), ['--etcd-servers must be specified']);
  assert.deepEqual(config(parseApiserverConfig([], { embedded: true })).config.etcdServers, []);
});

test('the advertise address falls back to a specific --bind-address only', () => {
  assert.equal(config(parseApiserverConfig([...ETCD, '--bind-address', '192.168.1.2'])).config.advertiseAddress, '192.168.1.2');
  assert.equal(config(parseApiserverConfig([...ETCD, '--bind-address', '::'])).config.advertiseAddress, undefined);
  assert.equal(config(parseApiserverConfig([...ETCD, '--bind-address', '::1'])).config.bindAddress, '::1');
});

test('Go and pflag forms: -v shorthand, booleans spelled as Go parses them', () => {
  for (const [args, verbosity] of [[['-v', '3'], 3], [['-v=5'], 5], [['-v2'], 2], [['--v=7'], 7], [['--v', '1'], 1]] as const) {
    assert.equal(config(parseApiserverConfig([...ETCD, ...args])).config.verbosity, verbosity, args.join(' '));
  }
  for (const [arg, on] of [['--watch-cache', true], ['--watch-cache=false', false], ['--watch-cache=0', false], ['--watch-cache=F', false], ['--watch-cache=T', true], ['--watch-cache=1', true]] as const) {
    assert.equal(config(parseApiserverConfig([...ETCD, arg])).config.watchCache, on, arg);
  }
});

test('node port range forms', () => {
  for (const [raw, want] of [['30000-32767', { base: 30000, size: 2768 }], ['30000+2767', { base: 30000, size: 2768 }], ['8080', { base: 8080, size: 1 }], ['1-65535', { base: 1, size: 65535 }]] as const) {
    assert.deepEqual(config(parseApiserverConfig([...ETCD, '--service-node-port-range', raw])).config.serviceNodePortRange, want, raw);
  }
});

test('service CIDRs are normalized to their network, like Go\'s ParseCIDR', () => {
  const c = config(parseApiserverConfig([...ETCD, '--service-cluster-ip-range', '10.0.0.77/24'])).config;
  assert.deepEqual(c.serviceClusterIpRanges, [{ cidr: '10.0.0.0/24', family: 4, prefixLength: 24, apiServerServiceIp: '10.0.0.1' }]);
  assert.equal(config(parseApiserverConfig([...ETCD, '--service-cluster-ip-range', '2001:db8:0:0:1::/112'])).config.serviceClusterIpRanges[0]!.apiServerServiceIp, '2001:db8::1:0:0:1');
});

const invalid: readonly (readonly [string[], string])[] = [
  [['--etcd-servers', 'localhost:2379'], 'invalid value "localhost:2379" in --etcd-servers: want http(s)://HOST:PORT, comma-separated'],
  [['--etcd-servers', 'http://a:2379,unix:///x'], 'invalid value "unix:///x" in --etcd-servers: want http(s)://HOST:PORT, comma-separated'],
  [[...ETCD, '--etcd-prefix', 'registry'], 'invalid value "registry" for --etcd-prefix: want a key prefix starting with "/"'],
  [[...ETCD, '--secure-port', '0'], '--secure-port 0 must be between 1 and 65535, inclusive. It cannot be turned off with 0'],
  [[...ETCD, '--secure-port', '65536'], 'invalid value "65536" for --secure-port: want an integer in [0, 65535]'],
  [[...ETCD, '--secure-port', 'https'], 'invalid value "https" for --secure-port: want an integer'],
  [[...ETCD, '--bind-address', 'localhost'], 'invalid value "localhost" for --bind-address: failed to parse IP'],
  [[...ETCD, '--advertise-address', '10.0.0.256'], 'invalid value "10.0.0.256" for --advertise-address: failed to parse IP'],
  [[...ETCD, '--tls-cert-file', '/a.crt'], '--tls-cert-file is given without --tls-private-key-file'],
  [[...ETCD, '--tls-private-key-file', '/a.key'], '--tls-private-key-file is given without --tls-cert-file'],
  [[...ETCD, '--cert-dir', ''], '--cert-dir must not be empty when --tls-cert-file and --tls-private-key-file are not given'],
  [[...ETCD, '--service-cluster-ip-range', '10.0.0.0'], 'service-cluster-ip-range[0] "10.0.0.0" is not a valid cidr'],
  [[...ETCD, '--service-cluster-ip-range', '10.0.0.0/33'], 'service-cluster-ip-range[0] "10.0.0.0/33" is not a valid cidr'],
  [[...ETCD, '--service-cluster-ip-range', '10.0.0.0/8'], 'specified --service-cluster-ip-range[0] "10.0.0.0/8" is too large; for 32-bit addresses, the mask must be >= 12'],
  [[...ETCD, '--service-cluster-ip-range', 'fd00::/64'], 'specified --service-cluster-ip-range[0] "fd00::/64" is too large; for 128-bit addresses, the mask must be >= 108'],
  [[...ETCD, '--service-cluster-ip-range', '10.0.0.0/31'], 'specified --service-cluster-ip-range[0] "10.0.0.0/31" is too small; it needs at least 4 addresses'],
  [[...ETCD, '--service-cluster-ip-range', '10.0.0.0/24,10.1.0.0/24'], '--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family'],
  [[...ETCD, '--service-cluster-ip-range', '10.0.0.0/24,fd00::/112,10.1.0.0/24'], '--service-cluster-ip-range "10.0.0.0/24,fd00::/112,10.1.0.0/24" must contain at most one IPv4 and one IPv6 CIDR'],
  [[...ETCD, '--service-cluster-ip-range', ''], '--service-cluster-ip-range must not be empty'],
  [[...ETCD, '--service-node-port-range', '32767-30000'], 'invalid value "32767-30000" for --service-node-port-range: the end of the range is before its start'],
  [[...ETCD, '--service-node-port-range', '65000+1000'], 'invalid value "65000+1000" for --service-node-port-range: ports must be at most 65535'],
  [[...ETCD, '--service-node-port-range', '30000:32767'], 'invalid value "30000:32767" for --service-node-port-range: want a port range such as 30000-32767 or 30000+2767'],
  [[...ETCD, '--request-timeout', '60'], 'invalid value "60" for --request-timeout: want a duration such as 1m0s, 30s or 1500ms'],
  [[...ETCD, '--request-timeout', '-1s'], '--request-timeout can not be negative value'],
  [[...ETCD, '--min-request-timeout', '-1'], '--min-request-timeout can not be negative value'],
  [[...ETCD, '--min-request-timeout', '30m'], 'invalid value "30m" for --min-request-timeout: want an integer'],
  [[...ETCD, '--max-requests-inflight', '-5'], '--max-requests-inflight can not be negative value'],
  [[...ETCD, '--max-mutating-requests-inflight', '1e3'], 'invalid value "1e3" for --max-mutating-requests-inflight: want an integer'],
  [[...ETCD, '--watch-cache=maybe'], '--watch-cache takes no value (or =true/=false)'],
  [[...ETCD, '--watch-cache-sizes', 'pods'], 'invalid value of watch cache size: "pods" in --watch-cache-sizes: want resource[.group]#size'],
  [[...ETCD, '--watch-cache-sizes', 'pods#many'], 'invalid size of watch cache size: "pods#many" in --watch-cache-sizes'],
  [[...ETCD, '--watch-cache-sizes', 'pods#-1'], 'watch cache size cannot be negative: "pods#-1" in --watch-cache-sizes'],
  [[...ETCD, '--default-watch-cache-size', '-1'], '--default-watch-cache-size can not be negative value'],
  [[...ETCD, '-v', 'high'], 'invalid value "high" for --v: want an integer'],
  [[...ETCD, '--v=-1'], 'invalid value "-1" for --v: want an integer in [0, 2147483647]'],
  [[...ETCD, '--shutdown-delay-duration', '-5s'], '--shutdown-delay-duration can not be negative value'],
  [[...ETCD, '--goaway-chance', '0.5'], '--goaway-chance can not be less than 0 or greater than 0.02'],
  [[...ETCD, '--goaway-chance', '-0.01'], '--goaway-chance can not be less than 0 or greater than 0.02'],
  [[...ETCD, '--goaway-chance', 'often'], 'invalid value "often" for --goaway-chance: want a number'],
  [[...ETCD, '--nats-url', 'nats://a:4222,http://b'], 'invalid value "http://b" in --nats-url: want nats://HOST:PORT (or tls://, ws://, wss://), comma-separated'],
  [[...ETCD, '--data-dir=/var/lib/logbook'], 'unknown flag --data-dir'],
  [[...ETCD, '--secure-port'], '--secure-port needs a value (N)'],
  [[...ETCD, '--secure-port', '1', '--secure-port', '2'], '--secure-port given more than once'],
  [[...ETCD, 'stray'], 'unexpected argument "stray"'],
];

for (const [args, message] of invalid) {
  test(`refused: ${args.slice(ETCD.length).join(' ') || args.join(' ')}`, () => {
    assert.deepEqual(problems(parseApiserverConfig(args)), [message]);
  });
}

test('every problem is reported at once', () => {
  const p = problems(parseApiserverConfig(['--bogus', '--secure-port', 'x', '--goaway-chance', '1', '--service-cluster-ip-range', 'nope']));
  assert.deepEqual(p, [
    'unknown flag --bogus',
    '--etcd-servers must be specified',
    'invalid value "x" for --secure-port: want an integer',
    'service-cluster-ip-range[0] "nope" is not a valid cidr',
    '--goaway-chance can not be less than 0 or greater than 0.02',
  ]);
});

test('a kube-apiserver flag Logbook does not implement is named in a warning; its value is still checked', () => {
  const { warnings } = config(parseApiserverConfig([...ETCD, '--authorization-mode', 'Node,RBAC', '--profiling=false', '--event-ttl', '1h', '--feature-gates', 'A=true,B=false']));
  assert.deepEqual(warnings, [
    ...['profiling', 'event-ttl', 'feature-gates'].map((n) => `--${n} is an accepted flag that Logbook does not implement; it has no effect`),
  ]);
  assert.deepEqual(problems(parseApiserverConfig([...ETCD, '--event-ttl', '1 hour', '--apiserver-count', 'three', '--audit-log-batch-throttle-qps', 'fast', '--feature-gates', 'A'])), [
    'invalid value "1 hour" for --event-ttl: want a duration such as 300ms, 5s or 1h30m',
    'invalid value "three" for --apiserver-count: want an integer',
    'invalid value "fast" for --audit-log-batch-throttle-qps: want a number',
    'invalid value "A" for --feature-gates: want KEY=VALUE pairs, comma-separated',
  ].sort((a, b) => order(a) - order(b)));
});

/** Problems come in flag-table order; this sorts expectations the same way. */
function order(problem: string): number {
  return APISERVER_FLAGS.findIndex((s) => problem.includes(`--${s.name}:`));
}

test('the flag table has no duplicates and covers the flags the architecture names', () => {
  const names = APISERVER_FLAGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['token-auth-file', 'authorization-mode', 'enable-admission-plugins', 'disable-admission-plugins', 'service-account-key-file', 'service-account-signing-key-file', 'service-account-issuer', 'audit-log-path', 'audit-policy-file', 'encryption-provider-config', 'event-ttl']) {
    assert.ok(names.includes(n), n);
  }
});

test('--help and --version', () => {
  const help = parseApiserverConfig(['--help']);
  assert.equal(help.kind, 'help');
  assert.match(help.kind === 'help' ? help.text : '', /--etcd-servers URL,\.\.\./);
  const version = parseApiserverConfig(['--version']);
  assert.deepEqual(version, { kind: 'version', text: 'Kubernetes v1.33.0 (Logbook 0.1.0)\n' });
});

test('Go durations', () => {
  for (const [s, ms] of [['1m0s', 60_000], ['1.5h', 5_400_000], ['300ms', 300], ['0', 0], ['-2s', -2000], ['1h2m3s4ms', 3_723_004], ['500us', 0.5]] as const) {
    assert.equal(parseGoDurationMs(s), ms, s);
  }
  for (const s of ['', '1', '1 s', 's', '1d', '--1s', '1.s.']) assert.equal(parseGoDurationMs(s), undefined, s);
});

test('--authorization-mode: kube\'s modes in order; unknown, Webhook and ABAC are refused', () => {
  const modes = (v: string): unknown => {
    const r = parseApiserverConfig([...ETCD, '--authorization-mode', v]);
    return r.kind === 'config' ? r.config.authorizationModes : r.kind === 'invalid' ? r.problems : r.kind;
  };
  assert.deepEqual(modes('RBAC'), ['RBAC']);
  assert.deepEqual(modes('Node,RBAC'), ['Node', 'RBAC']);
  assert.deepEqual(modes('AlwaysDeny,AlwaysAllow'), ['AlwaysDeny', 'AlwaysAllow']);
  assert.match(String(modes('Webhook')), /authorization-mode Webhook's authorization config file not passed/);
  assert.match(String(modes('ABAC')), /ABAC is not implemented/);
  const hook = parseApiserverConfig([...ETCD, '--authorization-mode', 'Node,Webhook', '--authorization-webhook-config-file', '/hook.kubeconfig', '--authorization-webhook-version', 'v1', '--authorization-webhook-cache-authorized-ttl', '1m']);
  assert.deepEqual(hook.kind === 'config' ? hook.config.authorizationWebhook : hook, { configFile: '/hook.kubeconfig', version: 'v1', authorizedTTLMs: 60_000, unauthorizedTTLMs: 30_000 });
  assert.match(String(modes('RBAC --authorization-webhook-config-file /x')), /--authorization-mode/);
  const stray = parseApiserverConfig([...ETCD, '--authorization-mode', 'RBAC', '--authorization-webhook-config-file', '/x']);
  assert.match(stray.kind === 'invalid' ? stray.problems.join('\n') : '', /cannot specify --authorization-webhook-config-file without mode Webhook/);
  assert.match(String(modes('Magic')), /--authorization-mode/);
});

test('--service-account-*: an issuer needs a key and a key an issuer; audiences default to the issuers', () => {
  const parse = (...flags: string[]): ReturnType<typeof parseApiserverConfig> => parseApiserverConfig([...ETCD, ...flags]);
  const ok = parse('--service-account-issuer', 'https://a,https://b', '--service-account-signing-key-file', '/k.pem', '--service-account-max-token-expiration', '24h');
  assert.equal(ok.kind, 'config');
  assert.deepEqual(ok.kind === 'config' ? ok.config.serviceAccounts : undefined, {
    issuers: ['https://a', 'https://b'], keyFiles: [], apiAudiences: ['https://a', 'https://b'], signingKeyFile: '/k.pem', maxTokenExpirationSeconds: 86_400,
  });
  const aud = parse('--service-account-issuer', 'https://a', '--service-account-key-file', '/p.pem', '--api-audiences', 'x,y');
  assert.deepEqual(aud.kind === 'config' ? aud.config.serviceAccounts?.apiAudiences : undefined, ['x', 'y']);
  const noKey = parse('--service-account-issuer', 'https://a');
  assert.match(noKey.kind === 'invalid' ? noKey.problems.join('\n') : '', /--service-account-issuer needs --service-account-signing-key-file or --service-account-key-file/);
  const noIssuer = parse('--service-account-signing-key-file', '/k.pem');
  assert.match(noIssuer.kind === 'invalid' ? noIssuer.problems.join('\n') : '', /--service-account-issuer is required/);
  const none = parse();
  assert.equal(none.kind === 'config' ? none.config.serviceAccounts : 'x', undefined);
});

test('--oidc-*: the issuer turns it on, must be https and needs a client id; claims and algorithms are checked', () => {
  const parse = (...flags: string[]): ReturnType<typeof parseApiserverConfig> => parseApiserverConfig([...ETCD, ...flags]);
  const ok = parse('--oidc-issuer-url', 'https://issuer.example', '--oidc-client-id', 'kube', '--oidc-username-claim', 'email', '--oidc-groups-claim', 'groups',
    '--oidc-groups-prefix', 'oidc:', '--oidc-required-claim', 'hd=example.com,tier=gold', '--oidc-signing-algs', 'RS256,ES256', '--oidc-ca-file', '/ca.pem');
  assert.deepEqual(ok.kind === 'config' ? ok.config.oidc : ok, {
    issuerUrl: 'https://issuer.example', clientId: 'kube', usernameClaim: 'email', requiredClaims: { hd: 'example.com', tier: 'gold' }, signingAlgs: ['RS256', 'ES256'],
    caFile: '/ca.pem', groupsClaim: 'groups', groupsPrefix: 'oidc:',
  });
  const defaults = parse('--oidc-issuer-url', 'https://i', '--oidc-client-id', 'c');
  assert.deepEqual(defaults.kind === 'config' ? [defaults.config.oidc?.usernameClaim, defaults.config.oidc?.signingAlgs, defaults.config.oidc?.usernamePrefix] : defaults, ['sub', ['RS256'], undefined]);
  const problems = (r: ReturnType<typeof parseApiserverConfig>): string => (r.kind === 'invalid' ? r.problems.join('\n') : `accepted: ${r.kind}`);
  assert.match(problems(parse('--oidc-issuer-url', 'http://i', '--oidc-client-id', 'c')), /must use the https scheme/);
  assert.match(problems(parse('--oidc-issuer-url', 'https://i')), /--oidc-client-id must not be empty/);
  assert.match(problems(parse('--oidc-client-id', 'c')), /--oidc-client-id needs --oidc-issuer-url/);
  assert.match(problems(parse('--oidc-issuer-url', 'https://i', '--oidc-client-id', 'c', '--oidc-signing-algs', 'HS256')), /unsupported signing alg: HS256/);
  assert.match(problems(parse('--oidc-issuer-url', 'https://i', '--oidc-client-id', 'c', '--oidc-required-claim', 'novalue')), /want CLAIM=VALUE/);
  assert.equal(parse().kind === 'config' ? 'none' : 'x', 'none');
});

test('--requestheader-*: the client CA turns the front proxy on and needs a username header', () => {
  const parse = (...flags: string[]): ReturnType<typeof parseApiserverConfig> => parseApiserverConfig([...ETCD, ...flags]);
  const ok = parse('--requestheader-client-ca-file', '/proxy-ca.pem', '--requestheader-username-headers', 'X-Remote-User', '--requestheader-group-headers', 'X-Remote-Group',
    '--requestheader-extra-headers-prefix', 'X-Remote-Extra-', '--requestheader-allowed-names', 'front-proxy-client');
  assert.deepEqual(ok.kind === 'config' ? ok.config.requestHeader : ok, {
    clientCaFile: '/proxy-ca.pem', usernameHeaders: ['X-Remote-User'], allowedNames: ['front-proxy-client'], uidHeaders: [], groupHeaders: ['X-Remote-Group'], extraHeaderPrefixes: ['X-Remote-Extra-'],
  });
  const noUser = parse('--requestheader-client-ca-file', '/proxy-ca.pem');
  assert.match(noUser.kind === 'invalid' ? noUser.problems.join('\n') : '', /--requestheader-username-headers must not be empty/);
  const noCa = parse('--requestheader-username-headers', 'X-Remote-User');
  assert.match(noCa.kind === 'invalid' ? noCa.problems.join('\n') : '', /needs --requestheader-client-ca-file/);
  const boot = parse('--enable-bootstrap-token-auth');
  assert.equal(boot.kind === 'config' ? boot.config.bootstrapTokenAuth : undefined, true);
  assert.equal(parse().kind === 'config' ? (parse() as { config: ApiserverConfig }).config.bootstrapTokenAuth : undefined, false);
});
