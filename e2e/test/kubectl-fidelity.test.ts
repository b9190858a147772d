// kubectl 1.27, 1.30 and 1.33 (the versioned binaries installed beside the
// `kubectl` dispatcher, when the machine has them; otherwise the one kubectl
// there is) against `logbook up`: every `create <kind>` generator (1.32+ sends
// protobuf), client-side apply three times, server-side apply with a conflict
// and --force-conflicts, diff, explain, get -o wide, scale, set image, expose,
// the three patch types, dry-run=server and server-side validation errors.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LogbookUp, runKubectl, installedKubectls, type KubectlResult } from '../src/logbook-up.ts';

let up: LogbookUp;
before(async () => {
  up = await LogbookUp.start();
});
after(async () => {
  await up[Symbol.asyncDispose]();
});

const kubectls = installedKubectls(['1.27', '1.30', '1.33']);

test('the kubectl versions under test', () => {
  // Not a skip: on a machine without the versioned binaries the one kubectl there is runs every case below.
  assert.ok(kubectls.length > 0);
  process.stdout.write(`# kubectl binaries: ${kubectls.map((k) => k.label).join(', ')}\n`);
});

for (const k of kubectls) {
  const ns = `v${k.label.replace(/\D/g, '') || 'x'}`;
  const run = (args: readonly string[], stdin?: string): Promise<KubectlResult> => runKubectl(up.kubeconfig, args, { binary: k.path, ...(stdin !== undefined ? { stdin } : {}) });
  const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `${k.label}: kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${up.logs()}`);
    return r.stdout;
  };
  const fails = async (args: readonly string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin);
    assert.notEqual(r.code, 0, `${k.label}: kubectl ${args.join(' ')} succeeded: ${r.stdout}`);
    return r.stderr;
  };

  test(`${k.label}: every create generator`, async () => {
    assert.equal(await ok(['create', 'namespace', ns]), `namespace/${ns} created\n`);
    const n = ['-n', ns];
    const cases: [string[], string][] = [
      [['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2'], 'deployment.apps/web created'],
      [['create', 'configmap', 'cm', '--from-literal=a=1', '--from-literal=b=2'], 'configmap/cm created'],
      [['create', 'secret', 'generic', 'sec', '--from-literal=user=admin'], 'secret/sec created'],
      [['create', 'job', 'once', '--image=busybox', '--', 'true'], 'job.batch/once created'],
      [['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'true'], 'cronjob.batch/nightly created'],
      [['create', 'role', 'reader', '--verb=get,list', '--resource=pods'], 'role.rbac.authorization.k8s.io/reader created'],
      [['create', 'rolebinding', 'reader', '--role=reader', '--user=alice'], 'rolebinding.rbac.authorization.k8s.io/reader created'],
      [['create', 'serviceaccount', 'robot'], 'serviceaccount/robot created'],
      [['create', 'quota', 'q', '--hard=pods=10,requests.cpu=2'], 'resourcequota/q created'],
      [['create', 'pdb', 'web', '--selector=app=web', '--min-available=1'], 'poddisruptionbudget.policy/web created'],
      [['create', 'service', 'clusterip', 'api', '--tcp=80:8080'], 'service/api created'],
      [['create', 'ingress', 'site', '--rule=example.com/=api:80'], 'ingress.networking.k8s.io/site created'],
    ];
    // The namespace goes first: whatever follows `--` is the container's command.
    for (const [args, out] of cases) assert.equal(await ok([...n, ...args]), `${out}\n`);
    assert.equal(await ok(['create', 'clusterrole', `${ns}-viewer`, '--verb=get', '--resource=nodes']), `clusterrole.rbac.authorization.k8s.io/${ns}-viewer created\n`);
    assert.equal(await ok(['create', 'clusterrolebinding', `${ns}-viewer`, `--clusterrole=${ns}-viewer`, '--group=ops']), `clusterrolebinding.rbac.authorization.k8s.io/${ns}-viewer created\n`);
    assert.equal(await ok(['create', 'priorityclass', `${ns}-high`, '--value=1000']), `priorityclass.scheduling.k8s.io/${ns}-high created\n`);

    // What the protobuf bodies carried arrived intact, with kube's defaults.
    const dep = JSON.parse(await ok(['get', 'deployment', 'web', '-o', 'json', ...n])) as { spec: { replicas: number; selector: unknown; strategy: unknown; template: { spec: { containers: { name: string; image: string }[] } } } };
    assert.equal(dep.spec.replicas, 2);
    assert.deepEqual(dep.spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual(dep.spec.template.spec.containers.map((c) => [c.name, c.image]), [['nginx', 'nginx:1.25']]);
    assert.deepEqual(dep.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    const sec = JSON.parse(await ok(['get', 'secret', 'sec', '-o', 'json', ...n])) as { type: string; data: Record<string, string> };
    assert.deepEqual([sec.type, sec.data], ['Opaque', { user: Buffer.from('admin').toString('base64') }]);
    const pc = JSON.parse(await ok(['get', 'priorityclass', `${ns}-high`, '-o', 'json'])) as { value: number };
    assert.equal(pc.value, 1000);
  });

  test(`${k.label}: tables, wide columns and explain`, async () => {
    const n = ['-n', ns];
    const wide = await ok(['get', 'deployments', '-o', 'wide', ...n]);
    assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(wide, /^web\s+0\/2\s+0\s+0\s+\d+s\s+nginx\s+nginx:1\.25\s+app=web$/m);
    assert.match(await ok(['get', 'configmaps', 'cm', ...n]), /^cm\s+2\s+\d+s$/m);
    assert.match(await ok(['get', 'secrets', 'sec', ...n]), /^sec\s+Opaque\s+1\s+\d+s$/m);
    assert.match(await ok(['get', 'cronjobs', ...n]), /^nightly\s+0 3 \* \* \*\s+/m);
    assert.match(await ok(['get', 'rolebindings', '-o', 'wide', ...n]), /^reader\s+Role\/reader\s+\d+s\s+alice\s*$/m);
    const explain = await ok(['explain', 'deployment.spec.replicas']);
    assert.match(explain, /FIELD:\s+replicas <integer>/);
    assert.match(explain, /Number of desired pods/);
    assert.match(await ok(['explain', 'pods.spec.containers.ports']), /containerPort\s+<integer> -required-/);
  });

  test(`${k.label}: client-side apply thrice, server-side apply, diff`, async () => {
    const n = ['-n', ns];
    const cm = (data: Record<string, string>): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data });
    assert.equal(await ok(['apply', '-f', '-', ...n], cm({ a: '1', b: '2' })), 'configmap/applied created\n');
    const rv1 = (await ok(['get', 'configmap', 'applied', '-o', 'jsonpath={.metadata.resourceVersion}', ...n]));
    assert.equal(await ok(['apply', '-f', '-', ...n], cm({ a: '1', b: '2' })), 'configmap/applied unchanged\n');
    assert.equal(await ok(['get', 'configmap', 'applied', '-o', 'jsonpath={.metadata.resourceVersion}', ...n]), rv1, 'no write for an unchanged apply');
    assert.equal(await ok(['apply', '-f', '-', ...n], cm({ a: '1' })), 'configmap/applied configured\n');
    assert.equal(await ok(['get', 'configmap', 'applied', '-o', 'jsonpath={.data}', ...n]), '{"a":"1"}', 'the key left out of the manifest is pruned');

    // diff: 0 without changes, 1 with; the live object is untouched (server dry run).
    assert.equal((await run(['diff', '-f', '-', ...n], cm({ a: '1' }))).code, 0);
    const d = await run(['diff', '-f', '-', ...n], cm({ a: '9' }));
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /^-\s+a: "1"$/m);
    assert.match(d.stdout, /^\+\s+a: "9"$/m);
    assert.equal(await ok(['get', 'configmap', 'applied', '-o', 'jsonpath={.data.a}', ...n]), '1');

    const sdep = (replicas: number): string => JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa' },
      spec: { replicas, selector: { matchLabels: { app: 'ssa' } }, template: { metadata: { labels: { app: 'ssa' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    assert.equal(await ok(['apply', '--server-side', '-f', '-', ...n], sdep(1)), 'deployment.apps/ssa serverside-applied\n');
    const conflict = await fails(['apply', '--server-side', '--field-manager=other', '-f', '-', ...n], sdep(3));
    assert.match(conflict, /Apply failed with 1 conflict: conflict with "kubectl"( using apps\/v1)?: \.spec\.replicas/);
    assert.equal(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-', ...n], sdep(3)), 'deployment.apps/ssa serverside-applied\n');
    const managed = JSON.parse(await ok(['get', 'deployment', 'ssa', '-o', 'json', '--show-managed-fields', ...n])) as { spec: { replicas: number }; metadata: { managedFields: { manager: string; operation: string }[] } };
    assert.equal(managed.spec.replicas, 3);
    assert.deepEqual(managed.metadata.managedFields.map((m) => `${m.manager}:${m.operation}`).sort(), ['kubectl:Apply', 'other:Apply']);
  });

  test(`${k.label}: scale, set image, expose, patch of all three types, dry run`, async () => {
    const n = ['-n', ns];
    assert.equal(await ok(['scale', 'deployment', 'web', '--replicas=4', ...n]), 'deployment.apps/web scaled\n');
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}', ...n]), '4');
    assert.match(await fails(['scale', 'deployment', 'web', '--replicas=5', '--current-replicas=2', ...n]), /Expected replicas to be 2, was 4/);
    assert.equal(await ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.27', ...n]), 'deployment.apps/web image updated\n');
    assert.equal(await ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080', ...n]), 'service/web exposed\n');
    const svc = JSON.parse(await ok(['get', 'service', 'web', '-o', 'json', ...n])) as { spec: { selector: unknown; ports: { port: number; targetPort: number; protocol: string }[] } };
    assert.deepEqual(svc.spec.selector, { app: 'web' });
    assert.deepEqual(svc.spec.ports.map((p) => [p.port, p.targetPort, p.protocol]), [[80, 8080, 'TCP']]);

    assert.equal(await ok(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}', ...n]), 'deployment.apps/web patched\n');
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[*].name}', ...n]), 'side nginx', 'strategic merge keeps nginx, merged by name');
    assert.equal(await ok(['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"fe"}}}', ...n]), 'deployment.apps/web patched\n');
    assert.equal(await ok(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":1}]', ...n]), 'deployment.apps/web patched\n');
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.labels.tier} {.spec.replicas}', ...n]), 'fe 1');

    assert.equal(await ok(['create', 'configmap', 'dry', '--from-literal=x=y', '--dry-run=server', ...n]), 'configmap/dry created (server dry run)\n');
    assert.match(await fails(['get', 'configmap', 'dry', ...n]), /configmaps "dry" not found/);
  });

  test(`${k.label}: validation errors come from the server, in kube's words`, async () => {
    const n = ['-n', ns];
    const unknown = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, data: { a: '1' }, bogus: true });
    assert.match(await fails(['create', '--validate=strict', '-f', '-', ...n], unknown), /ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"/);
    const warn = await run(['create', '--validate=warn', '-f', '-', ...n], unknown);
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stderr, /unknown field "bogus"/);
    const bad = JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' },
      spec: { replicas: -1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const msg = await fails(['apply', '-f', '-', ...n], bad);
    assert.match(msg, /The Deployment "bad" is invalid/);
    assert.match(msg, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/);
    assert.match(msg, /spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"y"\}: `selector` does not match template `labels`/);
  });
}
