// Shared test fixtures: a static RbacSource over plain rbac/v1 objects.
import type { ClusterRole, ClusterRoleBinding, RbacSource, Role, RoleBinding, Subject } from '../src/index.ts';

export interface Objects {
  roles?: Role[];
  clusterRoles?: ClusterRole[];
  roleBindings?: RoleBinding[];
  clusterRoleBindings?: ClusterRoleBinding[];
}

export function staticSource(o: Objects): RbacSource {
  const cr = o.clusterRoles ?? [];
  return {
    roles: (ns) => (o.roles ?? []).filter((r) => r.metadata.namespace === ns),
    clusterRoles: () => cr,
    roleBindings: (ns) => (o.roleBindings ?? []).filter((r) => r.metadata.namespace === ns),
    clusterRoleBindings: () => o.clusterRoleBindings ?? [],
  };
}

export function crb(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects };
}

export function rb(ns: string, name: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: Subject[]): RoleBinding {
  return { metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName }, subjects };
}
