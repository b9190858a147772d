import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_OUT, renderCatalogue } from '../scripts/gen-catalogue.ts';
import { catalogue, groupVersions, lookup, preferredVersion } from '../src/index.ts';
import { namedResources } from '../src/short-names.ts';

const FULL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

describe('generated catalogue', () => {
  it('matches what the generator produces from the installed package (run npm run gen:resources if not)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resources-gen-'));
    try {
      const fresh = join(dir, 'catalogue.ts');
      writeFileSync(fresh, renderCatalogue());
      assert.equal(readFileSync(fresh, 'utf8'), readFileSync(DEFAULT_OUT, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds only GA versions, sorted and without duplicates', () => {
    const keys = catalogue().map((r) => `${r.group}/${r.version}/${r.plural}`);
    assert.deepEqual(keys, [...keys].sort((a, b) => a.localeCompare(b, 'en')));
    assert.equal(new Set(keys).size, keys.length);
    for (const r of catalogue()) assert.match(r.version, /^v\d+$/, `${r.group}/${r.version}`);
  });

  it('leaves out what became GA after 1.33 and beta-only groups', () => {
    assert.equal(lookup('storage.k8s.io', 'v1', 'volumeattributesclasses'), undefined);
    assert.equal(lookup('admissionregistration.k8s.io', 'v1', 'mutatingadmissionpolicies'), undefined);
    const groups = new Set(catalogue().map((r) => r.group));
    for (const g of ['resource.k8s.io', 'storagemigration.k8s.io', 'internal.apiserver.k8s.io']) assert.ok(!groups.has(g), g);
  });
});

describe('everyday resources', () => {
  const subs = (group: string, version: string, plural: string): Record<string, readonly string[]> => {
    const r = lookup(group, version, plural);
    assert.ok(r, `${group}/${version}/${plural}`);
    return Object.fromEntries(r.subresources.map((s) => [s.name, s.verbs]));
  };

  it('pods: namespaced, full verbs, every 1.33 subresource', () => {
    const pods = lookup('', 'v1', 'pods');
    assert.ok(pods);
    assert.equal(pods.kind, 'Pod');
    assert.equal(pods.singular, 'pod');
    assert.equal(pods.namespaced, true);
    assert.deepEqual(pods.verbs, FULL);
    assert.deepEqual(subs('', 'v1', 'pods'), {
      attach: ['create', 'get'],
      binding: ['create'],
      ephemeralcontainers: ['get', 'patch', 'update'],
      eviction: ['create'],
      exec: ['create', 'get'],
      log: ['get'],
      portforward: ['create', 'get'],
      proxy: ['create', 'delete', 'get', 'patch', 'update'],
      resize: ['get', 'patch', 'update'],
      status: ['get', 'patch', 'update'],
    });
    const eviction = pods.subresources.find((s) => s.name === 'eviction');
    assert.deepEqual([eviction?.group, eviction?.version, eviction?.kind], ['policy', 'v1', 'Eviction']);
    assert.equal(pods.subresources.find((s) => s.name === 'exec')?.kind, 'PodExecOptions');
    assert.equal(pods.subresources.find((s) => s.name === 'log')?.kind, 'Pod');
  });

  it('namespaces: cluster-scoped with status and finalize, no deletecollection', () => {
    const ns = lookup('', 'v1', 'namespaces');
    assert.equal(ns?.namespaced, false);
    assert.deepEqual(ns.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(subs('', 'v1', 'namespaces'), { finalize: ['update'], status: ['get', 'patch', 'update'] });
  });

  it('deployments in apps/v1 with scale (autoscaling/v1 Scale) and status', () => {
    const d = lookup('apps', 'v1', 'deployments');
    assert.deepEqual(d?.verbs, FULL);
    assert.deepEqual(subs('apps', 'v1', 'deployments'), { scale: ['get', 'patch', 'update'], status: ['get', 'patch', 'update'] });
    const scale = d.subresources.find((s) => s.name === 'scale');
    assert.deepEqual([scale?.group, scale?.version, scale?.kind], ['autoscaling', 'v1', 'Scale']);
    assert.deepEqual(Object.keys(subs('apps', 'v1', 'daemonsets')), ['status']);
  });

  it('services with status and proxy; serviceaccounts with token', () => {
    assert.deepEqual(Object.keys(subs('', 'v1', 'services')), ['proxy', 'status']);
    const token = lookup('', 'v1', 'serviceaccounts')?.subresources.find((s) => s.name === 'token');
    assert.deepEqual([token?.group, token?.kind, token?.verbs], ['authentication.k8s.io', 'TokenRequest', ['create']]);
  });

  const cases: readonly [string, string, string, { kind: string; namespaced: boolean; verbs?: readonly string[] }][] = [
    ['', 'v1', 'componentstatuses', { kind: 'ComponentStatus', namespaced: false, verbs: ['get', 'list'] }],
    ['', 'v1', 'bindings', { kind: 'Binding', namespaced: true, verbs: ['create'] }],
    ['', 'v1', 'nodes', { kind: 'Node', namespaced: false, verbs: FULL }],
    ['', 'v1', 'endpoints', { kind: 'Endpoints', namespaced: true, verbs: FULL }],
    ['', 'v1', 'persistentvolumes', { kind: 'PersistentVolume', namespaced: false }],
    ['batch', 'v1', 'cronjobs', { kind: 'CronJob', namespaced: true, verbs: FULL }],
    ['authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', { kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] }],
    ['authorization.k8s.io', 'v1', 'localsubjectaccessreviews', { kind: 'LocalSubjectAccessReview', namespaced: true, verbs: ['create'] }],
    ['authentication.k8s.io', 'v1', 'selfsubjectreviews', { kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] }],
    ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions', { kind: 'CustomResourceDefinition', namespaced: false, verbs: FULL }],
    ['apiregistration.k8s.io', 'v1', 'apiservices', { kind: 'APIService', namespaced: false, verbs: FULL }],
    ['events.k8s.io', 'v1', 'events', { kind: 'Event', namespaced: true, verbs: FULL }],
    ['autoscaling', 'v2', 'horizontalpodautoscalers', { kind: 'HorizontalPodAutoscaler', namespaced: true }],
    ['storage.k8s.io', 'v1', 'storageclasses', { kind: 'StorageClass', namespaced: false }],
  ];
  for (const [group, version, plural, want] of cases) {
    it(`${group || 'core'}/${version} ${plural}`, () => {
      const r = lookup(group, version, plural);
      assert.ok(r);
      assert.equal(r.kind, want.kind);
      assert.equal(r.singular, want.kind.toLowerCase());
      assert.equal(r.namespaced, want.namespaced);
      if (want.verbs !== undefined) assert.deepEqual(r.verbs, want.verbs);
    });
  }

  it('lookup misses on unknown group, version or plural, and on singular or kind names', () => {
    for (const [g, v, p] of [['', 'v2', 'pods'], ['apps', 'v1', 'pods'], ['', 'v1', 'pod'], ['', 'v1', 'Pod'], ['core', 'v1', 'pods'], ['', 'v1', '']]) {
      assert.equal(lookup(g ?? '', v ?? '', p ?? ''), undefined, `${g}/${v}/${p}`);
    }
  });
});

describe('short names and categories', () => {
  const table: readonly [string, string, string, string][] = [
    ['po', '', 'v1', 'pods'], ['svc', '', 'v1', 'services'], ['deploy', 'apps', 'v1', 'deployments'], ['ns', '', 'v1', 'namespaces'],
    ['no', '', 'v1', 'nodes'], ['cm', '', 'v1', 'configmaps'], ['sa', '', 'v1', 'serviceaccounts'], ['ds', 'apps', 'v1', 'daemonsets'],
    ['rs', 'apps', 'v1', 'replicasets'], ['sts', 'apps', 'v1', 'statefulsets'], ['pvc', '', 'v1', 'persistentvolumeclaims'],
    ['pv', '', 'v1', 'persistentvolumes'], ['ing', 'networking.k8s.io', 'v1', 'ingresses'], ['ep', '', 'v1', 'endpoints'],
    ['ev', '', 'v1', 'events'], ['ev', 'events.k8s.io', 'v1', 'events'], ['cj', 'batch', 'v1', 'cronjobs'],
    ['hpa', 'autoscaling', 'v1', 'horizontalpodautoscalers'], ['hpa', 'autoscaling', 'v2', 'horizontalpodautoscalers'],
    ['pdb', 'policy', 'v1', 'poddisruptionbudgets'], ['netpol', 'networking.k8s.io', 'v1', 'networkpolicies'],
    ['sc', 'storage.k8s.io', 'v1', 'storageclasses'], ['crd', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions'],
    ['rc', '', 'v1', 'replicationcontrollers'], ['quota', '', 'v1', 'resourcequotas'], ['csr', 'certificates.k8s.io', 'v1', 'certificatesigningrequests'],
  ];
  for (const [short, group, version, plural] of table) {
    it(`${short} → ${plural}`, () => assert.ok(lookup(group, version, plural)?.shortNames.includes(short)));
  }

  it('category all covers exactly what kubectl get all lists upstream', () => {
    const all = catalogue().filter((r) => r.categories.includes('all')).map((r) => `${r.group}/${r.version}/${r.plural}`);
    assert.deepEqual(all, [
      '/v1/pods', '/v1/replicationcontrollers', '/v1/services',
      'apps/v1/daemonsets', 'apps/v1/deployments', 'apps/v1/replicasets', 'apps/v1/statefulsets',
      'autoscaling/v1/horizontalpodautoscalers', 'autoscaling/v2/horizontalpodautoscalers',
      'batch/v1/cronjobs', 'batch/v1/jobs',
    ]);
  });

  it('no short name is claimed twice within a group-version, and every table key names a catalogued resource', () => {
    for (const gv of groupVersions()) {
      const names = catalogue().filter((r) => r.group === gv.group && r.version === gv.version).flatMap((r) => r.shortNames);
      assert.equal(new Set(names).size, names.length, `${gv.group}/${gv.version}`);
    }
    for (const { group, plural } of namedResources()) {
      assert.ok(catalogue().some((r) => r.group === group && r.plural === plural), `${group}/${plural}`);
    }
  });

  it('resources without facts get empty arrays, not undefined', () => {
    assert.deepEqual(lookup('', 'v1', 'secrets')?.shortNames, []);
    assert.deepEqual(lookup('', 'v1', 'secrets')?.categories, []);
  });
});

describe('group-version order', () => {
  it('core first, then kube-apiserver group priority, preferred version first', () => {
    const order = groupVersions().map((gv) => `${gv.group}/${gv.version}`);
    assert.deepEqual(order, [
      '/v1', 'apiregistration.k8s.io/v1', 'apps/v1', 'events.k8s.io/v1', 'authentication.k8s.io/v1', 'authorization.k8s.io/v1',
      'autoscaling/v2', 'autoscaling/v1', 'batch/v1', 'certificates.k8s.io/v1', 'networking.k8s.io/v1', 'policy/v1',
      'rbac.authorization.k8s.io/v1', 'storage.k8s.io/v1', 'admissionregistration.k8s.io/v1', 'apiextensions.k8s.io/v1',
      'scheduling.k8s.io/v1', 'coordination.k8s.io/v1', 'node.k8s.io/v1', 'discovery.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1',
    ]);
  });

  it('preferredVersion', () => {
    assert.equal(preferredVersion(''), 'v1');
    assert.equal(preferredVersion('autoscaling'), 'v2');
    assert.equal(preferredVersion('apps'), 'v1');
    assert.equal(preferredVersion('extensions'), undefined);
    assert.equal(preferredVersion('resource.k8s.io'), undefined);
  });
});
