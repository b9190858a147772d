// The client and peer TLS flag groups. The two follow one set of rules, so
// one function reads either; what differs is only the flag names.

import type { FlagValues } from './flag-sources.ts';
import type { ListenUrl } from './urls.ts';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly trustedCaFile?: string;
  /** Require and verify a certificate from whoever connects. */
  readonly clientCertAuth: boolean;
}

const NAMES = {
  client: { cert: 'cert-file', key: 'key-file', ca: 'trusted-ca-file', auth: 'client-cert-auth', urls: 'listen-client-urls' },
  peer: { cert: 'peer-cert-file', key: 'peer-key-file', ca: 'peer-trusted-ca-file', auth: 'peer-client-cert-auth', urls: 'listen-peer-urls' },
} as const;

/**
 * The TLS files of one side, present when its certificate and key are given.
 * Every https listen URL of that side needs them; files given while every URL
 * is plain http are ignored with a warning, as etcd does.
 */
export function readTlsFlags(side: 'client' | 'peer', values: FlagValues, listen: readonly ListenUrl[], problems: string[], warnings: string[]): TlsFiles | undefined {
  const n = NAMES[side];
  const certFile = values.get(n.cert) ?? '';
  const keyFile = values.get(n.key) ?? '';
  const trustedCaFile = values.get(n.ca) ?? '';
  const certAuthFlag = values.get(n.auth) === 'true';
  const problemsBefore = problems.length;

  if ((certFile === '') !== (keyFile === '')) problems.push(`--${n.cert} and --${n.key} must be given together`);
  if (certAuthFlag && trustedCaFile === '') problems.push(`${values.ref(n.auth)} needs --${n.ca} to verify ${side} certificates against`);
  const hasFiles = certFile !== '' && keyFile !== '';
  if (!hasFiles && trustedCaFile !== '') warnings.push(`--${n.ca} has no effect without --${n.cert} and --${n.key}`);

  for (const u of listen) {
    if (u.scheme === 'https' && !hasFiles) {
      problems.push(`${side} URL ${u.url} uses HTTPS: --${n.cert} and --${n.key} are required`);
    }
    if (u.scheme === 'http' && hasFiles) warnings.push(`${side} URL ${u.url} is plain http; --${n.cert} and --${n.key} do not apply to it`);
    if (u.scheme === 'http' && certAuthFlag) warnings.push(`${side} URL ${u.url} is plain http; --${n.auth} does not apply to it`);
  }
  if (!hasFiles || problems.length > problemsBefore) return undefined;
  return {
    certFile,
    keyFile,
    ...(trustedCaFile === '' ? {} : { trustedCaFile }),
    // etcd requires client certificates whenever a trusted CA file is given,
    // with or without the auth flag; a configuration that relied on that
    // must not silently open up here.
    clientCertAuth: certAuthFlag || trustedCaFile !== '',
  };
}
