// Real PKCS#10 requests for tests, made with @peculiar/x509 and encoded as
// a CSR's spec.request is on the wire (base64 of the PEM text).

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
let keys: webcrypto.CryptoKeyPair | undefined;

/** spec.request for a CSR with this subject (e.g. "CN=alice, O=dev, O=system:masters"). */
export async function csrRequest(subject: string): Promise<string> {
  keys ??= await webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: ALG });
  return Buffer.from(csr.toString('pem')).toString('base64');
}

export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
