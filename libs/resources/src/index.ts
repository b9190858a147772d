// @logbook/resources: the catalogue of built-in resources (generated) and the discovery documents built from it.
export { VERBS } from './resource-info.ts';
export type { GeneratedResource, ResourceInfo, SubresourceInfo, Verb } from './resource-info.ts';
export { catalogue, groupVersions, lookup, preferredVersion } from './catalogue.ts';
export type { GroupVersion } from './catalogue.ts';
export { compareGroups, compareVersions } from './group-priority.ts';
export { storagePrefix } from './storage-prefix.ts';
export { apiGroup, apiGroupList, apiResourceList, apiVersions } from './legacy-discovery.ts';
export type { APIGroup, APIGroupList, APIResource, APIResourceList, APIVersions, GroupVersionForDiscovery } from './legacy-discovery.ts';
export { aggregatedDiscovery } from './aggregated-discovery.ts';
export type {
  APIGroupDiscovery,
  APIGroupDiscoveryList,
  APIResourceDiscovery,
  APISubresourceDiscovery,
  APIVersionDiscovery,
  DiscoveryVersion,
  GroupVersionKind,
} from './aggregated-discovery.ts';
export { discoveryContentType, negotiateDiscovery } from './negotiate-discovery.ts';
export type { DiscoveryChoice } from './negotiate-discovery.ts';
