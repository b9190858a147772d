// Where kube-apiserver keeps a resource in etcd, below its --etcd-prefix
// (`/registry`). Using the same layout lets etcdctl users, backups and tools
// written for a real cluster find objects where they expect them.

import type { ResourceInfo } from './resource-info.ts';

// Names that predate today's resource names and were kept for compatibility
// of existing etcd data (kube-apiserver's special default resource prefixes).
const SPECIAL_PREFIXES: Readonly<Record<string, string>> = {
  '/replicationcontrollers': 'controllers',
  '/endpoints': 'services/endpoints',
  '/nodes': 'minions',
  '/services': 'services/specs',
  'networking.k8s.io/ingresses': 'ingress',
};

// These groups are served by the apiextensions and aggregator servers, which
// prefix keys with the group name.
const GROUP_QUALIFIED = new Set(['apiextensions.k8s.io', 'apiregistration.k8s.io']);

// Computed on request, never stored, although the resource can be read.
const VIRTUAL = new Set(['/componentstatuses']);

/**
 * The key prefix without the leading `/registry` (e.g. `pods`, `services/specs`,
 * `apiextensions.k8s.io/customresourcedefinitions`); objects live at
 * `<prefix>/<namespace>/<name>` or `<prefix>/<name>`. Undefined for resources
 * that are never stored: create-only reviews and bindings, componentstatuses.
 */
export function storagePrefix(info: Pick<ResourceInfo, 'group' | 'plural' | 'verbs'>): string | undefined {
  const key = `${info.group}/${info.plural}`;
  if (VIRTUAL.has(key) || !info.verbs.includes('get')) return undefined;
  const special = SPECIAL_PREFIXES[key];
  if (special !== undefined) return special;
  return GROUP_QUALIFIED.has(info.group) ? key : info.plural;
}
