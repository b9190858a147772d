// A kubeconfig in the shape kubeadm writes admin.conf: one cluster, one user,
// one context, everything embedded as base64 *-data fields so the file works
// wherever it is copied.

import { stringify } from 'yaml';
import { PRIVATE_FILE_MODE, writeFileAtomic } from './files.ts';
import { PkiError } from './pki-error.ts';

export interface KubeconfigOptions {
  /** https://HOST:PORT — clients send credentials only over TLS. */
  readonly server: string;
  readonly caPem: string;
  /** The credential: a client certificate and key, or a bearer token (exactly one of the two). */
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
  readonly token?: string;
  readonly clusterName: string;
  readonly userName: string;
  readonly contextName: string;
}

export function kubeconfigYaml(options: KubeconfigOptions): string {
  let url: URL;
  try {
    url = new URL(options.server);
  } catch (err) {
    throw new PkiError('invalid-argument', `kubeconfig server ${JSON.stringify(options.server)} is not a URL`, { cause: err });
  }
  // kubectl attaches client certificates and tokens only to https:// servers.
  if (url.protocol !== 'https:') throw new PkiError('invalid-argument', `kubeconfig server ${options.server} must be an https:// URL`);
  for (const [field, value] of [['clusterName', options.clusterName], ['userName', options.userName], ['contextName', options.contextName]] as const) {
    if (value === '') throw new PkiError('invalid-argument', `kubeconfig ${field} must not be empty`);
  }
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const hasCert = options.clientCertPem !== undefined && options.clientKeyPem !== undefined;
  if (hasCert === (options.token !== undefined)) throw new PkiError('invalid-argument', 'a kubeconfig user needs either a client certificate and key or a token');
  const user = hasCert ? { 'client-certificate-data': b64(options.clientCertPem ?? ''), 'client-key-data': b64(options.clientKeyPem ?? '') } : { token: options.token };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: options.clusterName, cluster: { server: options.server, 'certificate-authority-data': b64(options.caPem) } }],
    users: [{ name: options.userName, user }],
    contexts: [{ name: options.contextName, context: { cluster: options.clusterName, user: options.userName } }],
    'current-context': options.contextName,
    preferences: {},
  };
  // Long base64 strings stay on one line, as kubectl writes them.
  return stringify(doc, { lineWidth: 0 });
}

/** Writes the kubeconfig with mode 0600: it holds a private key. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, kubeconfigYaml(options), PRIVATE_FILE_MODE);
}
