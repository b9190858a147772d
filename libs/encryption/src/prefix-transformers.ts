// kube's value.NewPrefixTransformers: pick a transformer by the prefix of the
// stored bytes, write with the first one. Used twice, nested: providers by
// `k8s:enc:<provider>:v1:`, then keys by `<keyname>:`.
//
// The read rules are kube's, because they decide which data is readable
// during rotation and migration:
// - every transformer whose prefix matches is tried in order, and a failure
//   moves on to the next match (two aescbc entries share one prefix);
// - identity (empty prefix) failing on encrypted data is skipped silently, so
//   [identity, aescbc] can still read aescbc data while migrating away;
// - a read by any but the first transformer is stale, so it gets rewritten.

import { TransformError, reduceTransformErrors } from './errors.ts';
import type { TransformErrorCode } from './errors.ts';
import { hasPrefix } from './identity.ts';
import { concatBytes } from './transformer.ts';
import type { ByteTransformer } from './transformer.ts';

export interface PrefixedTransformer {
  readonly prefix: Uint8Array;
  readonly transformer: ByteTransformer;
}

export function prefixTransformers(
  transformers: readonly PrefixedTransformer[],
  noMatch: { readonly code: TransformErrorCode; readonly message: string },
): ByteTransformer {
  const writer = transformers[0];
  if (writer === undefined) throw new Error('assertion failed: a prefix transformer needs at least one transformer');
  return {
    fromStorage(data, dataContext) {
      const errs: TransformError[] = [];
      for (let i = 0; i < transformers.length; i++) {
        const t = transformers[i];
        if (t === undefined || !hasPrefix(data, t.prefix)) continue;
        try {
          const r = t.transformer.fromStorage(data.subarray(t.prefix.length), dataContext);
          return { data: r.data, stale: r.stale || i !== 0 };
        } catch (err: unknown) {
          if (!(err instanceof TransformError)) throw err;
          if (t.prefix.length > 0) errs.push(err);
        }
      }
      throw reduceTransformErrors(errs) ?? new TransformError(noMatch.code, noMatch.message);
    },
    toStorage(data, dataContext) {
      return concatBytes(writer.prefix, writer.transformer.toStorage(data, dataContext));
    },
  };
}
