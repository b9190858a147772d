import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import type { JsonObject, KindRules } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const G = 'rbac.authorization.k8s.io';
const rules = (kind: string): KindRules => {
  const r = rulesFor(G, kind);
  assert.ok(r !== undefined, kind);
  return r;
};

describe('Role and ClusterRole', () => {
  const cases: { name: string; kind: string; obj: JsonObject; want: string[] }[] = [
    { name: 'valid role', kind: 'Role', obj: { metadata: { name: 'system:reader', namespace: 'd' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, want: [] },
    { name: 'rule needs verbs, groups, resources', kind: 'Role', obj: { metadata: { name: 'r', namespace: 'd' }, rules: [{}] }, want: [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
    ] },
    { name: 'namespaced rule with URLs', kind: 'Role', obj: { metadata: { name: 'r', namespace: 'd' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }] }, want: [
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
    ] },
    { name: 'cluster role with URLs', kind: 'ClusterRole', obj: { metadata: { name: 'r' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }, want: [] },
    { name: 'empty aggregation rule', kind: 'ClusterRole', obj: { metadata: { name: 'r' }, aggregationRule: {} }, want: [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ] },
    { name: 'path segment name', kind: 'ClusterRole', obj: { metadata: { name: 'a/b' } }, want: ['metadata.name: Invalid value: "a/b": may not contain \'/\''] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(msgs(rules(c.kind).validateCreate?.(c.obj) ?? []), c.want));
});

describe('RoleBinding and ClusterRoleBinding', () => {
  it('defaults roleRef and subject apiGroups', () => {
    const b: JsonObject = { metadata: { name: 'b', namespace: 'd' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'd' }] };
    rules('RoleBinding').default?.(b);
    assert.deepEqual(b['roleRef'], { kind: 'Role', name: 'r', apiGroup: G });
    assert.deepEqual((b['subjects'] as JsonObject[]).map((s) => s['apiGroup']), [G, G, '']);
    assert.deepEqual(msgs(rules('RoleBinding').validateCreate?.(b) ?? []), []);
  });
  it('reports roleRef and subject problems', () => {
    const b: JsonObject = { metadata: { name: 'b' }, roleRef: { apiGroup: 'x', kind: 'Role', name: '' }, subjects: [{ kind: 'Robot', name: 'r' }, { kind: 'ServiceAccount', name: 'sa', apiGroup: G }, { kind: 'User', name: '', apiGroup: '' }] };
    assert.deepEqual(msgs(rules('ClusterRoleBinding').validateCreate?.(b) ?? []), [
      'roleRef.apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'roleRef.name: Required value',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[1].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""',
      'subjects[1].namespace: Required value',
      'subjects[2].name: Required value',
      'subjects[2].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
    ]);
  });
  it('roleRef is immutable', () => {
    const old = { metadata: { name: 'b', namespace: 'd', resourceVersion: '3' }, roleRef: { apiGroup: G, kind: 'Role', name: 'r' } };
    const next = { ...old, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'r' } };
    assert.deepEqual(msgs(rules('RoleBinding').validateUpdate?.(next, old) ?? []), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"r"}: cannot change roleRef',
    ]);
  });
});
