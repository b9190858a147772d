// Turns the client package's REST operations into catalogue entries. Pure: the
// operations in, entries out, so tests can feed it hand-made operations.
//
// The path template says group, version, scope, plural and subresource; the
// HTTP method on a collection or an item says the verb; the response model says
// the kind.

import type { ClientOperation } from './read-client-node.ts';
import type { GeneratedResource, SubresourceInfo, Verb } from '../src/resource-info.ts';
import { CONNECT_KINDS, CROSS_GROUP_KINDS, GA_AFTER_TARGET, LIST_WITHOUT_WATCH, TARGET_MINOR } from './upstream-facts.ts';

export class CatalogueDerivationError extends Error {
  readonly code = 'CATALOGUE_DERIVATION' as const;
  constructor(message: string) {
    super(message);
    this.name = 'CatalogueDerivationError';
  }
}

const GA_VERSION = /^v\d+$/;
const COLLECTION_VERBS: Readonly<Record<string, Verb>> = { GET: 'list', POST: 'create', DELETE: 'deletecollection' };
const ITEM_VERBS: Readonly<Record<string, Verb>> = { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
// HEAD and OPTIONS on proxy subresources are not reported as verbs by kube-apiserver.
const SUBRESOURCE_VERBS: Readonly<Record<string, Verb>> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

interface ParsedPath {
  readonly group: string;
  readonly version: string;
  readonly namespaced: boolean;
  readonly plural: string;
  readonly shape: 'collection' | 'item' | 'subresource';
  readonly subresource: string;
}

/** Parses a resource path template; undefined for discovery, custom-object and non-resource paths. */
export function parseResourcePath(path: string): ParsedPath | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0] ?? '';
  let segments = rest.slice(1);
  if (group.includes('{') || version.includes('{') || segments.length === 0) return undefined;
  const namespaced = segments[0] === 'namespaces' && segments[1] === '{namespace}' && segments.length >= 3;
  if (namespaced) segments = segments.slice(2);
  const [plural = '', name, subresource, tail] = segments;
  const base = { group, version, namespaced, plural };
  if (name === undefined) return { ...base, shape: 'collection', subresource: '' };
  if (name !== '{name}' || segments.length > 4 || (tail !== undefined && tail !== '{path}')) return undefined;
  if (subresource === undefined) return { ...base, shape: 'item', subresource: '' };
  return { ...base, shape: 'subresource', subresource };
}

/** `V1Pod` → `Pod`, `CoreV1Event` → `Event`, `AuthenticationV1TokenRequest` → `TokenRequest`. */
export function kindOfModel(model: string): string {
  const m = /^(?:[A-Z][a-z]+)*?V\d+(?:(?:alpha|beta)\d+)?([A-Z]\w*)$/.exec(model);
  if (m?.[1] === undefined) throw new CatalogueDerivationError(`model ${model} has no version prefix`);
  return m[1];
}

interface Accumulator {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  verbs: Set<Verb>;
  kindModel: string | undefined;
  listModel: string | undefined;
  subresources: Map<string, { verbs: Set<Verb>; models: Set<string>; connect: boolean }>;
}

function excludedForTarget(group: string, version: string, plural: string): boolean {
  return GA_AFTER_TARGET.some(
    (f) => f.minor > TARGET_MINOR && f.group === group && f.version === version && (f.plural === undefined || f.plural === plural),
  );
}

function accumulate(operations: readonly ClientOperation[]): Map<string, Accumulator> {
  const byResource = new Map<string, Accumulator>();
  for (const op of operations) {
    const parsed = parseResourcePath(op.path);
    if (parsed === undefined || !GA_VERSION.test(parsed.version)) continue;
    if (excludedForTarget(parsed.group, parsed.version, parsed.plural)) continue;
    const key = `${parsed.group}/${parsed.version}/${parsed.plural}`;
    let acc = byResource.get(key);
    if (acc === undefined) {
      acc = { ...parsed, namespaced: false, verbs: new Set(), kindModel: undefined, listModel: undefined, subresources: new Map() };
      byResource.set(key, acc);
    }
    // A namespaced resource also has all-namespaces list paths; any namespaced path decides.
    acc.namespaced ||= parsed.namespaced;
    if (parsed.shape === 'subresource') {
      const verb = SUBRESOURCE_VERBS[op.method];
      if (verb === undefined) continue;
      let sub = acc.subresources.get(parsed.subresource);
      if (sub === undefined) {
        sub = { verbs: new Set(), models: new Set(), connect: false };
        acc.subresources.set(parsed.subresource, sub);
      }
      sub.verbs.add(verb);
      sub.models.add(op.responseType);
      sub.connect ||= op.name.startsWith('connect');
      continue;
    }
    const verb = (parsed.shape === 'collection' ? COLLECTION_VERBS : ITEM_VERBS)[op.method];
    if (verb === undefined) throw new CatalogueDerivationError(`${op.name}: unexpected ${op.method} on ${op.path}`);
    acc.verbs.add(verb);
    if (verb === 'list') {
      acc.listModel = op.responseType;
      if (!LIST_WITHOUT_WATCH.includes(`${parsed.group}/${parsed.plural}`)) acc.verbs.add('watch');
    }
    if (verb === 'get' || (verb === 'create' && acc.kindModel === undefined)) acc.kindModel = op.responseType;
  }
  return byResource;
}

function resourceKind(acc: Accumulator): string {
  if (acc.kindModel !== undefined) return kindOfModel(acc.kindModel);
  if (acc.listModel?.endsWith('List') === true) return kindOfModel(acc.listModel.slice(0, -'List'.length));
  throw new CatalogueDerivationError(`${acc.group}/${acc.version}/${acc.plural}: no operation names its kind`);
}

function sortedVerbs(verbs: ReadonlySet<Verb>): Verb[] {
  return [...verbs].sort();
}

function subresourceInfo(
  acc: Accumulator,
  parentKind: string,
  name: string,
  sub: { verbs: Set<Verb>; models: Set<string>; connect: boolean },
  kindsInGroupVersion: ReadonlySet<string>,
): SubresourceInfo {
  const where = `${acc.group}/${acc.version}/${acc.plural}/${name}`;
  const make = (group: string, version: string, kind: string): SubresourceInfo => ({
    name,
    group,
    version,
    kind,
    verbs: sortedVerbs(sub.verbs),
    namespaced: acc.namespaced,
  });
  if (sub.connect) {
    const kind = CONNECT_KINDS[`${acc.plural}/${name}`];
    if (kind === undefined) throw new CatalogueDerivationError(`${where}: connect subresource with no options kind in upstream-facts`);
    return make(acc.group, acc.version, kind);
  }
  const models = [...sub.models];
  if (models.length !== 1) throw new CatalogueDerivationError(`${where}: answers with several models ${models.join(', ')}`);
  const model = models[0] ?? '';
  // A streamed subresource (log) reports its parent's kind.
  if (model === 'string') return make(acc.group, acc.version, parentKind);
  const kind = kindOfModel(model);
  if (kind === parentKind || kindsInGroupVersion.has(kind)) return make(acc.group, acc.version, kind);
  const home = CROSS_GROUP_KINDS[kind];
  if (home === undefined) throw new CatalogueDerivationError(`${where}: kind ${kind} belongs to no known group`);
  return make(home.group, home.version, kind);
}

function compareResources(a: GeneratedResource, b: GeneratedResource): number {
  return a.group.localeCompare(b.group, 'en') || a.version.localeCompare(b.version, 'en') || a.plural.localeCompare(b.plural, 'en');
}

/** Catalogue entries for every GA group-version of TARGET_MINOR, sorted by group, version, plural. */
export function deriveCatalogue(operations: readonly ClientOperation[]): GeneratedResource[] {
  const accs = [...accumulate(operations).values()];
  const withKinds = accs.map((acc) => ({ acc, kind: resourceKind(acc) }));
  const kindsByGroupVersion = new Map<string, Set<string>>();
  for (const { acc, kind } of withKinds) {
    const gv = `${acc.group}/${acc.version}`;
    kindsByGroupVersion.set(gv, (kindsByGroupVersion.get(gv) ?? new Set()).add(kind));
  }
  const resources = withKinds.map(({ acc, kind }): GeneratedResource => {
    const kinds = kindsByGroupVersion.get(`${acc.group}/${acc.version}`) ?? new Set<string>();
    const subresources = [...acc.subresources.entries()]
      .sort(([a], [b]) => a.localeCompare(b, 'en'))
      .map(([name, sub]) => subresourceInfo(acc, kind, name, sub, kinds));
    return {
      group: acc.group,
      version: acc.version,
      kind,
      plural: acc.plural,
      // kube-apiserver reports the lower-cased kind as the singular name of built-ins.
      singular: kind.toLowerCase(),
      namespaced: acc.namespaced,
      verbs: sortedVerbs(acc.verbs),
      subresources,
    };
  });
  return resources.sort(compareResources);
}

/** Groups that appear in the package with only alpha or beta versions (reported, not catalogued). */
export function groupsWithoutGA(operations: readonly ClientOperation[], catalogued: readonly GeneratedResource[]): string[] {
  const gaGroups = new Set(catalogued.map((r) => r.group));
  const others = new Set<string>();
  for (const op of operations) {
    const parsed = parseResourcePath(op.path);
    if (parsed !== undefined && !gaGroups.has(parsed.group)) others.add(parsed.group);
  }
  return [...others].sort();
}
