// Client libraries other than kubectl against `logbook apiserver` over a
// three-member Logbook store: @kubernetes/client-node's typed API and
// informer, and the Python client's list and watch (Debian's
// python3-kubernetes 22.6.0, hence /usr/bin/python3 and not whatever python3
// is first on PATH). What the libraries hand their callers is what we assert.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  ApiException, AppsV1Api, CoreV1Api, KubeConfig, makeInformer, PatchStrategy, setHeaderOptions, V1ConfigMap, V1Deployment, type Informer, type ObjectCache,
} from '@kubernetes/client-node';
import { ApiserverCluster } from '../src/apiserver-cluster.ts';
import { until } from '../src/until.ts';

const PYTHON = '/usr/bin/python3';
const WATCH_SCRIPT = resolve(import.meta.dirname, '../fixtures/python/watch_configmaps.py');
const CREATE_PATCH_SCRIPT = resolve(import.meta.dirname, '../fixtures/python/create_patch.py');
/** A runaway script is killed at this much output rather than filling memory. */
const MAX_SCRIPT_OUTPUT_BYTES = 1 << 20;

let cluster: ApiserverCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
before(async () => {
  cluster = await ApiserverCluster.start({ impl: 'logbook', storeMembers: 3 });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
after(async () => {
  await cluster[Symbol.asyncDispose]();
});

/** The control plane publishes this into every namespace (as kube-controller-manager does); the tests wait for it, then leave it out. */
const ROOT_CA = 'kube-root-ca.crt';
const createNamespace = async (name: string): Promise<void> => {
  await core.createNamespace({ body: { metadata: { name } } });
  // Settled before a test lists or watches, so it shows up once, first, and never in the middle of a watch.
  await until(`${ROOT_CA} in ${name}`, { timeoutMs: 10_000, intervalMs: 50 }, async () => (await core.readNamespacedConfigMap({ namespace: name, name: ROOT_CA }).then(() => true, () => undefined)));
};
const ours = (lines: readonly string[]): string[] => lines.filter((l) => !l.includes(ROOT_CA));
const createConfigMap = (namespace: string, name: string, data: Record<string, string> = { a: '1' }): Promise<V1ConfigMap> =>
  core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data } });

test('client-node: typed create, list, pages and errors', async () => {
  const ns = 'node-typed';
  await createNamespace(ns);
  const created = await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5'].map((n) => createConfigMap(ns, n)));
  for (const cm of created) {
    assert.ok(cm instanceof V1ConfigMap);
    assert.equal(cm.metadata?.namespace, ns);
    assert.match(cm.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(cm.metadata?.resourceVersion ?? '', /^[1-9]\d*$/);
    assert.ok(cm.metadata?.creationTimestamp instanceof Date, 'creationTimestamp parses as a date');
  }

  const list = await core.listNamespacedConfigMap({ namespace: ns });
  assert.match(list.metadata?.resourceVersion ?? '', /^[1-9]\d*$/);
  // kube-root-ca.crt sorts after the test's own (keys are in name order).
  assert.deepEqual(list.items.map((cm) => cm.metadata?.name), ['c1', 'c2', 'c3', 'c4', 'c5', ROOT_CA]);
  assert.ok(list.items.every((cm) => cm instanceof V1ConfigMap));
  assert.deepEqual(list.items.slice(0, 5).map((cm) => cm.data), created.map(() => ({ a: '1' })));
  const newest = created.map((cm) => BigInt(cm.metadata!.resourceVersion!)).reduce((a, b) => (a > b ? a : b));
  assert.ok(BigInt(list.metadata!.resourceVersion!) >= newest, 'the list is at least as new as every create');

  // limit and continue: pages of two, every item once, in order.
  const pages: string[][] = [];
  let last: Awaited<ReturnType<CoreV1Api['listNamespacedConfigMap']>> | undefined;
  for (let token: string | undefined; pages.length === 0 || (token !== undefined && token !== '');) {
    assert.ok(pages.length < 3, `six items in pages of two end after three pages; got ${JSON.stringify(pages)}`);
    last = await core.listNamespacedConfigMap({ namespace: ns, limit: 2, ...(token !== undefined ? { _continue: token } : {}) });
    pages.push(last.items.map((cm) => cm.metadata!.name!));
    token = last.metadata?._continue;
    if (pages.length < 3) assert.equal(last.metadata?.remainingItemCount, 6 - 2 * pages.length, `remainingItemCount: ${JSON.stringify(last.metadata)}`);
  }
  assert.deepEqual(pages, [['c1', 'c2'], ['c3', 'c4'], ['c5', ROOT_CA]]);
  const lastPageMeta = last?.metadata;

  // Errors reach the caller as ApiException with the server's Status.
  const dup = await createConfigMap(ns, 'c1').then(() => undefined, (e: unknown) => e);
  assert.ok(dup instanceof ApiException, `duplicate create: ${String(dup)}`);
  assert.equal(dup.code, 409);
  const status = JSON.parse(String(dup.body)) as { kind: string; reason: string; message: string };
  assert.deepEqual([status.kind, status.reason, status.message], ['Status', 'AlreadyExists', 'configmaps "c1" already exists']);
  const missing = await core.readNamespacedConfigMap({ namespace: ns, name: 'nope' }).then(() => undefined, (e: unknown) => e);
  assert.ok(missing instanceof ApiException);
  assert.equal(missing.code, 404);
  assert.equal((JSON.parse(String(missing.body)) as { message: string }).message, 'configmaps "nope" not found');

  // kube-apiserver omits an empty continue (ListMeta's `continue,omitempty`), so
  // client-node callers see `_continue: undefined` on the last page; code that
  // loops `while (_continue !== undefined)` would restart from page one on "".
  assert.equal(lastPageMeta?._continue, undefined, `SERVER BUG: the last page carries metadata ${JSON.stringify(lastPageMeta)}; kube-apiserver omits "continue" when it is empty`);
});

test('client-node: an informer sees the initial objects, then adds, updates and deletes', async () => {
  const ns = 'node-informer';
  await createNamespace(ns);
  for (const n of ['i1', 'i2', 'i3']) await createConfigMap(ns, n);

  const informer: Informer<V1ConfigMap> & ObjectCache<V1ConfigMap> = makeInformer(
    // makeInformer needs a KubeConfig of its own for the watch.
    (() => { const kc = new KubeConfig(); kc.loadFromFile(cluster.kubeconfig); return kc; })(),
    `/api/v1/namespaces/${ns}/configmaps`,
    () => core.listNamespacedConfigMap({ namespace: ns }),
  );
  const seen: string[] = [];
  const errors: unknown[] = [];
  informer.on('add', (cm) => seen.push(`add ${cm.metadata?.name} ${JSON.stringify(cm.data)}`));
  informer.on('update', (cm) => seen.push(`update ${cm.metadata?.name} ${JSON.stringify(cm.data)}`));
  informer.on('delete', (cm) => seen.push(`delete ${cm.metadata?.name}`));
  informer.on('error', (err) => errors.push(err));
  // An informer error ends the wait at once: 2.x reports it and retries, which would hide the cause.
  const waitFor = async (n: number, what: string): Promise<void> => {
    await until(what, { timeoutMs: 10_000, intervalMs: 20 }, () => Promise.resolve(errors.length > 0 || seen.length >= n ? true : undefined))
      .catch((err: unknown) => { throw new Error(`${String(err)}; saw ${JSON.stringify(seen)}\n${cluster.logs()}`, { cause: err }); });
    assert.deepEqual(errors, [], `informer errors while waiting for ${what}\n${cluster.logs()}`);
  };

  await informer.start();
  try {
    await waitFor(4, 'the initial adds');
    assert.deepEqual(ours(seen).toSorted(), ['add i1 {"a":"1"}', 'add i2 {"a":"1"}', 'add i3 {"a":"1"}']);
    assert.deepEqual(ours(informer.list(ns).map((cm) => cm.metadata?.name ?? '')).toSorted(), ['i1', 'i2', 'i3']);
    seen.length = 0;

    await createConfigMap(ns, 'i4', { b: '2' });
    await waitFor(1, 'the add of i4');
    const i2 = await core.readNamespacedConfigMap({ namespace: ns, name: 'i2' });
    await core.replaceNamespacedConfigMap({ namespace: ns, name: 'i2', body: { ...i2, data: { a: 'changed' } } });
    await waitFor(2, 'the update of i2');
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'i3' });
    await waitFor(3, 'the delete of i3');
    assert.deepEqual(seen, ['add i4 {"b":"2"}', 'update i2 {"a":"changed"}', 'delete i3']);
    assert.deepEqual(ours(informer.list(ns).map((cm) => cm.metadata?.name ?? '')).toSorted(), ['i1', 'i2', 'i4']);
    assert.deepEqual(informer.get('i2', ns)?.data, { a: 'changed' });
    assert.equal(informer.get('i3', ns), undefined);
  } finally {
    await informer.stop();
  }
  // Stopped: further changes reach no callback.
  seen.length = 0;
  await createConfigMap(ns, 'after-stop');
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(seen, []);
});

interface ScriptRun {
  /** Lines printed so far. */
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

function runWatchScript(ns: string, marker: string, timeoutSeconds: number): ScriptRun {
  const child = spawn(PYTHON, [WATCH_SCRIPT, cluster.kubeconfig, ns, marker, String(timeoutSeconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let bytes = 0;
  const guard = (c: Buffer): void => {
    bytes += c.length;
    if (bytes > MAX_SCRIPT_OUTPUT_BYTES) child.kill('SIGKILL');
  };
  child.stdout.on('data', (c: Buffer) => {
    guard(c);
    const parts = (partial + c.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (c: Buffer) => {
    guard(c);
    stderr += c.toString();
  });
  // The script's own timeout ends it; this only catches a hung interpreter.
  const timer = setTimeout(() => child.kill('SIGKILL'), (timeoutSeconds + 15) * 1000);
  const exited = new Promise<{ code: number | null; stderr: string }>((r) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      r({ code, stderr });
    });
  });
  return { lines, exited };
}

test('client-node: typed create with defaults, then strategic, merge and JSON patches', async () => {
  const ns = 'node-patch';
  await createNamespace(ns);
  const created = await apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'js' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'js' } }, template: { metadata: { labels: { app: 'js' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } } },
    },
  });
  assert.ok(created instanceof V1Deployment);
  assert.equal(created.spec?.strategy?.type, 'RollingUpdate', 'defaulted by the server');
  assert.equal(created.spec?.template.spec?.containers[0]?.imagePullPolicy, 'Always', 'an untagged image is pulled always');
  const patch = async (body: object, strategy: PatchStrategy): Promise<V1Deployment> =>
    apps.patchNamespacedDeployment({ namespace: ns, name: 'js', body }, setHeaderOptions('Content-Type', strategy));
  const smp = await patch({ spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } } }, PatchStrategy.StrategicMergePatch);
  assert.deepEqual(smp.spec?.template.spec?.containers.map((c) => c.name), ['side', 'main']);
  const merge = await patch({ metadata: { labels: { tier: 'fe' } } }, PatchStrategy.MergePatch);
  assert.equal(merge.metadata?.labels?.tier, 'fe');
  const json = await patch([{ op: 'replace', path: '/spec/replicas', value: 5 }], PatchStrategy.JsonPatch);
  assert.equal(json.spec?.replicas, 5);
  const bad = await patch({ spec: { replicas: -1 } }, PatchStrategy.StrategicMergePatch).then(() => undefined, (e: unknown) => e);
  assert.ok(bad instanceof ApiException, `negative replicas: ${String(bad)}`);
  assert.equal(bad.code, 422);
  assert.match(String(bad.body), /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
});

test('python client: typed create, then strategic, merge and JSON patches', async () => {
  const ns = 'python-patch';
  await createNamespace(ns);
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveRun) => {
    const child = spawn(PYTHON, [CREATE_PATCH_SCRIPT, cluster.kubeconfig, ns], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { if (stdout.length < MAX_SCRIPT_OUTPUT_BYTES) stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { if (stderr.length < MAX_SCRIPT_OUTPUT_BYTES) stderr += c.toString(); });
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
  });
  assert.equal(out.code, 0, `${out.stdout}\n${out.stderr}\n${cluster.logs()}`);
  assert.deepEqual(out.stdout.trim().split('\n'), ['CREATED py 2 RollingUpdate', 'STRATEGIC side,main', 'MERGE fe', 'JSONPATCH 5', 'INVALID 422 Invalid']);
});

test('python client: list, then watch until a marker is deleted', async () => {
  const ns = 'python';
  await createNamespace(ns);
  await createConfigMap(ns, 'before-a');
  await createConfigMap(ns, 'before-b');

  const run = runWatchScript(ns, 'marker', 20);
  const watching = await Promise.race([
    until('the script to start watching', { timeoutMs: 15_000, intervalMs: 20 }, () => Promise.resolve(run.lines.includes('WATCHING') ? true : undefined)),
    run.exited,
  ]);
  // Only when it failed: building the message awaits the script's exit.
  if (watching !== true) assert.fail(`the script exited before watching: ${JSON.stringify(await run.exited)}\n${run.lines.join('\n')}\n${cluster.logs()}`);
  assert.deepEqual(ours(run.lines), ['LIST before-a', 'LIST before-b', 'WATCHING']);

  await createConfigMap(ns, 'during');
  const during = await core.readNamespacedConfigMap({ namespace: ns, name: 'during' });
  await core.replaceNamespacedConfigMap({ namespace: ns, name: 'during', body: { ...during, data: { a: '2' } } });
  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'before-a' });
  await createConfigMap(ns, 'marker');
  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'marker' });

  const { code, stderr } = await run.exited;
  if (code !== 0) {
    // What the apiserver serves now, to tell a watch that missed events from a server that lost them.
    const now = await core.listNamespacedConfigMap({ namespace: ns });
    assert.fail(`python watch exit ${code}; a list after the writes shows rv ${now.metadata?.resourceVersion} `
      + `${JSON.stringify(now.items.map((cm) => cm.metadata?.name))} (want during, before-b)\nstdout:\n${run.lines.join('\n')}\nstderr:\n${stderr}\n${cluster.logs()}`);
  }
  assert.deepEqual(ours(run.lines).slice(3), ['ADDED during', 'MODIFIED during', 'DELETED before-a', 'ADDED marker', 'DELETED marker', 'DONE']);
});

test('python client: a watch that sees no marker ends at timeout_seconds', async () => {
  const ns = 'python-timeout';
  await createNamespace(ns);
  const started = Date.now();
  const run = runWatchScript(ns, 'never', 2);
  const { code, stderr } = await run.exited;
  const elapsed = Date.now() - started;
  assert.doesNotMatch(stderr, /Too large resource version/, 'SERVER BUG: a watch from the resourceVersion the list just returned was refused; kube-apiserver catches its watch cache up (progress notify) instead');
  assert.equal(code, 2, `script exit ${code}\nstdout:\n${run.lines.join('\n')}\nstderr:\n${stderr}`);
  assert.equal(stderr, 'watch ended before never was deleted\n');
  assert.deepEqual(ours(run.lines), ['WATCHING']);
  assert.ok(elapsed >= 2_000 && elapsed < 10_000, `the server closed the watch after ${elapsed} ms, want about 2 s`);
});
