// Builders for the bootstrap policy data. kube's rule builder sorts every list
// in a rule (verbs, groups, resources, names, URLs), so these do too: objects
// then compare equal to what `kubectl get clusterrole -o yaml` shows.

import { AUTOUPDATE_ANNOTATION, RBAC_GROUP, type ClusterRole, type ClusterRoleBinding, type PolicyRule, type Role, type RoleBinding, type Subject } from './types.ts';

export const READ = ['get', 'list', 'watch'] as const;
export const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'] as const;
export const READ_WRITE = [...READ, ...WRITE] as const;

export const LEGACY = '' as const;
export const EVENTS_GROUPS = [LEGACY, 'events.k8s.io'] as const;

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** A resource rule; `names` become resourceNames. */
export function rule(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], names?: readonly string[]): PolicyRule {
  const base: PolicyRule = { apiGroups: sorted(apiGroups), resources: sorted(resources), verbs: sorted(verbs) };
  return names === undefined ? base : { ...base, resourceNames: sorted(names) };
}

/** A non-resource rule. */
export function urls(verbs: readonly string[], paths: readonly string[]): PolicyRule {
  return { nonResourceURLs: sorted(paths), verbs: sorted(verbs) };
}

/** The rule nearly every controller carries so that it can record events in both event APIs. */
export const eventsRule = (): PolicyRule => rule(['create', 'patch', 'update'], EVENTS_GROUPS, ['events']);

// Every bootstrap object carries the same label and opts in to reconciliation.
function defaultMetadata(name: string, labels: Readonly<Record<string, string>> = {}, namespace?: string): ClusterRole['metadata'] {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

export function clusterRole(name: string, rules: readonly PolicyRule[] | null, extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): ClusterRole {
  const cr: ClusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: defaultMetadata(name, extra.labels), rules };
  return extra.aggregateFrom === undefined ? cr : { ...cr, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] } };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: readonly Subject[] | null): ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: defaultMetadata(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects,
  };
}

export function namespacedRole(namespace: string, name: string, rules: readonly PolicyRule[]): Role {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: defaultMetadata(name, {}, namespace), rules };
}

/** kube names a namespaced bootstrap binding after its Role unless told otherwise. */
export function namespacedRoleBinding(namespace: string, roleName: string, subjects: readonly Subject[], name: string = roleName): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: defaultMetadata(name, {}, namespace),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName },
    subjects,
  };
}

export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
export const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
// kube leaves apiGroup empty on ServiceAccount subjects.
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });
