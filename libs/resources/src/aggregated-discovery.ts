// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): one document for
// /api (the core group) and one for /apis (every named group), carrying every
// resource, so kubectl needs two requests instead of one per group-version.

import { groupVersions } from './catalogue.ts';
import type { ResourceInfo, Verb } from './resource-info.ts';

export type DiscoveryVersion = 'v2' | 'v2beta1';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface APISubresourceDiscovery {
  readonly subresource: string;
  readonly responseKind: GroupVersionKind;
  readonly verbs: readonly Verb[];
}

export interface APIResourceDiscovery {
  readonly resource: string;
  readonly singularResource: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly responseKind: GroupVersionKind;
  readonly verbs: readonly Verb[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly subresources?: readonly APISubresourceDiscovery[];
}

export interface APIVersionDiscovery {
  readonly version: string;
  readonly resources: readonly APIResourceDiscovery[];
  readonly freshness: 'Current' | 'Stale';
}

export interface APIGroupDiscovery {
  // The core group has no name: the field is absent, not empty.
  readonly metadata: { readonly name?: string; readonly creationTimestamp: null };
  readonly versions: readonly APIVersionDiscovery[];
}

export interface APIGroupDiscoveryList {
  readonly kind: 'APIGroupDiscoveryList';
  readonly apiVersion: `apidiscovery.k8s.io/${DiscoveryVersion}`;
  readonly metadata: Record<string, never>;
  readonly items: readonly APIGroupDiscovery[];
}

function resourceDiscovery(r: ResourceInfo): APIResourceDiscovery {
  const subresources = r.subresources.map(
    (s): APISubresourceDiscovery => ({
      subresource: s.name,
      responseKind: { group: s.group, version: s.version, kind: s.kind },
      verbs: s.verbs,
    }),
  );
  return {
    resource: r.plural,
    singularResource: r.singular,
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
    ...(subresources.length > 0 ? { subresources } : {}),
  };
}

/**
 * The document for `GET /api` (`scope: 'core'`, exactly one item, unnamed) or
 * `GET /apis` (`scope: 'groups'`, every named group in priority order). The
 * body is the same for v2 and v2beta1 apart from apiVersion.
 */
export function aggregatedDiscovery(
  resources: readonly ResourceInfo[],
  scope: 'core' | 'groups',
  version: DiscoveryVersion,
): APIGroupDiscoveryList {
  const items: APIGroupDiscovery[] = [];
  const byGroup = new Map<string, APIVersionDiscovery[]>();
  for (const gv of groupVersions(resources)) {
    if ((gv.group === '') !== (scope === 'core')) continue;
    const served = resources
      .filter((r) => r.group === gv.group && r.version === gv.version)
      .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0))
      .map(resourceDiscovery);
    let versions = byGroup.get(gv.group);
    if (versions === undefined) {
      versions = [];
      byGroup.set(gv.group, versions);
      items.push({ metadata: gv.group === '' ? { creationTimestamp: null } : { name: gv.group, creationTimestamp: null }, versions });
    }
    versions.push({ version: gv.version, resources: served, freshness: 'Current' });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
