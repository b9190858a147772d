// The unaggregated discovery documents: /api, /apis, /apis/<group>,
// /api/v1 and /apis/<group>/<version>. Pure functions over a list of catalogue
// entries, so the caller decides what is served (built-ins, later CRDs).

import { groupVersions } from './catalogue.ts';
import type { ResourceInfo, Verb } from './resource-info.ts';

export interface GroupVersionForDiscovery {
  readonly groupVersion: string;
  readonly version: string;
}

export interface APIVersions {
  readonly kind: 'APIVersions';
  readonly versions: readonly string[];
  readonly serverAddressByClientCIDRs: readonly { readonly clientCIDR: string; readonly serverAddress: string }[];
}

export interface APIGroup {
  readonly kind?: 'APIGroup';
  readonly apiVersion?: 'v1';
  readonly name: string;
  readonly versions: readonly GroupVersionForDiscovery[];
  readonly preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  readonly kind: 'APIGroupList';
  readonly apiVersion: 'v1';
  readonly groups: readonly APIGroup[];
}

export interface APIResource {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly verbs: readonly Verb[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

export interface APIResourceList {
  readonly kind: 'APIResourceList';
  readonly apiVersion?: 'v1';
  readonly groupVersion: string;
  readonly resources: readonly APIResource[];
}

function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** `GET /api`. `serverAddress` is host:port as clients should reach this server. */
export function apiVersions(resources: readonly ResourceInfo[], serverAddress: string): APIVersions {
  const versions = groupVersions(resources).filter((gv) => gv.group === '').map((gv) => gv.version);
  return { kind: 'APIVersions', versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function namedGroups(resources: readonly ResourceInfo[]): Map<string, GroupVersionForDiscovery[]> {
  const groups = new Map<string, GroupVersionForDiscovery[]>();
  for (const gv of groupVersions(resources)) {
    if (gv.group === '') continue;
    const list = groups.get(gv.group) ?? [];
    list.push({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version });
    groups.set(gv.group, list);
  }
  return groups;
}

function groupEntry(name: string, versions: readonly GroupVersionForDiscovery[]): APIGroup {
  const preferred = versions[0];
  if (preferred === undefined) throw new Error(`assertion failed: group ${name} has no versions`);
  return { name, versions, preferredVersion: preferred };
}

/** `GET /apis`: every named group, in priority order, versions most preferred first. */
export function apiGroupList(resources: readonly ResourceInfo[]): APIGroupList {
  const groups = [...namedGroups(resources)].map(([name, versions]) => groupEntry(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `GET /apis/<group>`; undefined when the group is not served (the caller answers 404). */
export function apiGroup(resources: readonly ResourceInfo[], group: string): APIGroup | undefined {
  const versions = group === '' ? undefined : namedGroups(resources).get(group);
  if (versions === undefined) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) };
}

function resourceEntries(r: ResourceInfo): APIResource[] {
  const main: APIResource = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
  };
  const subs = r.subresources.map(
    (s): APIResource => ({
      name: `${r.plural}/${s.name}`,
      singularName: '',
      namespaced: s.namespaced,
      // Only a kind from another group-version names it, as kube-apiserver does.
      ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}),
      kind: s.kind,
      verbs: s.verbs,
    }),
  );
  return [main, ...subs];
}

/** `GET /api/v1` or `/apis/<group>/<version>`; undefined when not served. */
export function apiResourceList(resources: readonly ResourceInfo[], group: string, version: string): APIResourceList | undefined {
  const selected = resources.filter((r) => r.group === group && r.version === version);
  if (selected.length === 0) return undefined;
  const entries = selected.flatMap(resourceEntries).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // The real /api/v1 omits apiVersion; named groups carry it.
  const apiVersion = group === '' ? {} : { apiVersion: 'v1' as const };
  return { kind: 'APIResourceList', ...apiVersion, groupVersion: groupVersionString(group, version), resources: entries };
}
