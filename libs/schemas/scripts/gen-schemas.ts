// Writes src/generated/definitions.json from the installed client models.
// Usage: node libs/schemas/scripts/gen-schemas.ts [--out <file>]
// Deterministic: the same package version gives the same bytes (a test
// regenerates and compares).

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogue, groupVersions } from '@logbook/resources';
import type { Definition, FieldSchema, GroupVersionKind } from '../src/types.ts';
import { deriveDefinitions } from './derive-definitions.ts';
import { ENUM_PACKAGE, EnumPackageError, enumPackageVersion, readEnums, type EnumTable } from './read-enums.ts';
import { MODEL_PACKAGE, readModelPackage } from './read-models.ts';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(packageRoot, 'src', 'generated', 'definitions.json');

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** kube tags these meta types with every group version that serves them. */
function metaKinds(defs: readonly Definition[]): Definition[] {
  const gvs = groupVersions();
  const everyGroup = (kind: string): GroupVersionKind[] => gvs.map((gv) => ({ group: gv.group, version: gv.version, kind }));
  return defs.map((d) => {
    if (d.name === `${META}.DeleteOptions`) return { ...d, gvk: everyGroup('DeleteOptions') };
    if (d.name === `${META}.WatchEvent`) return { ...d, gvk: everyGroup('WatchEvent') };
    if (d.name === `${META}.Status`) return { ...d, gvk: [{ group: '', version: 'v1', kind: 'Status' }] };
    return d;
  });
}

function withEnum(f: FieldSchema, values: readonly string[]): FieldSchema {
  if (f.type === 'array') return { ...f, items: withEnum(f.items, values) };
  if (f.type !== 'string') throw new EnumPackageError(`enum values read for a ${f.type} field`);
  return { ...f, enum: values };
}

/** Each enum goes on the field (or list items) it was read for; nothing else changes. */
function joinEnums(defs: readonly Definition[], enums: EnumTable): Definition[] {
  return defs.map((d) => {
    const fields = enums.get(d.name);
    if (fields === undefined) return d;
    const properties: Record<string, FieldSchema> = { ...d.properties };
    for (const [name, values] of fields) properties[name] = withEnum(properties[name]!, values);
    return { ...d, properties };
  });
}

export async function renderDefinitions(): Promise<string> {
  const pkg = await readModelPackage(packageRoot);
  const { definitions } = deriveDefinitions(pkg.models, catalogue());
  const enums = await readEnums(packageRoot, definitions);
  const doc = {
    generatedBy: 'libs/schemas/scripts/gen-schemas.ts; do not edit, run `npm run gen:schemas`',
    source: `${MODEL_PACKAGE} ${pkg.version} (OpenAPI spec ${pkg.specVersion}); enums from ${ENUM_PACKAGE} ${enumPackageVersion(packageRoot)} less scripts/read-enums.ts ENUM_EXCLUSIONS`,
    definitions: metaKinds(joinEnums(definitions, enums)),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? resolve(process.argv[i + 1] ?? '') : DEFAULT_OUT;
  writeFileSync(out, await renderDefinitions());
  process.stdout.write(`wrote ${out}\n`);
}
