// The namespaced Roles and RoleBindings kube-apiserver 1.33 reconciles at
// start in kube-system and kube-public: leader locking for the controller
// manager and scheduler, the delegated-authentication reader, and the
// bootstrap-signer / token-cleaner / cloud-provider controllers that work on
// one namespace only.

import { LEGACY, READ, eventsRule, namespacedRole, namespacedRoleBinding, rule, serviceAccount, user } from './bootstrap-builders.ts';
import type { Role, RoleBinding } from './types.ts';

const KUBE_SYSTEM = 'kube-system';
const KUBE_PUBLIC = 'kube-public';
const CONTROLLER = 'system:controller:';
const KCM_USER = 'system:kube-controller-manager';
const SCHEDULER_USER = 'system:kube-scheduler';

export interface NamespacedPolicy {
  readonly roles: Role[];
  readonly roleBindings: RoleBinding[];
}

function roles(): Role[] {
  return [
    // The one ConfigMap that carries the request-header and client-CA settings aggregated servers need.
    namespacedRole(KUBE_SYSTEM, 'extension-apiserver-authentication-reader', [
      rule(READ, [LEGACY], ['configmaps'], ['extension-apiserver-authentication']),
    ]),
    namespacedRole(KUBE_SYSTEM, `${CONTROLLER}bootstrap-signer`, [rule(READ, [LEGACY], ['secrets'])]),
    // Deprecated by kube since 1.10 but still created.
    namespacedRole(KUBE_SYSTEM, `${CONTROLLER}cloud-provider`, [rule(['create', 'get', 'list', 'watch'], [LEGACY], ['configmaps'])]),
    namespacedRole(KUBE_SYSTEM, `${CONTROLLER}token-cleaner`, [rule(['get', 'list', 'watch', 'delete'], [LEGACY], ['secrets']), eventsRule()]),
    namespacedRole(KUBE_SYSTEM, 'system::leader-locking-kube-controller-manager', [
      rule(['watch'], [LEGACY], ['configmaps']),
      rule(['get', 'update'], [LEGACY], ['configmaps'], ['kube-controller-manager']),
      rule(['get', 'watch', 'list', 'create', 'update'], ['coordination.k8s.io'], ['leases']),
    ]),
    namespacedRole(KUBE_SYSTEM, 'system::leader-locking-kube-scheduler', [
      rule(['watch'], [LEGACY], ['configmaps']),
      rule(['get', 'update'], [LEGACY], ['configmaps'], ['kube-scheduler']),
    ]),
    namespacedRole(KUBE_PUBLIC, `${CONTROLLER}bootstrap-signer`, [
      rule(READ, [LEGACY], ['configmaps']),
      rule(['update'], [LEGACY], ['configmaps'], ['cluster-info']),
      eventsRule(),
    ]),
  ];
}

function roleBindings(): RoleBinding[] {
  return [
    namespacedRoleBinding(KUBE_SYSTEM, 'extension-apiserver-authentication-reader', [user(KCM_USER), user(SCHEDULER_USER)], 'system::extension-apiserver-authentication-reader'),
    namespacedRoleBinding(KUBE_SYSTEM, 'system::leader-locking-kube-controller-manager', [
      user(KCM_USER),
      serviceAccount(KUBE_SYSTEM, 'kube-controller-manager'),
      // Coordinated leader election runs as this ServiceAccount and needs the kube-system leases.
      serviceAccount(KUBE_SYSTEM, 'leader-election-controller'),
    ]),
    namespacedRoleBinding(KUBE_SYSTEM, 'system::leader-locking-kube-scheduler', [user(SCHEDULER_USER), serviceAccount(KUBE_SYSTEM, 'kube-scheduler')]),
    namespacedRoleBinding(KUBE_SYSTEM, `${CONTROLLER}bootstrap-signer`, [serviceAccount(KUBE_SYSTEM, 'bootstrap-signer')]),
    namespacedRoleBinding(KUBE_SYSTEM, `${CONTROLLER}cloud-provider`, [serviceAccount(KUBE_SYSTEM, 'cloud-provider')]),
    namespacedRoleBinding(KUBE_SYSTEM, `${CONTROLLER}token-cleaner`, [serviceAccount(KUBE_SYSTEM, 'token-cleaner')]),
    namespacedRoleBinding(KUBE_PUBLIC, `${CONTROLLER}bootstrap-signer`, [serviceAccount(KUBE_SYSTEM, 'bootstrap-signer')]),
  ];
}

/** The namespaced Roles and RoleBindings (kube-system, kube-public) kube-apiserver 1.33 creates at start. */
export function bootstrapNamespacedPolicy(): NamespacedPolicy {
  return { roles: roles(), roleBindings: roleBindings() };
}
