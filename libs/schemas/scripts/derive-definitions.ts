// From the client package's models to Definitions named as kube's OpenAPI
// names them. The package names its classes `[Group]<Version><Type>` and says
// nothing about a type's Go package, so a type's package is decided here: a
// kind's from the catalogue, the apimachinery meta types from a list, and every
// other type from the first kind (core first) that reaches it.

import type { ResourceInfo } from '@logbook/resources';
import type { Definition, FieldSchema, GroupVersionKind } from '../src/types.ts';
import type { Model, ModelField } from './read-models.ts';

export class DeriveError extends Error {
  readonly code = 'SCHEMA_DERIVE_FAILED' as const;
  constructor(message: string) {
    super(message);
    this.name = 'DeriveError';
  }
}

/** apimachinery's meta/v1 types the models use (they carry no group prefix). */
const META_TYPES: ReadonlySet<string> = new Set([
  'APIGroup', 'APIGroupList', 'APIResource', 'APIResourceList', 'APIVersions', 'Condition', 'DeleteOptions',
  'FieldSelectorRequirement', 'GroupVersionForDiscovery', 'LabelSelector', 'LabelSelectorRequirement', 'ListMeta',
  'ManagedFieldsEntry', 'ObjectMeta', 'OwnerReference', 'Preconditions', 'ServerAddressByClientCIDR', 'Status',
  'StatusCause', 'StatusDetails', 'WatchEvent',
]);

/** core/v1 types that only other groups' kinds use (the first-reacher rule would misplace them). */
const CORE_TYPES: ReadonlySet<string> = new Set(['TopologySelectorTerm', 'TopologySelectorLabelRequirement']);

/**
 * Fields whose Go type is resource.Quantity: the models type them as plain
 * strings, so the generator is told (model short name → fields; map and
 * scalar fields alike).
 */
const QUANTITY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ResourceRequirements: ['limits', 'requests'],
  VolumeResourceRequirements: ['limits', 'requests'],
  ResourceQuotaSpec: ['hard'],
  ResourceQuotaStatus: ['hard', 'used'],
  LimitRangeItem: ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'],
  PersistentVolumeSpec: ['capacity'],
  PersistentVolumeClaimStatus: ['capacity', 'allocatedResources'],
  NodeStatus: ['capacity', 'allocatable'],
  EmptyDirVolumeSource: ['sizeLimit'],
  ResourceFieldSelector: ['divisor'],
  CSIStorageCapacity: ['capacity', 'maximumVolumeSize'],
  PodSpec: ['overhead'],
  Overhead: ['podFixed'],
  ContainerStatus: ['allocatedResources'],
  MetricTarget: ['value', 'averageValue'],
  MetricValueStatus: ['value', 'averageValue'],
  NodeSwapStatus: ['capacity'],
};

const NAME = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/;

interface ParsedName {
  /** The lower-cased group prefix some classes carry (`core`, `events`, `storage`), or undefined. */
  readonly prefix: string | undefined;
  readonly version: string;
  readonly short: string;
}

export function parseModelName(name: string): ParsedName | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return { prefix: m[1]?.toLowerCase(), version: m[2]!.toLowerCase(), short: m[3]! };
}

/** kube's Go package short name of an API group. */
export function packageOfGroup(group: string): string {
  if (group === '') return 'core';
  return group.split('.')[0]!;
}

function definitionPrefix(pkg: string): string {
  if (pkg === 'meta') return 'io.k8s.apimachinery.pkg.apis.meta';
  if (pkg === 'apiextensions') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (pkg === 'apiregistration') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  return `io.k8s.api.${pkg}`;
}

/** The model names a field's type refers to. */
function referencedModels(type: string): string[] {
  return [...type.matchAll(/\b([A-Z]\w*V\d\w*|V\d\w*)\b/g)].map((m) => m[1]!).filter((n) => n !== 'V1MicroTime');
}

interface KindRoot {
  readonly model: string;
  readonly gvk: GroupVersionKind;
  readonly pkg: string;
}

function findModel(models: ReadonlyMap<string, Model>, group: string, version: string, kind: string): string | undefined {
  const pkg = packageOfGroup(group);
  let fallback: string | undefined;
  for (const name of models.keys()) {
    const p = parseModelName(name);
    if (p === undefined || p.version !== version || p.short !== kind) continue;
    if (p.prefix === pkg) return name;
    if (p.prefix === undefined) fallback = name;
  }
  return fallback;
}

/** Every kind the catalogue serves (with its list) and every subresource kind. */
function kindRoots(models: ReadonlyMap<string, Model>, catalogue: readonly ResourceInfo[]): KindRoot[] {
  const roots = new Map<string, KindRoot>();
  // Subresource kinds such as PodExecOptions are query parameters, not bodies: the package has no model for them.
  const add = (group: string, version: string, kind: string, optional = false): void => {
    const model = findModel(models, group, version, kind);
    if (model === undefined && optional) return;
    if (model === undefined) throw new DeriveError(`no model for ${group}/${version} ${kind}`);
    const existing = roots.get(model);
    if (existing !== undefined) return;
    roots.set(model, { model, gvk: { group, version, kind }, pkg: packageOfGroup(group) });
  };
  // Core first: a type shared by several groups lives where kube defines it, and core defines most shared ones.
  const ordered = [...catalogue].sort((a, b) => Number(a.group !== '') - Number(b.group !== ''));
  for (const r of ordered) {
    add(r.group, r.version, r.kind);
    if (r.verbs.includes('list')) add(r.group, r.version, `${r.kind}List`);
  }
  for (const r of ordered) for (const s of r.subresources) add(s.group, s.version, s.kind, true);
  return [...roots.values()];
}

function convertType(type: string, format: string, quantity: boolean): FieldSchema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array !== null) return { type: 'array', items: convertType(array[1]!, format, quantity) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map !== null) return { type: 'map', values: convertType(map[1]!, format, quantity) };
  if (quantity) return { type: 'quantity' };
  switch (type) {
    case 'string':
      return format === '' ? { type: 'string' } : { type: 'string', format };
    case 'number':
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format === '' ? { type: 'number' } : { type: 'number', format };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { type: 'string', format: 'date-time' };
    case 'V1MicroTime':
      return { type: 'string', format: 'date-time-micro' };
    case 'IntOrString':
      return { type: 'int-or-string' };
    case 'any':
      return { type: 'any' };
    default:
      return { type: 'ref', ref: type };
  }
}

function withDescription(f: FieldSchema, description: string): FieldSchema {
  return description === '' ? f : { ...f, description };
}

function rename(f: FieldSchema, names: ReadonlyMap<string, string>): FieldSchema {
  if (f.type === 'ref') {
    const ref = names.get(f.ref);
    if (ref === undefined) throw new DeriveError(`no definition name for model ${f.ref}`);
    return { ...f, ref };
  }
  if (f.type === 'array') return { ...f, items: rename(f.items, names) };
  if (f.type === 'map') return { ...f, values: rename(f.values, names) };
  return f;
}

export interface Derived {
  readonly definitions: readonly Definition[];
  /** Model class → definition name, for the generator's report and tests. */
  readonly names: ReadonlyMap<string, string>;
}

export function deriveDefinitions(models: ReadonlyMap<string, Model>, catalogue: readonly ResourceInfo[]): Derived {
  const roots = kindRoots(models, catalogue);
  const extraRoots = ['V1Status', 'V1DeleteOptions', 'V1WatchEvent', 'V1APIResourceList', 'V1APIGroupList', 'V1APIVersions'];
  const pkgOf = new Map<string, string>();
  const gvkOf = new Map<string, GroupVersionKind[]>();
  for (const r of roots) {
    pkgOf.set(r.model, r.pkg);
    gvkOf.set(r.model, [r.gvk]);
  }
  // Breadth first from the kinds in order: the first kind to reach a type gives its package.
  const queue: string[] = [...roots.map((r) => r.model), ...extraRoots];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i]!;
    const model = models.get(name);
    if (model === undefined) throw new DeriveError(`model ${name} is referenced but not in the package`);
    const parsed = parseModelName(name);
    if (parsed === undefined) throw new DeriveError(`model name ${name} does not parse`);
    if (!pkgOf.has(name)) {
      pkgOf.set(name, META_TYPES.has(parsed.short) && parsed.prefix === undefined ? 'meta' : (parsed.prefix ?? 'core'));
    }
    for (const f of model.fields) {
      for (const ref of referencedModels(f.type)) {
        const p = parseModelName(ref);
        if (!pkgOf.has(ref) && p !== undefined) {
          pkgOf.set(ref, META_TYPES.has(p.short) && p.prefix === undefined ? 'meta' : CORE_TYPES.has(p.short) && p.prefix === undefined ? 'core' : (p.prefix ?? pkgOf.get(name)!));
        }
        if (!seen.has(ref)) {
          seen.add(ref);
          queue.push(ref);
        }
      }
    }
  }
  const names = new Map<string, string>();
  for (const model of queue) {
    const p = parseModelName(model)!;
    names.set(model, `${definitionPrefix(pkgOf.get(model)!)}.${p.version}.${p.short}`);
  }
  const byName = new Map<string, string>();
  for (const [model, def] of names) {
    const clash = byName.get(def);
    if (clash !== undefined) throw new DeriveError(`models ${clash} and ${model} both map to ${def}`);
    byName.set(def, model);
  }
  const definitions: Definition[] = queue.map((modelName) => {
    const model = models.get(modelName)!;
    const short = parseModelName(modelName)!.short;
    const quantities = new Set(QUANTITY_FIELDS[short] ?? []);
    const properties: Record<string, FieldSchema> = {};
    for (const f of model.fields) properties[f.name] = rename(withDescription(convertType(f.type, f.format, quantities.has(f.name)), f.description), names);
    const gvk = gvkOf.get(modelName);
    return {
      name: names.get(modelName)!,
      description: model.description,
      properties,
      required: model.fields.filter((f: ModelField) => f.required).map((f) => f.name),
      ...(gvk !== undefined ? { gvk } : {}),
    };
  });
  definitions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { definitions, names };
}
