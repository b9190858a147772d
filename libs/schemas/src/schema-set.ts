// A set of Definitions with the lookups every schema consumer needs: by
// definition name, by group/version/kind, and from a field to the Definition
// it refers to. Consumers (OpenAPI, strategic merge, server-side apply,
// validation) walk objects and schemas side by side through this.

import type { Definition, FieldSchema, GroupVersionKind } from './types.ts';

export class SchemaError extends Error {
  readonly code: 'SCHEMA_DUPLICATE' | 'SCHEMA_DANGLING_REF';
  constructor(code: SchemaError['code'], message: string) {
    super(message);
    this.name = 'SchemaError';
    this.code = code;
  }
}

const gvkKey = (g: GroupVersionKind): string => `${g.group}/${g.version}/${g.kind}`;

export class SchemaSet {
  readonly #byName = new Map<string, Definition>();
  readonly #byGvk = new Map<string, Definition>();

  /** Every ref must name a definition of the set (checked here, once). */
  constructor(definitions: Iterable<Definition>) {
    for (const d of definitions) {
      if (this.#byName.has(d.name)) throw new SchemaError('SCHEMA_DUPLICATE', `definition ${d.name} appears twice`);
      this.#byName.set(d.name, d);
      for (const g of d.gvk ?? []) this.#byGvk.set(gvkKey(g), d);
    }
    for (const d of this.#byName.values()) {
      for (const [fieldName, f] of Object.entries(d.properties)) {
        const ref = innermostRef(f);
        if (ref !== undefined && !this.#byName.has(ref)) {
          throw new SchemaError('SCHEMA_DANGLING_REF', `${d.name}.${fieldName} refers to ${ref}, which is not defined`);
        }
      }
    }
  }

  get size(): number {
    return this.#byName.size;
  }

  definitions(): IterableIterator<Definition> {
    return this.#byName.values();
  }

  definition(name: string): Definition | undefined {
    return this.#byName.get(name);
  }

  forKind(gvk: GroupVersionKind): Definition | undefined {
    return this.#byGvk.get(gvkKey(gvk));
  }

  /** The Definition a `ref` field names (undefined for any other field). */
  resolve(field: FieldSchema | undefined): Definition | undefined {
    return field?.type === 'ref' ? this.#byName.get(field.ref) : undefined;
  }
}

/** The definition name at the bottom of arrays and maps, if any. */
export function innermostRef(f: FieldSchema): string | undefined {
  if (f.type === 'ref') return f.ref;
  if (f.type === 'array') return innermostRef(f.items);
  if (f.type === 'map') return innermostRef(f.values);
  return undefined;
}
