import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALL_ORDERED_PLUGINS, AdmissionConfigError, DEFAULT_OFF_PLUGINS, DEFAULT_ON_PLUGINS, buildAdmissionPlugins, readAdmissionConfigFile,
  resolveAdmissionPlugins, taintNodesByCondition,
} from '../src/index.ts';

const DEFAULT_ORDER = [
  'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'TaintNodesByCondition', 'PodSecurity', 'Priority', 'DefaultTolerationSeconds',
  'DefaultStorageClass', 'StorageObjectInUseProtection', 'PersistentVolumeClaimResize', 'RuntimeClass', 'CertificateApproval', 'CertificateSigning',
  'ClusterTrustBundleAttest', 'CertificateSubjectRestriction', 'DefaultIngressClass', 'PodTopologyLabels', 'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionWebhook', 'ResourceQuota',
];

test('the catalogue: 36 plugins, the default-on set is a subset, default-off is its complement', () => {
  assert.equal(ALL_ORDERED_PLUGINS.length, 36);
  assert.equal(new Set(ALL_ORDERED_PLUGINS).size, 36);
  for (const p of DEFAULT_ON_PLUGINS) assert.ok((ALL_ORDERED_PLUGINS as readonly string[]).includes(p), p);
  assert.equal(DEFAULT_ON_PLUGINS.size + DEFAULT_OFF_PLUGINS.length, 36);
  assert.ok(DEFAULT_OFF_PLUGINS.includes('AlwaysPullImages') && DEFAULT_OFF_PLUGINS.includes('NodeRestriction'));
  assert.equal(ALL_ORDERED_PLUGINS.at(-1), 'AlwaysDeny');
});

const cases: Array<{ name: string; enable: string[]; disable: string[]; want: string[] | RegExp }> = [
  { name: 'defaults in canonical order', enable: [], disable: [], want: DEFAULT_ORDER },
  {
    name: 'enabled plugins land at their canonical place, not flag order',
    enable: ['AlwaysPullImages', 'NodeRestriction'], disable: [],
    want: ['NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'NodeRestriction', 'TaintNodesByCondition', 'AlwaysPullImages', ...DEFAULT_ORDER.slice(4)],
  },
  { name: 'enabling a default-on plugin changes nothing', enable: ['LimitRanger'], disable: [], want: DEFAULT_ORDER },
  { name: 'disable removes', enable: [], disable: ['ResourceQuota', 'PodSecurity'], want: DEFAULT_ORDER.filter((p) => p !== 'ResourceQuota' && p !== 'PodSecurity') },
  { name: 'unknown enable', enable: ['Nope'], disable: [], want: /^enable-admission-plugins plugin "Nope" is unknown$/ },
  { name: 'unknown disable', enable: [], disable: ['limitranger'], want: /^disable-admission-plugins plugin "limitranger" is unknown$/ },
  {
    name: 'overlap, sorted like a Go set',
    enable: ['ServiceAccount', 'AlwaysPullImages'], disable: ['ServiceAccount', 'AlwaysPullImages'],
    want: /^\[AlwaysPullImages ServiceAccount\] in enable-admission-plugins and disable-admission-plugins overlapped$/,
  },
  {
    name: 'every problem at once',
    enable: ['X', 'LimitRanger'], disable: ['Y', 'LimitRanger'],
    want: /^enable-admission-plugins plugin "X" is unknown\ndisable-admission-plugins plugin "Y" is unknown\n\[LimitRanger\] in .* overlapped$/,
  },
];
for (const c of cases) {
  test(`resolveAdmissionPlugins: ${c.name}`, () => {
    if (Array.isArray(c.want)) {
      assert.deepEqual(resolveAdmissionPlugins({ enable: c.enable, disable: c.disable }), c.want);
    } else {
      const want = c.want;
      assert.throws(() => resolveAdmissionPlugins({ enable: c.enable, disable: c.disable }), (e: unknown) => e instanceof AdmissionConfigError && want.test(e.message));
    }
  });
}

test('buildAdmissionPlugins: instantiates in order with configs; names every missing plugin', () => {
  const seen: unknown[] = [];
  const plugins = buildAdmissionPlugins(['A', 'TaintNodesByCondition'], {
    A: (cfg) => { seen.push(cfg); return { name: 'A' }; },
    TaintNodesByCondition: () => taintNodesByCondition(),
  }, new Map([['A', { x: 1 }]]));
  assert.deepEqual(plugins.map((p) => p.name), ['A', 'TaintNodesByCondition']);
  assert.deepEqual(seen, [{ x: 1 }]);
  assert.throws(() => buildAdmissionPlugins(['PodSecurity'], {}), { code: 'NotImplemented', message: /^admission plugin PodSecurity is not implemented by Logbook/ });
  assert.throws(() => buildAdmissionPlugins(['PodSecurity', 'ResourceQuota'], {}), { message: /^admission plugins PodSecurity, ResourceQuota are not implemented by Logbook/ });
  assert.throws(() => buildAdmissionPlugins(['A'], { A: () => { throw new Error('bad limit'); } }), { code: 'PluginConfigInvalid', message: 'admission plugin A: bad limit' });
});

const made: string[] = [];
after(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

async function tmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'admission-config-'));
  made.push(dir);
  return dir;
}

test('readAdmissionConfigFile: YAML, inline and relative path configurations, every apiVersion', async () => {
  const dir = await tmp();
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'sub', 'eventconfig.yaml'), 'kind: Configuration\nlimits:\n- type: Server\n  qps: 5\n');
  for (const apiVersion of ['apiserver.config.k8s.io/v1', 'apiserver.config.k8s.io/v1alpha1', 'apiserver.k8s.io/v1alpha1']) {
    const file = join(dir, 'admission.yaml');
    await writeFile(file, `apiVersion: ${apiVersion}\nkind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  path: sub/eventconfig.yaml\n- name: PodSecurity\n  configuration:\n    defaults: {enforce: baseline}\n- name: PodSecurity\n  configuration: {ignored: true}\n- name: NoConfig\n`);
    const m = await readAdmissionConfigFile(file);
    assert.deepEqual(m.get('EventRateLimit'), { kind: 'Configuration', limits: [{ type: 'Server', qps: 5 }] });
    assert.deepEqual(m.get('PodSecurity'), { defaults: { enforce: 'baseline' } });
    assert.equal(m.has('NoConfig'), false);
  }
  const json = join(dir, 'admission.json');
  await writeFile(json, JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration', plugins: [{ name: 'X', configuration: { a: 1 }, path: 'missing' }] }));
  assert.deepEqual((await readAdmissionConfigFile(json)).get('X'), { a: 1 });
  const legacy = join(dir, 'legacy.yaml');
  await writeFile(legacy, 'podNodeSelectorPluginConfig:\n  clusterDefaultNodeSelector: a=b\n');
  assert.deepEqual([...(await readAdmissionConfigFile(legacy)).keys()], ['PodNodeSelector']);
});

test('readAdmissionConfigFile: bad files name the file and the field', async () => {
  const dir = await tmp();
  const bad: Array<[string, string, RegExp]> = [
    ['syntax.yaml', 'plugins: [', /syntax\.yaml": not valid YAML or JSON/],
    ['scalar.yaml', '42', /must be an AdmissionConfiguration object/],
    ['noversion.yaml', 'kind: AdmissionConfiguration\n', /apiVersion: Required value/],
    ['version.yaml', 'apiVersion: v1\nkind: AdmissionConfiguration\n', /apiVersion: Unsupported value: "v1"/],
    ['kind.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: Pod\n', /kind: Unsupported value: "Pod"/],
    ['plugins.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: {}\n', /plugins: must be a list/],
    ['name.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- path: x\n', /plugins\[0\]\.name: Required value/],
    ['path.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: A\n- name: B\n  path: nowhere.yaml\n', /plugins\[1\]\.path: couldn't open admission plugin B configuration ".*nowhere\.yaml"/],
    ['dupkey.yaml', 'apiVersion: a\napiVersion: b\n', /not valid YAML or JSON/],
  ];
  for (const [name, text, want] of bad) {
    const file = join(dir, name);
    await writeFile(file, text);
    await assert.rejects(readAdmissionConfigFile(file), (e: unknown) => e instanceof AdmissionConfigError && want.test(e.message) && e.message.includes(file), name);
  }
  await assert.rejects(readAdmissionConfigFile(join(dir, 'absent.yaml')), { code: 'ConfigFileUnreadable', message: /^unable to read admission control configuration from ".*absent\.yaml" \[/ });
  const badPlugin = join(dir, 'pluginbad.yaml');
  await writeFile(join(dir, 'p.yaml'), 'a: [');
  await writeFile(badPlugin, 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: A\n  path: p.yaml\n');
  await assert.rejects(readAdmissionConfigFile(badPlugin), { code: 'PluginConfigInvalid', message: /plugins\[0\]\.path: admission plugin A configuration ".*p\.yaml" is not valid YAML or JSON/ });
});
