// A certificate authority and the two kinds of certificate it signs for the
// apiserver: serving (TLS server, with the names clients dial) and client
// (a user: CN is the user name, O the groups, as Kubernetes' x509
// authenticator reads them). ECDSA P-256 throughout: kubectl, client-go,
// @kubernetes/client-node and Python's ssl all accept it, and it is
// kubeadm's choice when asked for ECDSA.

import { isIP } from 'node:net';
import { webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { PkiError } from './pki-error.ts';

/** A certificate and its private key, PEM-encoded (the key as PKCS#8 "PRIVATE KEY"). */
export interface CertAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CaOptions {
  readonly commonName: string;
  readonly now: Date;
  readonly validityDays: number;
}

export interface ServingCertOptions {
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly now: Date;
  readonly validityDays: number;
}

export interface ClientCertOptions {
  /** The user name. */
  readonly commonName: string;
  /** The groups, one O attribute each. */
  readonly organizations: readonly string[];
  readonly now: Date;
  readonly validityDays: number;
}

const crypto = webcrypto;
const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;
/**
 * Certificates start an hour before `now` (as client-go's self-signed
 * certificates do) so a client whose clock is a little behind the issuer's
 * does not reject a certificate that was just made.
 */
export const BACKDATE_MS = 3_600_000;
/** Go's x509 refuses certificates past 9999; nothing here needs more than decades. */
const MAX_VALIDITY_DAYS = 36_500;

export async function generateCa(options: CaOptions): Promise<CertAndKey> {
  checkCommonName(options.commonName);
  const validity = validityPeriod(options.now, options.validityDays);
  const keys = await generateKeyPair();
  const name = distinguishedName(options.commonName, []);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: name,
      issuer: name,
      ...validity,
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

export async function issueServingCert(ca: CertAndKey, options: ServingCertOptions): Promise<CertAndKey> {
  checkCommonName(options.commonName);
  const names: x509.JsonGeneralName[] = [];
  for (const d of options.dnsNames) {
    if (!isDnsName(d)) throw new PkiError('invalid-argument', `invalid DNS name ${JSON.stringify(d)} for a serving certificate`);
    names.push({ type: 'dns', value: d });
  }
  for (const ip of options.ipAddresses) {
    if (isIP(ip) === 0) throw new PkiError('invalid-argument', `invalid IP address ${JSON.stringify(ip)} for a serving certificate`);
    names.push({ type: 'ip', value: ip });
  }
  if (names.length === 0) throw new PkiError('invalid-argument', 'a serving certificate needs at least one DNS name or IP address');
  return issue(ca, options, [], [x509.ExtendedKeyUsage.serverAuth], new x509.SubjectAlternativeNameExtension(names, false));
}

export async function issueClientCert(ca: CertAndKey, options: ClientCertOptions): Promise<CertAndKey> {
  checkCommonName(options.commonName);
  for (const o of options.organizations) {
    if (o === '') throw new PkiError('invalid-argument', 'a group (O) of a client certificate must not be empty');
  }
  return issue(ca, options, options.organizations, [x509.ExtendedKeyUsage.clientAuth], undefined);
}

async function issue(
  ca: CertAndKey,
  options: { readonly commonName: string; readonly now: Date; readonly validityDays: number },
  organizations: readonly string[],
  usages: readonly string[],
  san: x509.SubjectAlternativeNameExtension | undefined,
): Promise<CertAndKey> {
  const validity = validityPeriod(options.now, options.validityDays);
  const caCert = parseCertificate(ca.certPem);
  const caKey = await importKeyPem(ca.keyPem);
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: distinguishedName(options.commonName, organizations),
      issuer: caCert.subjectName,
      ...validity,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // ECDSA keys sign the handshake; there is no key to encipher.
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([...usages], false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
        ...(san === undefined ? [] : [san]),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

function validityPeriod(now: Date, validityDays: number): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(now.getTime())) throw new PkiError('invalid-argument', 'the clock gave an invalid date');
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) {
    throw new PkiError('invalid-argument', `validityDays must be an integer in [1, ${MAX_VALIDITY_DAYS}] (got ${validityDays})`);
  }
  return { notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + validityDays * DAY_MS) };
}

function checkCommonName(cn: string): void {
  // RFC 5280's ub-common-name.
  if (cn === '' || cn.length > 64) throw new PkiError('invalid-argument', `a common name must have 1 to 64 characters (got ${JSON.stringify(cn)})`);
}

function isDnsName(s: string): boolean {
  // Labels of letters, digits, '-' and '_'; a leading '*.' for a wildcard.
  return s.length <= 253 && /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/.test(s);
}

function distinguishedName(cn: string, organizations: readonly string[]): x509.JsonName {
  // O before CN, the order Go's pkix.Name marshals them in, so the subject
  // reads "O=system:masters, CN=kubernetes-admin" as kubeadm's certificates do.
  return [...organizations.map((o) => ({ O: [o] })), { CN: [cn] }];
}

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** 128 random bits, positive (first bit clear) and never zero, as RFC 5280 asks of a serial number. */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  try {
    const der = x509.PemConverter.decodeFirst(pem);
    return await crypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
  } catch (err) {
    throw new PkiError('invalid-pem', 'the CA key is not a PKCS#8 ECDSA P-256 private key in PEM', { cause: err });
  }
}

function parseCertificate(pem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch (err) {
    throw new PkiError('invalid-pem', 'the CA certificate is not a PEM X.509 certificate', { cause: err });
  }
}

/** Node's view of a PEM certificate, for checks (validity, names, signatures) that need no WebCrypto. */
export function nodeCertificate(pem: string): NodeX509Certificate | undefined {
  try {
    return new NodeX509Certificate(pem);
  } catch {
    return undefined; // the caller treats unparsable as "not valid": it regenerates or refuses
  }
}
