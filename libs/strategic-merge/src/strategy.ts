// A field's patch strategies, as kube splits its `patchStrategy` tag: at most
// one of merge/replace, optionally with retainKeys.

import { StrategicMergeError } from './errors.ts';
import { goV } from './go-format.ts';

export function splitRetainKeys(strategies: readonly string[]): { readonly retainKeys: boolean; readonly strategy: string } {
  const [a = '', b = ''] = strategies;
  if (strategies.length === 0) return { retainKeys: false, strategy: '' };
  if (strategies.length === 1) return a === 'retainKeys' ? { retainKeys: true, strategy: '' } : { retainKeys: false, strategy: a };
  if (strategies.length === 2) {
    if (a === 'retainKeys') return { retainKeys: true, strategy: b };
    if (b === 'retainKeys') return { retainKeys: true, strategy: a };
  }
  throw new StrategicMergeError('SMP_UNEXPECTED_PATCH_STRATEGY', `unexpected patch strategy: ${goV([...strategies])}`);
}
