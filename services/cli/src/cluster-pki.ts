// The cluster's TLS material under D/pki: one CA, one serving certificate that
// every apiserver replica presents (clients dial HAProxy, which passes TLS
// through to whichever replica, so all must prove the same names), and the
// admin client certificate (CN admin, O system:masters) in the kubeconfig.
// Kept across `down`/`up`: a kubeconfig handed out earlier keeps working.

import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ensureServiceAccountKey, generateCa, issueClientCert, issueServingCert, writeKubeconfig, type CertAndKey } from '@logbook/pki';
import { writeFileAtomic } from './cluster-files.ts';
import { clusterPaths, type ClusterLayout } from './cluster-layout.ts';

export const ADMIN_CN = 'admin';
export const ADMIN_ORG = 'system:masters';
const CA_DAYS = 3650;
const CERT_DAYS = 365;

export interface ClusterPki {
  readonly ca: CertAndKey;
  readonly serving: CertAndKey;
  readonly admin: CertAndKey;
  /** True when this call made the files (none existed). */
  readonly generated: boolean;
}

/** The names a client may dial: loopback always; in containers, HAProxy's and each replica's service name too. */
export function servingNames(l: ClusterLayout): { dnsNames: string[]; ipAddresses: string[] } {
  const hosts = new Set(['127.0.0.1', 'localhost', l.haproxy.host, ...l.apiservers.map((a) => a.host)]);
  const all = [...hosts];
  return { dnsNames: all.filter((h) => isIP(h) === 0), ipAddresses: all.filter((h) => isIP(h) !== 0) };
}

export async function ensureClusterPki(l: ClusterLayout, now: Date): Promise<ClusterPki> {
  const p = clusterPaths(l.dir);
  await ensureServiceAccountKey(p.saKey);
  const files = [p.caCert, p.caKey, p.servingCert, p.servingKey, p.adminCert, p.adminKey];
  if (files.every((f) => existsSync(f))) {
    const pair = (cert: string, key: string): CertAndKey => ({ certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') });
    return { ca: pair(p.caCert, p.caKey), serving: pair(p.servingCert, p.servingKey), admin: pair(p.adminCert, p.adminKey), generated: false };
  }
  // Some files but not all: a half-written earlier run. Issue everything anew
  // rather than mix certificates of two CAs.
  const ca = await generateCa({ commonName: 'logbook-cluster-ca', now, validityDays: CA_DAYS });
  const serving = await issueServingCert(ca, { commonName: 'kube-apiserver', ...servingNames(l), now, validityDays: CERT_DAYS });
  const admin = await issueClientCert(ca, { commonName: ADMIN_CN, organizations: [ADMIN_ORG], now, validityDays: CERT_DAYS });
  // Certificates first, the CA's key last: files.every() above then only
  // passes once the whole set is on disk.
  await writeFileAtomic(p.servingCert, serving.certPem, 0o644);
  await writeFileAtomic(p.servingKey, serving.keyPem, 0o600);
  await writeFileAtomic(p.adminCert, admin.certPem, 0o644);
  await writeFileAtomic(p.adminKey, admin.keyPem, 0o600);
  await writeFileAtomic(p.caCert, ca.certPem, 0o644);
  await writeFileAtomic(p.caKey, ca.keyPem, 0o600);
  return { ca, serving, admin, generated: true };
}

export async function writeAdminKubeconfig(l: ClusterLayout, pki: ClusterPki): Promise<string> {
  const path = clusterPaths(l.dir).kubeconfig;
  await writeKubeconfig(path, {
    server: l.publicServer,
    caPem: pki.ca.certPem,
    clientCertPem: pki.admin.certPem,
    clientKeyPem: pki.admin.keyPem,
    clusterName: 'logbook',
    userName: 'logbook-admin',
    contextName: 'logbook',
  });
  return path;
}
