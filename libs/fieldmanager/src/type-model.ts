// How server-side apply sees a schema: every node is a struct, a map, a list
// (atomic, set or map-keyed) or a leaf. This mirrors kube-openapi's
// OpenAPI → SMD conversion: lists take x-kubernetes-list-type; without it,
// `patchStrategy: merge` lists become keyed by patchMergeKey, or sets when
// there is no key; any other list is atomic. int-or-string, quantity and
// free-form values are leaves, as are definitions without properties.

import type { Definition, FieldSchema, SchemaSet } from '@logbook/schemas';
import type { JsonValue, PathElement } from './path-element.ts';
import { keyPE } from './path-element.ts';

export type TypeNode =
  | { readonly kind: 'struct'; readonly def: Definition; readonly atomic: boolean }
  | { readonly kind: 'map'; readonly values: FieldSchema; readonly atomic: boolean }
  | { readonly kind: 'list'; readonly items: FieldSchema; readonly relation: 'atomic' | 'set' | 'map'; readonly keys: readonly string[] }
  | { readonly kind: 'leaf' };

export const LEAF: TypeNode = { kind: 'leaf' };

/**
 * Defaults of list-map key fields: SMD fills a key field an item omits from
 * the schema's default (kube's OpenAPI carries `default: "TCP"` for these).
 * Keyed by `<definition name>.<field>`.
 */
export const DEFAULT_LIST_MAP_KEY_DEFAULTS: Readonly<Record<string, JsonValue>> = {
  'io.k8s.api.core.v1.ContainerPort.protocol': 'TCP',
  'io.k8s.api.core.v1.ServicePort.protocol': 'TCP',
  'io.k8s.api.core.v1.EndpointPort.protocol': 'TCP',
  'io.k8s.api.discovery.v1.EndpointPort.protocol': 'TCP',
  'io.k8s.api.networking.v1.NetworkPolicyPort.protocol': 'TCP',
};

/** Why an item could not be keyed; the walker adds the list's path. */
export class ItemKeyError extends Error {
  override readonly name = 'ItemKeyError';
}

export class TypeModel {
  readonly schemas: SchemaSet;
  readonly #keyDefaults: Readonly<Record<string, JsonValue>>;

  constructor(schemas: SchemaSet, keyDefaults: Readonly<Record<string, JsonValue>> = DEFAULT_LIST_MAP_KEY_DEFAULTS) {
    this.schemas = schemas;
    this.#keyDefaults = keyDefaults;
  }

  root(def: Definition): TypeNode {
    return { kind: 'struct', def, atomic: def.mapType === 'atomic' };
  }

  node(f: FieldSchema): TypeNode {
    switch (f.type) {
      case 'ref': {
        const def = this.schemas.resolve(f);
        if (def === undefined || Object.keys(def.properties).length === 0) return LEAF;
        return { kind: 'struct', def, atomic: f.mapType === 'atomic' || def.mapType === 'atomic' };
      }
      case 'map':
        return { kind: 'map', values: f.values, atomic: f.mapType === 'atomic' };
      case 'array':
        return listNode(f.items, f);
      default:
        return LEAF;
    }
  }

  /** The type of a child of a granular struct or map; undefined for an undeclared struct field. */
  childType(t: TypeNode, name: string): FieldSchema | undefined {
    if (t.kind === 'struct') return t.def.properties[name];
    if (t.kind === 'map') return t.values;
    return undefined;
  }

  /** The path element of a list item of a set or map-keyed list. */
  itemPE(t: Extract<TypeNode, { kind: 'list' }>, item: unknown): PathElement {
    if (t.relation === 'set') {
      if (item !== null && typeof item === 'object') throw new ItemKeyError('associative list without keys has an element that is a map or list type');
      return { kind: 'value', value: item as JsonValue };
    }
    if (item === null) throw new ItemKeyError('associative list with keys may not have a null element');
    if (typeof item !== 'object' || Array.isArray(item)) throw new ItemKeyError('associative list with keys may not have non-map elements');
    const rec = item as Record<string, JsonValue>;
    const itemDef = this.schemas.resolve(t.items);
    const fields: [string, JsonValue][] = [];
    for (const k of t.keys) {
      const v = rec[k];
      if (v !== undefined) {
        fields.push([k, v]);
        continue;
      }
      const def = itemDef === undefined ? undefined : this.#keyDefaults[`${itemDef.name}.${k}`];
      if (def === undefined) throw new ItemKeyError(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
      fields.push([k, def]);
    }
    return keyPE(fields);
  }
}

function listNode(items: FieldSchema, f: FieldSchema): TypeNode {
  if (f.listType === 'atomic') return { kind: 'list', items, relation: 'atomic', keys: [] };
  if (f.listType === 'set') return { kind: 'list', items, relation: 'set', keys: [] };
  if (f.listType === 'map') {
    const keys = f.listMapKeys ?? (f.patchMergeKey === undefined ? [] : [f.patchMergeKey]);
    return keys.length === 0 ? { kind: 'list', items, relation: 'atomic', keys: [] } : { kind: 'list', items, relation: 'map', keys };
  }
  const strategies = (f.patchStrategy ?? '').split(',');
  if (strategies.includes('merge')) {
    return f.patchMergeKey === undefined
      ? { kind: 'list', items, relation: 'set', keys: [] }
      : { kind: 'list', items, relation: 'map', keys: [f.patchMergeKey] };
  }
  return { kind: 'list', items, relation: 'atomic', keys: [] };
}

export const isGranular = (t: TypeNode): boolean =>
  (t.kind === 'struct' || t.kind === 'map') ? !t.atomic : t.kind === 'list' && t.relation !== 'atomic';

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

