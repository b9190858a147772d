// What admission plugins read (LimitRanges, ServiceAccounts, namespaces,
// ...): the registry's watch caches, as kube's plugins read their informers.
// resourceVersion=0 reads never touch the store and may trail the newest
// write by one watch delivery, as kube's do; a get that misses the cache is
// asked again of the store (consistently), as kube's live lookups are.

import type { GroupResource, ObjectReader } from '@logbook/admission';
import { parseListOptions, StatusError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { Registry, ResourceStore } from '@logbook/registry';

const FROM_CACHE = parseListOptions(new URLSearchParams('resourceVersion=0'), { watchListEnabled: false });

/** The store serving a group-resource (any version: they share one storage), for a one-off lookup. */
export function storeFor(registry: Registry, gr: GroupResource): ResourceStore | undefined {
  for (const s of registry.stores()) if (s.strategy.info.group === gr.group && s.strategy.info.plural === gr.resource) return s;
  return undefined;
}

/** The same as an index, for lookups on every request. */
function storeIndex(registry: Registry): (gr: GroupResource) => ResourceStore | undefined {
  const byGr = new Map<string, ResourceStore>();
  for (const s of registry.stores()) {
    const key = `${s.strategy.info.group}/${s.strategy.info.plural}`;
    if (!byGr.has(key)) byGr.set(key, s);
  }
  return (gr) => byGr.get(`${gr.group}/${gr.resource}`);
}

export function registryObjectReader(registry: Registry): ObjectReader {
  const storeOf = storeIndex(registry);
  return {
    async get(gr, namespace, name, signal) {
      const store = storeOf(gr);
      if (store === undefined) return undefined;
      const scope = { namespace, ...(signal !== undefined ? { signal } : {}) };
      try {
        return await store.get(scope, name, '0');
      } catch (err) {
        if (!(err instanceof StatusError && err.status.code === 404)) throw err;
      }
      // Not in the cache: it may have been created a moment ago. A consistent read decides (kube's plugins do a live lookup too).
      try {
        return await store.get(scope, name, '');
      } catch (err) {
        if (err instanceof StatusError && err.status.code === 404) return undefined;
        throw err;
      }
    },
    async list(gr, namespace, signal) {
      const store = storeOf(gr);
      if (store === undefined) return [];
      const result = await store.list({ namespace, ...(signal !== undefined ? { signal } : {}) }, FROM_CACHE);
      const out: KubeObject[] = [];
      for await (const o of result.items) out.push(o);
      return out;
    },
  };
}
