// `logbook up`: the embedded control plane in one process — a one-member
// store, the apiserver over it (through the same etcd v3 client path a
// production replica uses), the control loops; data, TLS material and an
// admin kubeconfig under one directory. Restarting keeps everything.
//
// Flags: `--data-dir` (default ./.logbook), `--store-client-url` and
// `--store-peer-url` (the in-process store's loopback URLs, default
// http://127.0.0.1:2379 and :2380), then any kube-apiserver flag
// (`--secure-port` 6443 and `--bind-address` 127.0.0.1 by default here).

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jsonLogger, runUntilStopped } from '@logbook/cli-kit';
import type { MainIo } from '@logbook/raftkv';

const UP_FLAGS = ['data-dir', 'store-client-url', 'store-peer-url'] as const;

/** kube's in-cluster issuer name, as kubeadm configures it. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Splits `logbook up`'s own flags from the apiserver's; `--x=v` and `--x v` forms. */
function splitFlags(argv: readonly string[]): { own: Record<string, string>; rest: string[]; problems: string[] } {
  const own: Record<string, string> = {};
  const rest: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    const name = m?.[1];
    if (name !== undefined && (UP_FLAGS as readonly string[]).includes(name)) {
      const value = m?.[2] ?? argv[++i];
      if (value === undefined || value === '') problems.push(`--${name} needs a value`);
      else own[name] = value;
      continue;
    }
    rest.push(a);
  }
  return { own, rest, problems };
}

const has = (argv: readonly string[], flag: string): boolean => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));

export async function upMain(argv: readonly string[], io: MainIo): Promise<number> {
  const { own, rest, problems } = splitFlags(argv);
  if (problems.length > 0) {
    io.stderr.write(`logbook up: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
    return 2;
  }
  const dataDir = resolve(own['data-dir'] ?? './.logbook');
  const clientUrl = own['store-client-url'] ?? 'http://127.0.0.1:2379';
  const peerUrl = own['store-peer-url'] ?? 'http://127.0.0.1:2380';
  const { parseApiserverConfig, startApiserver } = await import('@logbook/apiserver');
  const { parseStoreConfig, startStore } = await import('@logbook/store');
  const { ensureServiceAccountKey, writeKubeconfig } = await import('@logbook/pki');
  // Secure by default, as a kubeadm control plane is: RBAC with the Node authorizer (kube's default admission
  // set is on anyway), anonymous requests limited to what the public-info roles allow, service-account tokens
  // signed with a key made once in the data dir. Any of these given on the command line wins.
  const saKey = join(dataDir, 'pki', 'sa.key');
  const defaultIssuer = !has(rest, 'service-account-issuer') && !has(rest, 'service-account-signing-key-file') && !has(rest, 'service-account-key-file');
  if (defaultIssuer) await ensureServiceAccountKey(saKey);
  const defaults = [
    ...(has(rest, 'cert-dir') ? [] : ['--cert-dir', join(dataDir, 'pki')]),
    ...(has(rest, 'bind-address') ? [] : ['--bind-address', '127.0.0.1']),
    ...(has(rest, 'etcd-servers') ? [] : ['--etcd-servers', clientUrl]),
    ...(has(rest, 'authorization-mode') ? [] : ['--authorization-mode', 'Node,RBAC']),
    ...(defaultIssuer ? ['--service-account-issuer', SERVICE_ACCOUNT_ISSUER, '--service-account-signing-key-file', saKey] : []),
  ];
  const api = parseApiserverConfig([...defaults, ...rest], { embedded: true });
  if (api.kind === 'help' || api.kind === 'version') {
    io.stdout.write(api.text);
    return 0;
  }
  if (api.kind === 'invalid') {
    io.stderr.write(`logbook up: invalid flags:\n${api.problems.map((p) => `  - ${p}\n`).join('')}Run 'logbook apiserver --help' for the apiserver's flags.\n`);
    return 2;
  }
  const store = parseStoreConfig([
    '--name', 'logbook', '--data-dir', join(dataDir, 'store'),
    '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `logbook=${peerUrl}`,
  ]);
  if (store.kind !== 'config') {
    io.stderr.write(`logbook up: bad store settings: ${store.kind === 'invalid' ? store.problems.join('; ') : store.kind}\n`);
    return 2;
  }
  const logger = jsonLogger(io.stderr, api.config.verbosity >= 4 ? 'debug' : 'info', { component: 'up' });
  for (const w of api.warnings) logger.warn(w);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return runUntilStopped(async () => {
    const member = await startStore(store.config, logger);
    let apiserver;
    try {
      apiserver = await startApiserver(api.config, logger, { etcdServers: [clientUrl] });
    } catch (err) {
      await member.close();
      throw err;
    }
    const kubeconfig = join(dataDir, 'admin.kubeconfig');
    if (apiserver.admin !== undefined) {
      await writeKubeconfig(kubeconfig, {
        server: `https://127.0.0.1:${apiserver.port}`,
        caPem: apiserver.caPem,
        clientCertPem: apiserver.admin.certPem,
        clientKeyPem: apiserver.admin.keyPem,
        clusterName: 'logbook',
        userName: 'logbook-admin',
        contextName: 'logbook',
      });
      io.stdout.write(`Logbook is up: https://127.0.0.1:${apiserver.port}\nexport KUBECONFIG=${kubeconfig}\n`);
    }
    let resolveClosed: (e: Error | undefined) => void = () => {};
    const closed = new Promise<Error | undefined>((r) => (resolveClosed = r));
    void member.closed.then((e) => resolveClosed(e));
    void apiserver.closed.then((e) => resolveClosed(e));
    return {
      closed,
      close: async () => {
        await apiserver.close();
        await member.close();
        resolveClosed(undefined);
      },
    };
  }, logger, 'logbook up');
}
