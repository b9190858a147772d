// Keys for service-account tokens. --service-account-key-file holds PEM
// public keys, private keys (their public half is used) or certificates;
// --service-account-signing-key-file one private key. The key ID is kube's:
// base64url(SHA-256(PKIX DER of the public key)), so tokens minted here and
// by kube-apiserver from the same key carry the same kid.

import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AuthnError } from './authn-error.ts';

export interface VerificationKey {
  readonly key: KeyObject;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
}

export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'ES384', 'ES512'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** Every usable key in the PEM text of one --service-account-key-file. */
export function parseVerificationKeys(pem: string, source: string): VerificationKey[] {
  const keys: VerificationKey[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    const block = m[0];
    const type = m[1] ?? '';
    let key: KeyObject;
    try {
      if (type === 'CERTIFICATE') key = new X509Certificate(block).publicKey;
      else key = createPublicKey(block);
    } catch (err) {
      throw new AuthnError('invalid-key', `data does not contain any valid RSA or ECDSA public keys: ${source}`, { cause: err });
    }
    keys.push({ key, kid: keyId(key), alg: algorithmOf(key, source) });
  }
  if (keys.length === 0) throw new AuthnError('invalid-key', `data does not contain any valid RSA or ECDSA public keys: ${source}`);
  return keys;
}

/** The key of --service-account-signing-key-file. */
export function parseSigningKey(pem: string, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new AuthnError('invalid-key', `failed to parse service-account-issuer-key-file: ${source}`, { cause: err });
  }
  const pub = createPublicKey(privateKey);
  return { privateKey, kid: keyId(pub), alg: algorithmOf(pub, source) };
}

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

function algorithmOf(key: KeyObject, source: string): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
  }
  throw new AuthnError('invalid-key', `unsupported key type ${key.asymmetricKeyType ?? 'unknown'} (want RSA or ECDSA P-256/384/521): ${source}`);
}
