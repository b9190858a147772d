// The schemas of every built-in kind: the generated definitions with the
// strategic-merge and list/map metadata table joined in. Read once, on first
// use (about 0.75 MB of JSON).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATOMIC_STRUCTS, PATCH_META } from './patch-meta-table.ts';
import { SchemaSet } from './schema-set.ts';
import type { Definition, FieldSchema, PatchMeta } from './types.ts';

interface GeneratedFile {
  readonly source: string;
  readonly definitions: readonly Definition[];
}

export type PatchMetaTable = Readonly<Record<string, Readonly<Record<string, PatchMeta>>>>;

/** A field's patch metadata goes on the field itself; a struct kube marks atomic gets mapType `atomic`. */
export function joinPatchMeta(definitions: readonly Definition[], table: PatchMetaTable, atomic: ReadonlySet<string>): Definition[] {
  return definitions.map((d) => {
    const meta = table[d.name];
    const atomicStruct = atomic.has(d.name);
    if (meta === undefined && !atomicStruct) return d;
    const properties: Record<string, FieldSchema> = { ...d.properties };
    for (const [fieldName, pm] of Object.entries(meta ?? {})) {
      const f = properties[fieldName];
      if (f !== undefined) properties[fieldName] = { ...f, ...pm };
    }
    return { ...d, properties, ...(atomicStruct ? { mapType: 'atomic' as const } : {}) };
  });
}

export function readGeneratedDefinitions(): GeneratedFile {
  const file = join(import.meta.dirname, 'generated', 'definitions.json');
  return JSON.parse(readFileSync(file, 'utf8')) as GeneratedFile;
}

let cached: SchemaSet | undefined;

export function builtinSchemas(): SchemaSet {
  cached ??= new SchemaSet(joinPatchMeta(readGeneratedDefinitions().definitions, PATCH_META, ATOMIC_STRUCTS));
  return cached;
}
