// An in-memory ObjectReader for tests of plugins and for callers that hold
// their objects already. Keyed by group/resource, namespace and name.

import type { KubeObject } from '@logbook/apistorage';
import type { GroupResource, ObjectReader } from './reader.ts';

export class MemoryObjectReader implements ObjectReader {
  readonly #objects = new Map<string, Map<string, KubeObject>>();

  constructor(initial: Iterable<readonly [GroupResource, KubeObject]> = []) {
    for (const [gr, obj] of initial) this.put(gr, obj);
  }

  put(gr: GroupResource, obj: KubeObject): void {
    const key = `${gr.group}/${gr.resource}`;
    let m = this.#objects.get(key);
    if (m === undefined) this.#objects.set(key, (m = new Map<string, KubeObject>()));
    m.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`, obj);
  }

  delete(gr: GroupResource, namespace: string, name: string): void {
    this.#objects.get(`${gr.group}/${gr.resource}`)?.delete(`${namespace}/${name}`);
  }

  get(gr: GroupResource, namespace: string, name: string): Promise<KubeObject | undefined> {
    return Promise.resolve(this.#objects.get(`${gr.group}/${gr.resource}`)?.get(`${namespace}/${name}`));
  }

  list(gr: GroupResource, namespace: string): Promise<readonly KubeObject[]> {
    const all = [...(this.#objects.get(`${gr.group}/${gr.resource}`)?.values() ?? [])];
    return Promise.resolve(namespace === '' ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace));
  }
}
