// What authenticators read from X.509 certificates: subject attributes and a
// chain check against a CA bundle. Node parses the certificates; this file
// only walks them, because the front proxy's CA is not the TLS layer's
// --client-ca-file and must be checked separately.

import { X509Certificate } from 'node:crypto';
import { AuthnError } from './authn-error.ts';

export const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
/** Longest chain walked: a deeper one is refused rather than followed. */
export const MAX_CHAIN_DEPTH = 10;

/** Values of one subject attribute (CN, O, …) in order; Node prints the subject one attribute per line. */
export function subjectValues(cert: X509Certificate, attribute: string): string[] {
  const out: string[] = [];
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0 || line.slice(0, eq) !== attribute) continue;
    out.push(unescapeRfc2253(line.slice(eq + 1)));
  }
  return out;
}

/** Go's pkix.Name keeps the last CN when a subject has several; so does Kubernetes. */
export function commonName(cert: X509Certificate): string {
  const cns = subjectValues(cert, 'CN');
  return cns[cns.length - 1] ?? '';
}

// Node escapes with RFC 2253 rules: "\," for specials, "\XX" for control bytes.
function unescapeRfc2253(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      const hex = s.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; continue; }
      bytes.push(...enc.encode(s[i + 1] ?? '')); i += 1; continue;
    }
    const cp = s.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    bytes.push(...enc.encode(ch));
    i += ch.length - 1;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Whether the certificate may authenticate a TLS client: no EKU at all means any use, as in Go. */
export function allowsClientAuth(cert: X509Certificate): boolean {
  const eku = cert.keyUsage as readonly string[] | undefined;
  return eku === undefined || eku.length === 0 || eku.includes(CLIENT_AUTH_EKU) || eku.includes('2.5.29.37.0');
}

/** Parses every CERTIFICATE block of a PEM bundle (--requestheader-client-ca-file). */
export function parseCertificateBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new AuthnError('invalid-config', 'no certificates found in CA bundle');
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw new AuthnError('invalid-config', `certificate ${i + 1} of the CA bundle cannot be parsed`, { cause: err });
    }
  });
}

/** A short identifier for logs, as kube's certificateIdentifier: serial number in decimal. */
export function certificateIdentifier(cert: X509Certificate): string {
  // Node gives the serial in hex; Go prints it in decimal.
  return /^[0-9A-Fa-f]+$/.test(cert.serialNumber) ? `SN=${BigInt(`0x${cert.serialNumber}`).toString(10)}` : `SN=${cert.serialNumber}`;
}

/**
 * Verifies `chain` (leaf first, then intermediates the peer sent) up to one
 * of `roots` at `nowMs`. Returns undefined when valid, else Go's error text.
 */
export function verifyChain(chain: readonly X509Certificate[], roots: readonly X509Certificate[], nowMs: number): string | undefined {
  const leaf = chain[0];
  if (leaf === undefined) return 'x509: no certificate';
  if (!allowsClientAuth(leaf)) return 'x509: certificate specifies an incompatible key usage';
  const intermediates = chain.slice(1);
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
    const expired = validityError(current, nowMs);
    if (expired !== undefined) return expired;
    const root = roots.find((r) => issued(r, current));
    if (root !== undefined) return validityError(root, nowMs);
    const next = intermediates.find((c) => c.ca && issued(c, current));
    if (next === undefined) return 'x509: certificate signed by unknown authority';
    current = next;
  }
  return 'x509: certificate signed by unknown authority';
}

function issued(issuer: X509Certificate, cert: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

function validityError(cert: X509Certificate, nowMs: number): string | undefined {
  if (nowMs < cert.validFromDate.getTime()) return 'x509: certificate has expired or is not yet valid: current time is before the certificate\'s validity';
  if (nowMs > cert.validToDate.getTime()) return 'x509: certificate has expired or is not yet valid: current time is after the certificate\'s validity';
  return undefined;
}
