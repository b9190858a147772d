// The bootstrap policy kube-apiserver reconciles at start: its default
// ClusterRoles and ClusterRoleBindings, and the pure reconciliation that says
// what to create or update without ever removing what users added.

import { bootstrapClusterRoles } from './bootstrap-roles.ts';
import { clusterRoleBinding as binding, group, serviceAccount, user } from './bootstrap-builders.ts';
import { controllerClusterRoleBindings } from './bootstrap-controller-roles.ts';
import { covers } from './policy-comparator.ts';
import { rulesEqual } from './aggregation.ts';
import { AUTOUPDATE_ANNOTATION, type ClusterRole, type ClusterRoleBinding, type LabelSelectorJson, type Subject } from './types.ts';

export { bootstrapClusterRoles } from './bootstrap-roles.ts';
export { bootstrapNamespacedPolicy } from './bootstrap-namespace-policy.ts';
export type { NamespacedPolicy } from './bootstrap-namespace-policy.ts';

/** Every ClusterRoleBinding kube-apiserver 1.33 reconciles at start: the defaults by name, then one per controller. */
export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    binding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
    binding('system:kube-dns', 'system:kube-dns', [serviceAccount('kube-system', 'kube-dns')]),
    binding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    binding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
    // kube keeps this binding with no subjects: nodes are authorized by the Node authorizer,
    // and an empty binding lets reconciliation leave an old system:nodes subject alone.
    binding('system:node', 'system:node', null),
    binding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
    binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    binding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
    binding('system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]),
    ...controllerClusterRoleBindings(),
  ];
}

export interface BootstrapPolicy {
  readonly clusterRoles: readonly ClusterRole[];
  readonly clusterRoleBindings: readonly ClusterRoleBinding[];
}

export function bootstrapPolicy(): BootstrapPolicy {
  return { clusterRoles: bootstrapClusterRoles(), clusterRoleBindings: bootstrapClusterRoleBindings() };
}

/** One write the apiserver makes at start. `recreate` deletes the existing binding (by uid) first: a roleRef is immutable. */
export type ReconcileAction =
  | { readonly op: 'create'; readonly kind: 'ClusterRole'; readonly object: ClusterRole }
  | { readonly op: 'update'; readonly kind: 'ClusterRole'; readonly object: ClusterRole }
  | { readonly op: 'create'; readonly kind: 'ClusterRoleBinding'; readonly object: ClusterRoleBinding }
  | { readonly op: 'update'; readonly kind: 'ClusterRoleBinding'; readonly object: ClusterRoleBinding }
  | { readonly op: 'recreate'; readonly kind: 'ClusterRoleBinding'; readonly object: ClusterRoleBinding; readonly existing: ClusterRoleBinding };

/**
 * kube's reconciliation with Confirm and without RemoveExtraPermissions:
 * missing objects are created; missing rules, selectors, subjects, labels and
 * annotations are added; nothing a user added is removed; objects annotated
 * `rbac.authorization.kubernetes.io/autoupdate: "false"` are left alone.
 */
export function reconcileBootstrapPolicy(existing: BootstrapPolicy, defaults: BootstrapPolicy = bootstrapPolicy()): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const roles = new Map(existing.clusterRoles.map((r) => [r.metadata.name, r]));
  for (const want of defaults.clusterRoles) {
    const have = roles.get(want.metadata.name);
    if (have === undefined) actions.push({ op: 'create', kind: 'ClusterRole', object: want });
    else {
      const updated = reconcileRole(have, want);
      if (updated !== undefined) actions.push({ op: 'update', kind: 'ClusterRole', object: updated });
    }
  }
  const bindings = new Map(existing.clusterRoleBindings.map((b) => [b.metadata.name, b]));
  for (const want of defaults.clusterRoleBindings) {
    const have = bindings.get(want.metadata.name);
    if (have === undefined) actions.push({ op: 'create', kind: 'ClusterRoleBinding', object: want });
    else {
      const a = reconcileBinding(have, want);
      if (a !== undefined) actions.push(a);
    }
  }
  return actions;
}

function isProtected(o: { metadata: { annotations?: Readonly<Record<string, string>> } }): boolean {
  return o.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false';
}

// Expected keys fill gaps; the existing values win.
function mergeMaps(expected: Readonly<Record<string, string>> | undefined, existing: Readonly<Record<string, string>> | undefined): { value: Record<string, string> | undefined; changed: boolean } {
  if (expected === undefined && existing === undefined) return { value: undefined, changed: false };
  const value = { ...(expected ?? {}), ...(existing ?? {}) };
  return { value, changed: Object.keys(value).length !== Object.keys(existing ?? {}).length };
}

/** The updated role, or undefined when nothing is to change. */
export function reconcileRole(have: ClusterRole, want: ClusterRole): ClusterRole | undefined {
  if (isProtected(have)) return undefined;
  let changed = false;
  const labels = mergeMaps(want.metadata.labels, have.metadata.labels);
  const annotations = mergeMaps(want.metadata.annotations, have.metadata.annotations);
  changed ||= labels.changed || annotations.changed;
  let aggregationRule = have.aggregationRule ?? undefined;
  const wantSel = want.aggregationRule?.clusterRoleSelectors ?? [];
  if ((want.aggregationRule ?? undefined) === undefined && aggregationRule !== undefined) {
    aggregationRule = undefined;
    changed = true;
  } else {
    const haveSel = aggregationRule?.clusterRoleSelectors ?? [];
    const missing = wantSel.filter((s) => !haveSel.some((h) => selectorEqual(h, s)));
    if (missing.length > 0) {
      aggregationRule = { ...(aggregationRule ?? {}), clusterRoleSelectors: [...haveSel, ...missing] };
      changed = true;
    }
  }
  let rules = have.rules ?? null;
  const [, missingRules] = covers(have.rules ?? [], want.rules ?? []);
  const toAdd = missingRules.filter((m, i) => !missingRules.slice(0, i).some((x) => rulesEqual(x, m)));
  if (toAdd.length > 0) {
    rules = [...(have.rules ?? []), ...toAdd];
    changed = true;
  }
  if (!changed) return undefined;
  const metadata = { ...have.metadata, ...(labels.value !== undefined ? { labels: labels.value } : {}), ...(annotations.value !== undefined ? { annotations: annotations.value } : {}) };
  const { aggregationRule: _drop, ...rest } = have;
  return aggregationRule === undefined ? { ...rest, metadata, rules } : { ...rest, metadata, rules, aggregationRule };
}

function reconcileBinding(have: ClusterRoleBinding, want: ClusterRoleBinding): ReconcileAction | undefined {
  if (isProtected(have)) return undefined;
  const a = have.roleRef;
  const b = want.roleRef;
  if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) return { op: 'recreate', kind: 'ClusterRoleBinding', object: want, existing: have };
  const labels = mergeMaps(want.metadata.labels, have.metadata.labels);
  const annotations = mergeMaps(want.metadata.annotations, have.metadata.annotations);
  let changed = labels.changed || annotations.changed;
  const haveSubjects = have.subjects ?? [];
  const missing: Subject[] = [];
  for (const s of want.subjects ?? []) {
    if (!haveSubjects.some((h) => subjectEqual(h, s)) && !missing.some((m) => subjectEqual(m, s))) missing.push(s);
  }
  let subjects = have.subjects ?? null;
  if (missing.length > 0) {
    subjects = [...haveSubjects, ...missing];
    changed = true;
  }
  if (!changed) return undefined;
  const metadata = { ...have.metadata, ...(labels.value !== undefined ? { labels: labels.value } : {}), ...(annotations.value !== undefined ? { annotations: annotations.value } : {}) };
  return { op: 'update', kind: 'ClusterRoleBinding', object: { ...have, metadata, subjects } };
}

function subjectEqual(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && (a.apiGroup ?? '') === (b.apiGroup ?? '') && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

function selectorEqual(a: LabelSelectorJson, b: LabelSelectorJson): boolean {
  return JSON.stringify(normSel(a)) === JSON.stringify(normSel(b));
}

function normSel(s: LabelSelectorJson): unknown {
  const ml = s.matchLabels ?? {};
  return [Object.keys(ml).sort().map((k) => [k, ml[k]]), (s.matchExpressions ?? []).map((e) => [e.key, e.operator, e.values ?? []])];
}
