// The resource catalogue: generated entries joined with their short names and
// categories, plus the lookups the apiserver's router and discovery need.

import { generatedCatalogue } from './generated/catalogue.ts';
import { compareGroups, compareVersions } from './group-priority.ts';
import type { ResourceInfo } from './resource-info.ts';
import { resourceNames } from './short-names.ts';

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

function build(): readonly ResourceInfo[] {
  return Object.freeze(
    generatedCatalogue.map((r): ResourceInfo => {
      const names = resourceNames(r.group, r.plural);
      return Object.freeze({ ...r, shortNames: names.shortNames, categories: names.categories });
    }),
  );
}

const CATALOGUE = build();
const BY_KEY = new Map(CATALOGUE.map((r) => [`${r.group}/${r.version}/${r.plural}`, r]));

/** Every built-in resource, sorted by group, version, plural. */
export function catalogue(): readonly ResourceInfo[] {
  return CATALOGUE;
}

/** The resource served at `/apis/<group>/<version>/<plural>` (group `""` for `/api/v1`). */
export function lookup(group: string, version: string, plural: string): ResourceInfo | undefined {
  return BY_KEY.get(`${group}/${version}/${plural}`);
}

/**
 * The group-versions present in `resources`, in discovery order: groups by
 * kube-apiserver's priority (core first), versions within a group most
 * preferred first.
 */
export function groupVersions(resources: readonly ResourceInfo[] = CATALOGUE): readonly GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const r of resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()].sort((a, b) => compareGroups(a.group, b.group) || compareVersions(a.version, b.version));
}

/** The version clients should use for `group`: the first in preference order. */
export function preferredVersion(group: string, resources: readonly ResourceInfo[] = CATALOGUE): string | undefined {
  return groupVersions(resources).find((gv) => gv.group === group)?.version;
}
