// resourceVersion strings, parsed once where they enter storage. The etcd
// implementation's resourceVersion is the store revision in decimal.

import { StorageError } from './errors.ts';

const DECIMAL = /^[0-9]+$/;

/** "" and absent are 0 ("no constraint"), like kube's versioner; anything but a decimal revision is refused. */
export function parseResourceVersion(rv: string | undefined, key: string): number {
  if (rv === undefined || rv === '') return 0;
  const n = DECIMAL.test(rv) ? Number(rv) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new StorageError('invalidResourceVersion', key, `invalid resource version ${JSON.stringify(rv)}: must be a decimal revision`);
  }
  return n;
}

/** kube-apiserver's wording, which clients show verbatim (a 504 with reason Timeout above). */
export function tooLargeResourceVersion(key: string, wanted: number, current: number): StorageError {
  return new StorageError('resourceVersionTooLarge', key, `Too large resource version: ${wanted}, current: ${current}`, { revision: current });
}
