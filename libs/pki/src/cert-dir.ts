// kube-apiserver's fallback when no certificate flags are given: serve with
// self-signed material kept in --cert-dir. Logbook goes one step further and
// also writes an admin client certificate, so `logbook up` can hand out a
// kubeconfig that works over TLS with client-certificate authentication.
//
// Reuse is the point: a restart must keep the same CA, or every kubeconfig
// handed out before it stops working. So each piece is checked on its own and
// only what is missing, invalid or stale is replaced — new hosts give a new
// serving certificate under the old CA.

import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivateKey, type X509Certificate } from 'node:crypto';
import { generateCa, issueClientCert, issueServingCert, nodeCertificate, type CertAndKey } from './certificates.ts';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, writeFileAtomic } from './files.ts';
import { PkiError } from './pki-error.ts';

export interface CertDirOptions {
  /** Extra names the serving certificate must cover: DNS names and IP addresses (e.g. --advertise-address, the service IP). */
  readonly hosts: readonly string[];
  readonly now: Date;
  /** Default 3650 (kubeadm's CA lifetime). */
  readonly caValidityDays?: number;
  /** Serving and admin certificates; default 365 (kubeadm's). */
  readonly certValidityDays?: number;
}

export interface CertFiles extends CertAndKey {
  readonly certPath: string;
  readonly keyPath: string;
}

export interface CertDir {
  readonly ca: CertFiles;
  readonly serving: CertFiles;
  readonly admin: CertFiles;
  /** What this call wrote; empty when everything was reused. */
  readonly generated: readonly ('ca' | 'serving' | 'admin')[];
}

/** kubeadm's admin user; the group is the one every authorizer lets do anything. */
export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUP = 'system:masters';
/** The names in-cluster clients use for the apiserver (kube-apiserver adds them to its self-signed certificate too). */
export const KUBERNETES_SERVICE_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'] as const;
/**
 * A certificate this close to expiry is replaced rather than reused, so a
 * process started today does not fail tomorrow; a CA replaced for this reason
 * invalidates old kubeconfigs, which is unavoidable once it expires anyway.
 */
export const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

const FILES = {
  ca: ['ca.crt', 'ca.key'],
  serving: ['apiserver.crt', 'apiserver.key'],
  admin: ['admin.crt', 'admin.key'],
} as const;

export async function ensureCertDir(dir: string, options: CertDirOptions): Promise<CertDir> {
  const caDays = options.caValidityDays ?? 3650;
  const certDays = options.certValidityDays ?? 365;
  const { dnsNames, ipAddresses } = servingNames(options.hosts);
  const generated: ('ca' | 'serving' | 'admin')[] = [];
  const renewBy = new Date(options.now.getTime() + RENEW_BEFORE_DAYS * DAY_MS);

  let ca = await readPair(dir, 'ca');
  const caCert = ca === undefined ? undefined : usable(ca, options.now, renewBy);
  if (ca === undefined || caCert === undefined || !caCert.ca) {
    ca = await writePair(dir, 'ca', await generateCa({ commonName: `logbook-ca@${Math.floor(options.now.getTime() / 1000)}`, now: options.now, validityDays: caDays }));
    generated.push('ca');
  }
  const caX509 = nodeCertificate(ca.certPem)!;

  let serving = await readPair(dir, 'serving');
  if (generated.length > 0 || serving === undefined || !servingValid(serving, caX509, options.now, renewBy, dnsNames, ipAddresses)) {
    serving = await writePair(dir, 'serving', await issueServingCert(ca, { commonName: 'kube-apiserver', dnsNames, ipAddresses, now: options.now, validityDays: certDays }));
    generated.push('serving');
  }

  let admin = await readPair(dir, 'admin');
  if (generated.includes('ca') || admin === undefined || !adminValid(admin, caX509, options.now, renewBy)) {
    admin = await writePair(dir, 'admin', await issueClientCert(ca, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], now: options.now, validityDays: certDays }));
    generated.push('admin');
  }
  return { ca, serving, admin, generated };
}

/** The serving certificate's SANs: loopback, the Kubernetes service names, and `hosts`, without repeats. */
function servingNames(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const dns = new Set<string>(['localhost', ...KUBERNETES_SERVICE_NAMES]);
  const ips = new Set<string>(['127.0.0.1']);
  for (const h of hosts) {
    if (h === '') throw new PkiError('invalid-argument', 'an empty host name for the serving certificate');
    if (isIP(h) !== 0) ips.add(h);
    else dns.add(h.toLowerCase());
  }
  return { dnsNames: [...dns], ipAddresses: [...ips] };
}

async function readPair(dir: string, which: keyof typeof FILES): Promise<CertFiles | undefined> {
  const certPath = join(dir, FILES[which][0]);
  const keyPath = join(dir, FILES[which][1]);
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { certPath, keyPath, certPem, keyPem };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // missing: generate it
    throw new PkiError('io', `cannot read ${certPath} or ${keyPath}: ${(err as Error).message}`, { cause: err });
  }
}

async function writePair(dir: string, which: keyof typeof FILES, pair: CertAndKey): Promise<CertFiles> {
  const certPath = join(dir, FILES[which][0]);
  const keyPath = join(dir, FILES[which][1]);
  // The key first: a crash between the two writes leaves a certificate that
  // does not match its key, which the next start detects and replaces.
  await writeFileAtomic(keyPath, pair.keyPem, PRIVATE_FILE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_FILE_MODE);
  return { certPath, keyPath, ...pair };
}

/** The certificate, when it parses, matches its key, is valid now and stays valid past `renewBy`. */
function usable(pair: CertAndKey, now: Date, renewBy: Date): X509Certificate | undefined {
  const cert = nodeCertificate(pair.certPem);
  if (cert === undefined) return undefined;
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(pair.keyPem));
  } catch {
    matches = false; // an unparsable key is replaced like a mismatched one
  }
  if (!matches) return undefined;
  if (Date.parse(cert.validFrom) > now.getTime() || Date.parse(cert.validTo) < renewBy.getTime()) return undefined;
  return cert;
}

function servingValid(pair: CertAndKey, ca: X509Certificate, now: Date, renewBy: Date, dnsNames: readonly string[], ipAddresses: readonly string[]): boolean {
  const cert = usable(pair, now, renewBy);
  if (cert === undefined || !cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
  // Exactly the wanted names: a host that was dropped must not stay trusted.
  const present = (cert.subjectAltName ?? '').split(', ').filter((s) => s !== '');
  if (present.length !== dnsNames.length + ipAddresses.length) return false;
  return dnsNames.every((d) => cert.checkHost(d, { subject: 'never', wildcards: false }) !== undefined) && ipAddresses.every((ip) => cert.checkIP(ip) !== undefined);
}

function adminValid(pair: CertAndKey, ca: X509Certificate, now: Date, renewBy: Date): boolean {
  const cert = usable(pair, now, renewBy);
  return cert !== undefined && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
