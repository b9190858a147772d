// The key service-account tokens are signed with (kube-apiserver's
// --service-account-signing-key-file): made once per control plane and kept,
// so tokens issued before a restart stay valid. RSA 2048, as kubeadm makes it.

import { generateKeyPair } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { writeFileAtomic } from './files.ts';

const generate = promisify(generateKeyPair);

/** The PKCS#8 PEM key at `path`, written (mode 0600) when absent; true when this call made it. */
export async function ensureServiceAccountKey(path: string): Promise<boolean> {
  if (existsSync(path)) return false;
  const { privateKey } = await generate('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  await writeFileAtomic(path, privateKey, 0o600);
  return true;
}
