import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseStoreConfig, STORE_FLAGS, flagEnvKey, type StoreConfig, type StoreConfigResult } from '../src/config.ts';
import { parseGoDurationMs } from '@logbook/cli-kit';

function config(r: StoreConfigResult): { config: StoreConfig; warnings: string[] } {
  if (r.kind !== 'config') assert.fail(`expected a config, got ${JSON.stringify(r)}`);
  return r;
}

function problems(r: StoreConfigResult): string {
  if (r.kind !== 'invalid') assert.fail(`expected problems, got ${JSON.stringify(r)}`);
  return r.problems.join('\n');
}

const THREE = 'infra0=https://10.0.1.10:2380,infra1=https://10.0.1.11:2380,infra2=https://10.0.1.12:2380';

/** Member infra1 of a TLS-everywhere three-member cluster, as etcd's clustering guide sets one up. */
const member1 = [
  '--name', 'infra1',
  '--data-dir', '/var/lib/logbook/infra1',
  '--listen-client-urls', 'https://10.0.1.11:2379,https://127.0.0.1:2379',
  '--advertise-client-urls', 'https://10.0.1.11:2379',
  '--listen-peer-urls', 'https://10.0.1.11:2380',
  '--initial-advertise-peer-urls', 'https://10.0.1.11:2380',
  '--initial-cluster', THREE,
  '--initial-cluster-state', 'new',
  '--initial-cluster-token', 'logbook-1',
  '--cert-file', '/pki/server.crt', '--key-file', '/pki/server.key',
  '--trusted-ca-file', '/pki/ca.crt', '--client-cert-auth',
  '--peer-cert-file', '/pki/peer.crt', '--peer-key-file', '/pki/peer.key',
  '--peer-trusted-ca-file', '/pki/ca.crt', '--peer-client-cert-auth',
  '--nats-url', 'nats://10.0.1.20:4222,nats://10.0.1.21:4222',
];

test('no flags: etcd\'s defaults, one member bootstrapping alone', () => {
  const { config: c, warnings } = config(parseStoreConfig([]));
  assert.deepEqual(warnings, []);
  assert.deepEqual(c, {
    name: 'default',
    dataDir: 'default.etcd',
    listenClientUrls: [{ scheme: 'http', host: '127.0.0.1', port: 2379, url: 'http://localhost:2379' }],
    advertiseClientUrls: ['http://localhost:2379'],
    listenPeerUrls: [{ scheme: 'http', host: '127.0.0.1', port: 2380, url: 'http://localhost:2380' }],
    initialAdvertisePeerUrls: ['http://localhost:2380'],
    initialCluster: [{ name: 'default', peerUrls: ['http://localhost:2380'] }],
    initialClusterState: 'new',
    initialClusterToken: 'etcd-cluster',
    snapshotCount: 100_000,
    snapshotCatchUpEntries: 5_000,
    heartbeatIntervalMs: 100,
    electionTimeoutMs: 1_000,
    quotaBackendBytes: 2 * 1024 ** 3,
    maxRequestBytes: 1_572_864,
    maxTxnOps: 128,
    backendBatchIntervalMs: 100, // etcd's backend defaults
    backendBatchLimit: 10_000,
    natsSubjectPrefix: 'logbook.events',
    logLevel: 'info',
    maxPendingProposals: 4_096,
    requestTimeoutMs: 7_000, // etcd's 5s + 2 x election timeout
    watchProgressNotifyIntervalMs: 600_000, // etcd's 10 minutes
  });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.listenClientUrls) && Object.isFrozen(c.listenClientUrls[0]) && Object.isFrozen(c.initialCluster[0]!.peerUrls));
});

test('--name alone names the data dir and the single-member initial cluster', () => {
  const { config: c } = config(parseStoreConfig(['--name', 'solo', '--initial-advertise-peer-urls', 'http://10.0.0.5:2380']));
  assert.equal(c.dataDir, 'solo.etcd');
  assert.deepEqual(c.initialCluster, [{ name: 'solo', peerUrls: ['http://10.0.0.5:2380'] }]);
});

test('a member of a three-member TLS cluster', () => {
  const { config: c, warnings } = config(parseStoreConfig(member1));
  assert.deepEqual(warnings, []);
  assert.equal(c.name, 'infra1');
  assert.equal(c.dataDir, '/var/lib/logbook/infra1');
  assert.deepEqual(c.listenClientUrls.map((u) => [u.scheme, u.host, u.port]), [['https', '10.0.1.11', 2379], ['https', '127.0.0.1', 2379]]);
  assert.deepEqual(c.listenPeerUrls, [{ scheme: 'https', host: '10.0.1.11', port: 2380, url: 'https://10.0.1.11:2380' }]);
  assert.deepEqual(c.initialCluster.map((m) => [m.name, ...m.peerUrls]), [
    ['infra0', 'https://10.0.1.10:2380'],
    ['infra1', 'https://10.0.1.11:2380'],
    ['infra2', 'https://10.0.1.12:2380'],
  ]);
  assert.equal(c.initialClusterToken, 'logbook-1');
  assert.deepEqual(c.clientTls, { certFile: '/pki/server.crt', keyFile: '/pki/server.key', trustedCaFile: '/pki/ca.crt', clientCertAuth: true });
  assert.deepEqual(c.peerTls, { certFile: '/pki/peer.crt', keyFile: '/pki/peer.key', trustedCaFile: '/pki/ca.crt', clientCertAuth: true });
  assert.equal(c.natsUrl, 'nats://10.0.1.20:4222,nats://10.0.1.21:4222');
});

test('single-dash and --flag=value forms, as Go\'s flag package takes them', () => {
  const { config: c } = config(parseStoreConfig([
    '-name', 'infra0', '-initial-advertise-peer-urls=http://10.0.1.10:2380',
    '-listen-peer-urls', 'http://10.0.1.10:2380', '-initial-cluster', 'infra0=http://10.0.1.10:2380',
    '-heartbeat-interval=200', '-election-timeout', '2000', '-client-cert-auth=false',
  ]));
  assert.equal(c.name, 'infra0');
  assert.equal(c.heartbeatIntervalMs, 200);
  assert.equal(c.electionTimeoutMs, 2000);
  assert.equal(c.requestTimeoutMs, 9000);
  assert.equal(c.clientTls, undefined);
});

test('a name may repeat in --initial-cluster to give a member several peer URLs', () => {
  const { config: c } = config(parseStoreConfig([
    '--name', 'a', '--initial-advertise-peer-urls', 'http://10.0.0.1:2380,http://10.0.0.2:2380',
    '--initial-cluster', 'a=http://10.0.0.2:2380,b=http://10.0.0.3:2380,a=http://10.0.0.1:2380,c=http://10.0.0.4:2380',
  ]));
  assert.deepEqual(c.initialCluster, [
    { name: 'a', peerUrls: ['http://10.0.0.2:2380', 'http://10.0.0.1:2380'] },
    { name: 'b', peerUrls: ['http://10.0.0.3:2380'] },
    { name: 'c', peerUrls: ['http://10.0.0.4:2380'] },
  ]);
});

test('unknown flags and stray arguments are problems; every problem is reported at once', () => {
  const text = problems(parseStoreConfig(['--bogus', '1', '-also-bogus', 'stray', '--election-timeout', '10', '--initial-cluster-state', 'maybe', '--log-level', 'loud']));
  for (const expected of [/unknown flag --bogus/, /unknown flag --also-bogus/, /unexpected argument "stray"/, /--election-timeout\[10ms\] must be at least 5 times --heartbeat-interval\[100ms\]/, /"maybe" for --initial-cluster-state/, /"loud" for --log-level/]) {
    assert.match(text, expected);
  }
});

test('an accepted etcd flag Logbook does not implement is named in a warning', () => {
  const { config: c, warnings } = config(parseStoreConfig(['--wal-dir', '/wal', '-enable-pprof', '--auto-compaction-retention=1h', '--max-wals', '0', '--proxy', 'off']));
  assert.equal(c.dataDir, 'default.etcd');
  for (const name of ['wal-dir', 'enable-pprof', 'auto-compaction-retention', 'max-wals', 'proxy']) {
    assert.ok(warnings.some((w) => w.startsWith(`--${name} `) && w.includes('not implement')), `warning for --${name} in ${warnings.join('; ')}`);
  }
  assert.equal(warnings.length, 5);
});

test('an unimplemented flag\'s value is still checked, as etcd would at startup', () => {
  const text = problems(parseStoreConfig(['--max-wals', '-1', '--grpc-keepalive-timeout', '10 s', '--auto-compaction-mode', 'hourly', '--metrics=extensive']));
  assert.match(text, /"-1" for --max-wals/);
  assert.match(text, /"10 s" for --grpc-keepalive-timeout/);
  assert.match(text, /"hourly" for --auto-compaction-mode/);
  assert.doesNotMatch(text, /metrics/);
});

test('flags that would make a different server (proxy, discovery, config file) are refused, not ignored', () => {
  const text = problems(parseStoreConfig(['--proxy', 'readonly', '--discovery', 'https://discovery.etcd.io/x', '--discovery-srv', 'example.com', '--config-file', '/etc/etcd.yml']));
  for (const name of ['proxy', 'discovery', 'discovery-srv', 'config-file']) assert.match(text, new RegExp(`--${name} is not supported`));
});

test('--pre-vote: true is what Logbook does; false is accepted with a warning', () => {
  assert.deepEqual(config(parseStoreConfig(['--pre-vote'])).warnings, []);
  const { warnings } = config(parseStoreConfig(['--pre-vote=false']));
  assert.match(warnings.join('\n'), /--pre-vote=false is not supported/);
});

test('raft timing: positive, election >= 5 x heartbeat, election <= 50000ms', () => {
  assert.match(problems(parseStoreConfig(['--heartbeat-interval', '0'])), /"0" for --heartbeat-interval/);
  assert.match(problems(parseStoreConfig(['--election-timeout', '0'])), /"0" for --election-timeout/);
  assert.match(problems(parseStoreConfig(['--heartbeat-interval', '300'])), /--election-timeout\[1000ms\] must be at least 5 times --heartbeat-interval\[300ms\]/);
  assert.equal(config(parseStoreConfig(['--heartbeat-interval', '200'])).config.heartbeatIntervalMs, 200);
  assert.match(problems(parseStoreConfig(['--election-timeout', '50001'])), /--election-timeout\[50001ms\] is too long/);
  assert.equal(config(parseStoreConfig(['--election-timeout', '50000'])).config.electionTimeoutMs, 50000);
  assert.match(problems(parseStoreConfig(['--heartbeat-interval', '1.5'])), /"1.5" for --heartbeat-interval/);
});

test('--initial-cluster must list --name with exactly the advertised peer URLs', () => {
  const base = ['--name', 'infra1', '--listen-peer-urls', 'http://10.0.1.11:2380'];
  assert.match(
    problems(parseStoreConfig([...base, '--initial-advertise-peer-urls', 'http://10.0.1.11:2380', '--initial-cluster', 'infra0=http://10.0.1.10:2380,infra2=http://10.0.1.12:2380'])),
    /--initial-cluster does not list this member's --name "infra1"/,
  );
  assert.match(
    problems(parseStoreConfig([...base, '--initial-advertise-peer-urls', 'http://10.0.1.11:2380', '--initial-cluster', 'infra0=http://10.0.1.10:2380,infra1=http://10.0.1.99:2380'])),
    /--initial-cluster has infra1=http:\/\/10\.0\.1\.99:2380 but missing from --initial-advertise-peer-urls=http:\/\/10\.0\.1\.11:2380/,
  );
  assert.match(
    problems(parseStoreConfig([...base, '--initial-advertise-peer-urls', 'http://10.0.1.11:2380,http://10.0.2.11:2380', '--initial-cluster', 'infra1=http://10.0.1.11:2380'])),
    /--initial-advertise-peer-urls has http:\/\/10\.0\.2\.11:2380 but missing from --initial-cluster=infra1=http:\/\/10\.0\.1\.11:2380/,
  );
  // Joining an existing cluster: its URLs were registered by `member add`; only membership is checked, as in etcd.
  const joined = config(parseStoreConfig([...base, '--initial-cluster-state', 'existing', '--initial-advertise-peer-urls', 'http://10.0.1.11:2380', '--initial-cluster', 'infra0=http://10.0.1.10:2380,infra1=http://10.0.1.99:2380']));
  assert.equal(joined.config.initialClusterState, 'existing');
});

test('--initial-cluster entries are well formed and share no peer URL', () => {
  const text = problems(parseStoreConfig(['--initial-cluster', 'default=http://localhost:2380,other=http://localhost:2380,nourl,=http://10.0.0.1:2380,x=ftp://h:1']));
  assert.match(text, /lists peer URL http:\/\/localhost:2380 twice \(members "default" and "other"\)/);
  assert.match(text, /entry "nourl" must have the form NAME=URL/);
  assert.match(text, /entry "=http:\/\/10\.0\.0\.1:2380"/);
  assert.match(text, /member "x"\): URL scheme must be http or https/);
  assert.match(problems(parseStoreConfig(['--initial-cluster', ''])), /--initial-cluster must list at least one member/);
});

test('an even-sized new cluster gets a warning', () => {
  const { warnings } = config(parseStoreConfig(['--initial-cluster', 'default=http://localhost:2380,b=http://10.0.0.2:2380']));
  assert.match(warnings.join('\n'), /2 members: an even-sized cluster/);
});

test('URLs: http or https with an explicit host:port and no path; unix sockets refused', () => {
  const bad = (flag: string, value: string, re: RegExp): void => {
    const extra = flag === '--listen-client-urls' ? ['--advertise-client-urls', 'http://10.0.0.1:2379'] : [];
    assert.match(problems(parseStoreConfig([flag, value, ...extra])), re, `${flag} ${value}`);
  };
  bad('--listen-client-urls', 'unix://localhost:2379', /unix socket URL "unix:\/\/localhost:2379" is not supported/);
  bad('--listen-client-urls', 'unixs://x', /unix socket URL/);
  bad('--listen-peer-urls', 'tcp://10.0.0.1:2380', /scheme must be http or https/);
  bad('--listen-peer-urls', 'http://10.0.0.1', /must have the form "host:port"/);
  bad('--listen-peer-urls', 'http://10.0.0.1:2380/', /must not contain a path/);
  bad('--listen-peer-urls', 'http://10.0.0.1:99999', /must have the form "host:port"/);
  bad('--listen-peer-urls', '10.0.0.1:2380', /is not a URL/);
  bad('--advertise-client-urls', 'http://user@h:1', /must have the form "host:port"/);
  bad('--initial-advertise-peer-urls', 'http://h:0', /needs a real port/);
  bad('--listen-peer-urls', ',', /must list at least one URL/);
});

test('listen URLs bind IPs or localhost (resolved to 127.0.0.1); advertised URLs may use names', () => {
  assert.match(problems(parseStoreConfig(['--listen-peer-urls', 'http://node1.example.com:2380'])), /expected an IP address or localhost/);
  const { config: c, warnings } = config(parseStoreConfig([
    '--listen-client-urls', 'http://LOCALHOST:2379,http://[::1]:2379,http://0.0.0.0:2379,http://0.0.0.0:2379',
    '--advertise-client-urls', 'http://node1.example.com:2379',
    '--listen-peer-urls', 'http://[::]:2380',
  ]));
  assert.deepEqual(c.listenClientUrls.map((u) => u.host), ['127.0.0.1', '::1', '0.0.0.0']); // repeats dropped
  assert.deepEqual(c.listenPeerUrls, [{ scheme: 'http', host: '::', port: 2380, url: 'http://[::]:2380' }]);
  assert.deepEqual(c.advertiseClientUrls, ['http://node1.example.com:2379']);
  assert.deepEqual(warnings, []);
  assert.match(config(parseStoreConfig(['--advertise-client-urls', 'http://0.0.0.0:2379'])).warnings.join('\n'), /unspecified address/);
});

test('--advertise-client-urls is required once --listen-client-urls is set (by flag or environment)', () => {
  assert.match(problems(parseStoreConfig(['--listen-client-urls', 'http://10.0.0.1:2379'])), /--advertise-client-urls must be given when --listen-client-urls is set/);
  assert.match(problems(parseStoreConfig([], { ETCD_LISTEN_CLIENT_URLS: 'http://10.0.0.1:2379' })), /--advertise-client-urls must be given when --listen-client-urls \(from ETCD_LISTEN_CLIENT_URLS\) is set/);
  assert.equal(config(parseStoreConfig(['--advertise-client-urls', 'http://10.0.0.1:2379'])).config.listenClientUrls[0]!.url, 'http://localhost:2379');
});

test('https URLs need the certificate and key of their side', () => {
  const text = problems(parseStoreConfig(['--listen-client-urls', 'https://10.0.0.1:2379', '--advertise-client-urls', 'https://10.0.0.1:2379', '--listen-peer-urls', 'https://10.0.0.1:2380', '--cert-file', 'c.pem']));
  assert.match(text, /client URL https:\/\/10\.0\.0\.1:2379 uses HTTPS: --cert-file and --key-file are required/);
  assert.match(text, /peer URL https:\/\/10\.0\.0\.1:2380 uses HTTPS: --peer-cert-file and --peer-key-file are required/);
  assert.match(text, /--cert-file and --key-file must be given together/);
  assert.match(problems(parseStoreConfig(['--peer-key-file', 'k.pem'])), /--peer-cert-file and --peer-key-file must be given together/);
});

test('client certificate auth needs a trusted CA; a trusted CA alone implies it, as in etcd', () => {
  assert.match(problems(parseStoreConfig(['--cert-file', 'c', '--key-file', 'k', '--client-cert-auth'])), /--client-cert-auth needs --trusted-ca-file/);
  assert.match(problems(parseStoreConfig(['--peer-cert-file', 'c', '--peer-key-file', 'k', '--peer-client-cert-auth'])), /--peer-client-cert-auth needs --peer-trusted-ca-file/);
  const { config: c } = config(parseStoreConfig(['--cert-file', 'c', '--key-file', 'k', '--trusted-ca-file', 'ca', '--peer-cert-file', 'pc', '--peer-key-file', 'pk']));
  assert.deepEqual(c.clientTls, { certFile: 'c', keyFile: 'k', trustedCaFile: 'ca', clientCertAuth: true });
  assert.deepEqual(c.peerTls, { certFile: 'pc', keyFile: 'pk', clientCertAuth: false });
});

test('TLS settings on plain-http URLs are ignored with a warning, as etcd does', () => {
  const { config: c, warnings } = config(parseStoreConfig(['--cert-file', 'c', '--key-file', 'k', '--trusted-ca-file', 'ca', '--client-cert-auth', '--peer-trusted-ca-file', 'pca']));
  assert.ok(c.clientTls !== undefined);
  const text = warnings.join('\n');
  assert.match(text, /client URL http:\/\/localhost:2379 is plain http; --cert-file and --key-file do not apply/);
  assert.match(text, /client URL http:\/\/localhost:2379 is plain http; --client-cert-auth does not apply/);
  assert.match(text, /--peer-trusted-ca-file has no effect without --peer-cert-file and --peer-key-file/);
});

test('size limits: quota 0 means 2 GiB, negative is refused, above 8 GiB warns; snapshot counts 0 mean the defaults', () => {
  assert.equal(config(parseStoreConfig(['--quota-backend-bytes', '0'])).config.quotaBackendBytes, 2 ** 31);
  assert.equal(config(parseStoreConfig(['--quota-backend-bytes', '4294967296'])).config.quotaBackendBytes, 2 ** 32);
  assert.match(problems(parseStoreConfig(['--quota-backend-bytes', '-1'])), /negative value \(no quota\) is not supported/);
  const big = config(parseStoreConfig(['--quota-backend-bytes', String(9 * 1024 ** 3)]));
  assert.match(big.warnings.join('\n'), /exceeds the suggested maximum of 8 GiB/);
  const zero = config(parseStoreConfig(['--snapshot-count', '0', '--experimental-snapshot-catchup-entries', '0']));
  assert.equal(zero.config.snapshotCount, 100_000);
  assert.equal(zero.config.snapshotCatchUpEntries, 5_000);
  assert.equal(zero.warnings.length, 2);
  const set = config(parseStoreConfig(['--snapshot-count', '10000', '--experimental-snapshot-catchup-entries', '100', '--max-request-bytes', '10485760', '--max-txn-ops', '1024']));
  assert.deepEqual([set.config.snapshotCount, set.config.snapshotCatchUpEntries, set.config.maxRequestBytes, set.config.maxTxnOps], [10_000, 100, 10_485_760, 1024]);
  const text = problems(parseStoreConfig(['--max-request-bytes', '0', '--max-txn-ops', '0', '--snapshot-count', 'many', '--max-pending-proposals', '0']));
  for (const name of ['max-request-bytes', 'max-txn-ops', 'snapshot-count', 'max-pending-proposals']) assert.match(text, new RegExp(`for --${name}: want an integer`));
});

test('log level: etcd\'s levels, panic and fatal mean error, 3.4\'s --debug', () => {
  assert.equal(config(parseStoreConfig(['--log-level', 'warn'])).config.logLevel, 'warn');
  const fatal = config(parseStoreConfig(['--log-level', 'fatal']));
  assert.equal(fatal.config.logLevel, 'error');
  assert.match(fatal.warnings.join('\n'), /--log-level=fatal is treated as error/);
  assert.equal(config(parseStoreConfig(['--debug'])).config.logLevel, 'debug');
  assert.equal(config(parseStoreConfig(['--debug', '--log-level', 'info'])).config.logLevel, 'info');
});

test('Logbook\'s own flags: NATS, proposals in flight, request timeout as a duration or milliseconds', () => {
  const { config: c } = config(parseStoreConfig(['--nats-url', 'tls://nats.example.com:4222', '--nats-subject-prefix', 'prod.logbook', '--max-pending-proposals', '128', '--request-timeout', '1m30s']));
  assert.deepEqual([c.natsUrl, c.natsSubjectPrefix, c.maxPendingProposals, c.requestTimeoutMs], ['tls://nats.example.com:4222', 'prod.logbook', 128, 90_000]);
  assert.equal(config(parseStoreConfig(['--request-timeout', '2500'])).config.requestTimeoutMs, 2500);
  assert.equal(config(parseStoreConfig(['--request-timeout', '1.5s'])).config.requestTimeoutMs, 1500);
  const text = problems(parseStoreConfig(['--request-timeout', 'soon', '--nats-url', 'http://x:1 ,nats://ok:4222', '--nats-subject-prefix', 'a.*.b']));
  assert.match(text, /"soon" for --request-timeout/);
  assert.match(text, /"http:\/\/x:1" in --nats-url/);
  assert.doesNotMatch(text, /"nats:\/\/ok:4222"/);
  assert.match(text, /"a\.\*\.b" for --nats-subject-prefix/);
  assert.match(problems(parseStoreConfig(['--request-timeout', '11m'])), /for --request-timeout/);
  assert.match(problems(parseStoreConfig(['--request-timeout', '0'])), /for --request-timeout/);
});

test('ETCD_* variables set flags; the command line shadows them with a warning', () => {
  const env = {
    ETCD_NAME: 'from-env',
    ETCD_DATA_DIR: '/env/data',
    ETCD_HEARTBEAT_INTERVAL: '50',
    ETCD_CLIENT_CERT_AUTH: '0',
    ETCD_INITIAL_CLUSTER_STATE: '', // empty: unset, as in etcd
    PATH: '/usr/bin',
  };
  const { config: c, warnings } = config(parseStoreConfig(['--data-dir', '/flag/data'], env));
  assert.equal(c.name, 'from-env');
  assert.equal(c.dataDir, '/flag/data');
  assert.equal(c.heartbeatIntervalMs, 50);
  assert.deepEqual(c.initialCluster, [{ name: 'from-env', peerUrls: ['http://localhost:2380'] }]);
  assert.deepEqual(warnings, ['environment variable ETCD_DATA_DIR is shadowed by --data-dir on the command line; ignored']);
});

test('environment: unknown ETCD_* names warn, bad values name the variable, unimplemented ones warn', () => {
  const r = parseStoreConfig([], { ETCD_SNAPSHOT_COUNT: 'lots', ETCD_PEER_AUTO_TLS: 'yes' });
  const text = problems(r);
  assert.match(text, /"lots" for --snapshot-count \(from ETCD_SNAPSHOT_COUNT\)/);
  assert.match(text, /"yes" for ETCD_PEER_AUTO_TLS: want true or false/);
  const { warnings } = config(parseStoreConfig([], { ETCD_NOT_A_FLAG: 'x', ETCD_VERSION: '3.5', ETCD_ENABLE_PPROF: 'true', ETCDCTL_API: '3' }));
  assert.deepEqual(warnings, [
    'ETCD_ENABLE_PPROF (--enable-pprof) is an accepted flag that Logbook does not implement; it has no effect',
    'unrecognized environment variable ETCD_NOT_A_FLAG; ignored',
    'environment variable ETCD_VERSION cannot set a flag; ignored',
  ]);
  assert.equal(flagEnvKey('initial-advertise-peer-urls'), 'ETCD_INITIAL_ADVERTISE_PEER_URLS');
});

test('--help, -h and -help return help listing implemented flags; --version a version line', () => {
  for (const argv of [['--help'], ['-h'], ['-help'], ['--bogus', '--help']]) {
    const r = parseStoreConfig(argv);
    assert.equal(r.kind, 'help', argv.join(' '));
    if (r.kind !== 'help') continue;
    assert.match(r.text, /--initial-advertise-peer-urls URL,\.\.\./);
    assert.match(r.text, /--nats-url/);
    assert.doesNotMatch(r.text, /--wal-dir/);
  }
  const v = parseStoreConfig(['--version']);
  assert.equal(v.kind, 'version');
  if (v.kind === 'version') assert.match(v.text, /^logbook store \d+\.\d+\.\d+ \(etcd API 3\.5\.\d+\)\n$/);
});

test('STORE_FLAGS: one spec per name, etcd 3.5\'s server flags all present', () => {
  const names = STORE_FLAGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['listen-client-http-urls', 'listen-metrics-urls', 'max-snapshots', 'grpc-keepalive-min-time', 'auto-tls', 'peer-auto-tls', 'cipher-suites', 'cors', 'host-whitelist', 'enable-v2', 'auth-token', 'strict-reconfig-check', 'initial-election-tick-advance', 'unsafe-no-fsync', 'client-crl-file', 'peer-crl-file', 'tls-min-version']) {
    assert.equal(STORE_FLAGS.find((s) => s.name === n)?.unimplemented, true, n);
  }
  for (const n of ['name', 'peer-client-cert-auth', 'nats-url', 'experimental-snapshot-catchup-entries', 'pre-vote', 'experimental-watch-progress-notify-interval', 'backend-batch-interval', 'backend-batch-limit']) {
    assert.notEqual(STORE_FLAGS.find((s) => s.name === n)?.unimplemented, true, n);
  }
});

test('--experimental-watch-progress-notify-interval takes a positive Go duration', () => {
  assert.equal(config(parseStoreConfig(['--experimental-watch-progress-notify-interval', '200ms'])).config.watchProgressNotifyIntervalMs, 200);
  for (const bad of ['0', '-1s', 'soon']) {
    assert.match(problems(parseStoreConfig(['--experimental-watch-progress-notify-interval', bad])), /experimental-watch-progress-notify-interval.*want a positive duration/);
  }
});

test('backend batching: etcd\'s flags, 0 meaning its defaults (100ms, 10000 key writes), bounded', () => {
  const set = config(parseStoreConfig(['--backend-batch-interval', '25ms', '--backend-batch-limit', '500']));
  assert.deepEqual(set.warnings, []);
  assert.deepEqual([set.config.backendBatchIntervalMs, set.config.backendBatchLimit], [25, 500]);
  const env = config(parseStoreConfig([], { ETCD_BACKEND_BATCH_INTERVAL: '1.5s', ETCD_BACKEND_BATCH_LIMIT: '100000' }));
  assert.deepEqual([env.config.backendBatchIntervalMs, env.config.backendBatchLimit], [1_500, 100_000]);
  const zero = config(parseStoreConfig(['--backend-batch-interval', '0', '--backend-batch-limit', '0']));
  assert.deepEqual([zero.config.backendBatchIntervalMs, zero.config.backendBatchLimit], [100, 10_000]);
  // Under a millisecond still batches: rounded up to the backend timer's 1 ms.
  assert.equal(config(parseStoreConfig(['--backend-batch-interval', '100us'])).config.backendBatchIntervalMs, 1);
  for (const bad of ['-1ms', '11m', 'soon', '100']) {
    assert.match(problems(parseStoreConfig(['--backend-batch-interval', bad])), new RegExp(`"${bad}" for --backend-batch-interval: want a duration from 0`));
  }
  for (const bad of ['-1', '100001', '1.5', 'many']) {
    assert.match(problems(parseStoreConfig(['--backend-batch-limit', bad])), new RegExp(`"${bad}" for --backend-batch-limit: want an integer in \\[0, 100000\\]`));
  }
  const help = parseStoreConfig(['--help']);
  assert.ok(help.kind === 'help' && /--backend-batch-interval DURATION/.test(help.text) && /--backend-batch-limit N/.test(help.text));
});

test('Go durations', () => {
  const cases: [string, number | undefined][] = [
    ['0', 0], ['300ms', 300], ['1.5h', 5_400_000], ['2h45m', 9_900_000], ['1m30.5s', 90_500], ['-5s', -5_000],
    ['10us', 0.01], ['1000000ns', 1], ['.5s', 500],
    ['', undefined], ['5', undefined], ['5 s', undefined], ['5sec', undefined], ['s', undefined], ['1d', undefined],
  ];
  for (const [s, want] of cases) assert.equal(parseGoDurationMs(s), want, s);
});
