// getList over etcd: a prefix read in bounded chunks, every chunk at the
// revision of the first (so pages and chunks form one consistent
// snapshot), the predicate applied as the caller iterates, and the
// continue token and remainingItemCount computed as kube-apiserver's etcd3
// store does.
//
// Which revision a list reads (kube's rules):
//   continue token        -> the token's revision ("" or "0" resourceVersion only)
//   Exact N               -> revision N (compacted: resourceVersionTooOld; future: resourceVersionTooLarge)
//   NotOlderThan N        -> the latest; resourceVersionTooLarge if the store is behind N (no waiting here:
//                            the watch cache is where waiting for a revision belongs)
//   unset match, "0"      -> the latest, served serializable
//   unset match, "N">0    -> revision N, as Exact (kube's legacy rule)
//   ""                    -> the latest, linearizable

import type { EtcdClient } from '@logbook/etcd-client';
import type { KeyValue, RangeResponse } from '@logbook/mvcc';
import { assert } from './assert.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { toStorageError } from './etcd-errors.ts';
import { StorageError } from './errors.ts';
import type { KubeObject, ListMeta, ListOptions, ListResult } from './interface.ts';
import { decodeObject, keyBytes, keyString, prefixEnd, type ValueTransformer } from './object-codec.ts';
import { parseResourceVersion, tooLargeResourceVersion } from './resource-version.ts';

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

export interface ListPlan {
  readonly prefix: string;
  readonly startKey: string;
  /** 0: the latest. */
  readonly revision: number;
  /** The store must be at least here (NotOlderThan). */
  readonly minRevision: number;
  readonly serializable: boolean;
  readonly fromContinue: boolean;
}

export function planList(prefix: string, o: ListOptions): ListPlan {
  const base = { prefix, startKey: prefix, revision: 0, minRevision: 0, serializable: false, fromContinue: false };
  const rv = parseResourceVersion(o.resourceVersion, prefix);
  if (o.continue !== undefined && o.continue !== '') {
    if (rv !== 0) throw new StorageError('invalidContinue', prefix, 'specifying resource version is not allowed when using continue');
    const pos = decodeContinue(o.continue, prefix);
    // A negative revision is kube's "inconsistent continue": resume at the latest.
    return { ...base, startKey: pos.startKey, revision: Math.max(pos.revision, 0), fromContinue: true };
  }
  switch (o.resourceVersionMatch) {
    case 'Exact':
      return { ...base, revision: rv };
    case 'NotOlderThan':
      return { ...base, minRevision: rv, serializable: o.resourceVersion === '0' };
    case undefined:
      if (o.resourceVersion === '0') return { ...base, serializable: true };
      // kube's legacy rule: "N" with a limit reads exactly N (a consistent set of pages);
      // without one it means "not older than N" and reads the latest.
      if (rv > 0 && (o.limit ?? 0) > 0) return { ...base, revision: rv };
      return { ...base, minRevision: rv };
    default:
      throw new StorageError('invalidResourceVersion', prefix, `unknown ResourceVersionMatch value: ${String(o.resourceVersionMatch)}`);
  }
}

export interface ListDeps {
  readonly client: EtcdClient;
  /** Keys per Range call. */
  readonly chunkSize: number;
  readonly currentRevision: (signal?: AbortSignal) => Promise<number>;
  readonly transformer?: ValueTransformer | undefined;
}

/**
 * Runs `plan`. The first chunk is read before this resolves, so every
 * revision error (too old, too large, expired token) is thrown here, before
 * a response has started; later chunks are read as `items` is iterated.
 */
export async function runList(deps: ListDeps, plan: ListPlan, o: ListOptions): Promise<ListResult & { readonly revision: number }> {
  const limit = o.limit !== undefined && o.limit > 0 ? o.limit : 0;
  const predicate = o.predicate;
  const end = prefixEnd(plan.prefix);
  const signal = o.signal;

  const read = async (from: Uint8Array, revision: number, serializable: boolean, want: number): Promise<RangeResponse> => {
    try {
      const r = await deps.client.range({ key: from, rangeEnd: end, limit: want, revision, serializable }, signal === undefined ? {} : { signal });
      return r.response;
    } catch (e) {
      const err = toStorageError(e, {
        key: plan.prefix,
        signal,
        compacted: plan.fromContinue ? 'continueExpired' : 'resourceVersionTooOld',
        compactedMessage: plan.fromContinue ? CONTINUE_EXPIRED : 'The resourceVersion for the provided list is too old.',
      });
      if (err.code === 'resourceVersionTooLarge') throw tooLargeResourceVersion(plan.prefix, revision, await deps.currentRevision(signal));
      throw err;
    }
  };
  // Without a predicate a page needs exactly `limit` keys; with one, whole chunks (most may not match).
  const chunkFor = (matched: number): number => (limit > 0 && predicate === undefined ? Math.min(deps.chunkSize, limit - matched) : deps.chunkSize);

  const first = await read(keyBytes(plan.startKey), plan.revision, plan.serializable, chunkFor(0));
  const revision = plan.revision > 0 ? plan.revision : first.header.revision;
  if (plan.minRevision > revision) throw tooLargeResourceVersion(plan.prefix, plan.minRevision, revision);

  let meta: ListMeta | undefined;
  async function* items(): AsyncGenerator<KubeObject> {
    let chunk = first;
    let matched = 0;
    for (;;) {
      let lastKey: Uint8Array | undefined;
      let taken = 0;
      let full = false;
      for (const kv of chunk.kvs) {
        if (limit > 0 && matched >= limit) {
          full = true;
          break;
        }
        lastKey = kv.key;
        taken++;
        const obj = decodeKv(kv);
        if (predicate === undefined || predicate(obj)) {
          matched++;
          yield obj;
        }
      }
      if (limit > 0 && matched >= limit) {
        if (!full && !chunk.more) break;
        // chunk.count counts keys from this chunk's start: those not taken remain.
        const remaining = predicate === undefined ? chunk.count - taken : undefined;
        meta = pageMeta(revision, encodeContinue(keyString(nextKey(lastKey!)), plan.prefix, revision), remaining);
        return;
      }
      if (!chunk.more) break;
      if (lastKey === undefined) throw new StorageError('unreachable', plan.prefix, 'etcd reported more keys but returned none');
      chunk = await read(nextKey(lastKey), revision, false, chunkFor(matched));
    }
    meta = pageMeta(revision, '', undefined);
  }

  const decodeKv = (kv: KeyValue): KubeObject => decodeObject(kv.value, keyString(kv.key), kv.modRevision, deps.transformer);

  return {
    revision,
    items: { [Symbol.asyncIterator]: () => items() },
    meta: () => {
      assert(meta !== undefined, 'list metadata read before its items were fully iterated');
      return meta;
    },
  };
}

/** The smallest key after `key`: the next page starts there. */
function nextKey(key: Uint8Array): Uint8Array {
  const next = new Uint8Array(key.length + 1);
  next.set(key);
  return next;
}

function pageMeta(revision: number, cont: string, remaining: number | undefined): ListMeta {
  return remaining === undefined ? { resourceVersion: String(revision), continue: cont } : { resourceVersion: String(revision), continue: cont, remainingItemCount: remaining };
}
