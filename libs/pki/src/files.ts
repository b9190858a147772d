// Writes that never leave a half-written file behind: a crash between the
// write and the rename leaves the old file (or none), never a truncated key
// that the next start would fail to parse.

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PkiError } from './pki-error.ts';

/** Private keys and kubeconfigs: owner read/write only, as kubeadm writes them. */
export const PRIVATE_FILE_MODE = 0o600;
export const PUBLIC_FILE_MODE = 0o644;

export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // 'wx': the temporary name is fresh, so `mode` applies from the first byte;
    // a key is never readable by others, even briefly.
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new PkiError('io', `cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
