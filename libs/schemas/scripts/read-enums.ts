// Reads the enum lists kube's OpenAPI carries (`+enum` types) from the
// `kubernetes-models` package: @kubernetes/client-node, our source of field
// types, strips them. kubernetes-models ships one compiled JSON-schema
// validator per definition; instead of parsing its generated code, each
// validator is asked: with every string field of our 1.33 definition set to a
// value no enum holds, the `enum` errors it reports name the fields and their
// allowed values. Only fields our definitions have are probed, so fields
// newer than 1.33 never appear; newer values are removed by ENUM_EXCLUSIONS.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Definition, FieldSchema } from '../src/types.ts';

export const ENUM_PACKAGE = 'kubernetes-models';
/** The meta/v1 validators live in the package's apimachinery dependency. */
const ENUM_PACKAGE_META = '@kubernetes-models/apimachinery';

export class EnumPackageError extends Error {
  readonly code = 'ENUM_PACKAGE_UNREADABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnumPackageError';
  }
}

/**
 * Values kubernetes-models (generated from Kubernetes >= 1.34) lists that
 * Kubernetes 1.33 does not have, checked against the consts in the v0.33.0 tag
 * of k8s.io/api. Key: `<definition>.<field>`; value: the values to drop and why.
 */
export const ENUM_EXCLUSIONS: Readonly<Record<string, { readonly values: readonly string[]; readonly reason: string }>> = {
  'io.k8s.api.core.v1.Toleration.operator': {
    values: ['Gt', 'Lt'],
    reason: 'TolerationOpLt/TolerationOpGt came after 1.33 (v0.33.0 core/v1/types.go has only Exists and Equal)',
  },
};

/**
 * kubernetes-models pins apiVersion and kind to the definition's own values;
 * kube's OpenAPI has no enum there (they are free strings any version may carry).
 */
const NOT_ENUMS: ReadonlySet<string> = new Set(['apiVersion', 'kind']);

/** Definition → field → allowed values (sorted as kube sorts them: byte order). */
export type EnumTable = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

interface ValidatorError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: { readonly allowedValues?: readonly unknown[] };
}

interface Validator {
  (data: unknown): boolean;
  errors?: readonly ValidatorError[] | null;
}

/** No enum of any Kubernetes type holds this. */
const PROBE = '\u0000logbook-enum-probe';

/** `io.k8s.api.core.v1.Container` → `IoK8sApiCoreV1Container`. */
export function validatorName(definition: string): string {
  return definition
    .split(/[.-]/)
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join('');
}

function packageRoot(fromDir: string, pkg: string): string {
  const require = createRequire(join(fromDir, 'package.json'));
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch (error: unknown) {
    throw new EnumPackageError(`${pkg} is not installed for ${fromDir} (npm install)`, { cause: error });
  }
}

export function enumPackageVersion(fromDir: string): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(fromDir, ENUM_PACKAGE), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function schemaDirs(fromDir: string): string[] {
  return [ENUM_PACKAGE, ENUM_PACKAGE_META].map((pkg) => join(packageRoot(fromDir, pkg), '_schemas'));
}

/** The probe value a field gets, if it holds strings (directly, in a list or as map values). */
function probeValue(f: FieldSchema): unknown {
  if (f.type === 'string' && f.format === undefined) return PROBE;
  if (f.type === 'array') {
    const v = probeValue(f.items);
    return v === undefined ? undefined : [v];
  }
  return undefined;
}

export async function readEnums(fromDir: string, definitions: readonly Definition[]): Promise<EnumTable> {
  const dirs = schemaDirs(fromDir);
  const table = new Map<string, Map<string, readonly string[]>>();
  for (const d of definitions) {
    const file = dirs.map((dir) => join(dir, `${validatorName(d.name)}.js`)).find((f) => existsSync(f));
    if (file === undefined) continue;
    const probe: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(d.properties)) {
      if (NOT_ENUMS.has(name)) continue;
      const v = probeValue(f);
      if (v !== undefined) probe[name] = v;
    }
    if (Object.keys(probe).length === 0) continue;
    const mod = (await import(pathToFileURL(file).href)) as { validate?: Validator };
    const validate = mod.validate;
    if (validate === undefined) throw new EnumPackageError(`${file}: no validate export`);
    validate(probe);
    for (const e of validate.errors ?? []) {
      if (e.keyword !== 'enum') continue;
      // `/field` for a scalar, `/field/0` for the list's probe element.
      const field = /^\/([^/]+)(?:\/0)?$/.exec(e.instancePath)?.[1];
      if (field === undefined || !(field in probe)) throw new EnumPackageError(`${file}: enum error at unexpected path ${e.instancePath}`);
      const values = (e.params.allowedValues ?? []).map((v) => {
        if (typeof v !== 'string') throw new EnumPackageError(`${file}: non-string enum value at ${e.instancePath}`);
        return v;
      });
      const excluded = new Set(ENUM_EXCLUSIONS[`${d.name}.${field}`]?.values ?? []);
      const kept = values.filter((v) => !excluded.has(v)).sort(byteOrder);
      if (kept.length === 0) continue;
      let fields = table.get(d.name);
      if (fields === undefined) table.set(d.name, (fields = new Map<string, readonly string[]>()));
      fields.set(field, kept);
    }
  }
  return table;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
