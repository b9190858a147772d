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

  // The header kube-apiserver 1.33's printers give each kind under -o wide, and our object's row under it.
  test(`${k.label}: get -o wide prints kube's columns for every printed kind`, async () => {
    const wns = `${ns}-wide`;
    const n = ['-n', wns];
    await ok(['create', 'namespace', wns]);
    const tpl = (app: string): Record<string, unknown> => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } });
    const sel = (app: string): Record<string, unknown> => ({ matchLabels: { app } });
    const objects: Record<string, unknown>[] = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: sel('d'), template: tpl('d') } },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: sel('rs'), template: tpl('rs') } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'ss' }, spec: { serviceName: 'ss', selector: sel('ss'), template: tpl('ss') } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: sel('ds'), template: tpl('ds') } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'd' }, ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'svc' }, subsets: [{ addresses: [{ ip: '10.1.0.4' }], ports: [{ port: 80 }] }] },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'svc-x', labels: { 'kubernetes.io/service-name': 'svc' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.4'] }], ports: [{ port: 80, protocol: 'TCP' }] },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' }, spec: { rules: [{ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 80 } } } }] } }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec' }, stringData: { a: '1' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } },
      { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev' }, involvedObject: { kind: 'Pod', name: 'p', namespace: wns }, reason: 'Tested', message: 'hello', type: 'Normal', count: 1, source: { component: 'e2e' }, firstTimestamp: '2026-11-21T10:00:00Z', lastTimestamp: '2026-11-21T10:00:00Z' },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'pvc' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }] },
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hpa' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, minReplicas: 1, maxReplicas: 3 } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb' }, spec: { minAvailable: 1, selector: sel('d') } },
    ];
    const clusterObjects: Record<string, unknown>[] = [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: `${wns}-node` } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `${wns}-pv` }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv' } } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: `${wns}-sc` }, provisioner: 'example.com/p' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${wns}-cr` }, rules: [] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${wns}-crb` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${wns}-cr` }, subjects: [{ kind: 'Group', name: 'ops', apiGroup: 'rbac.authorization.k8s.io' }] },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: `${wns}-pc` }, value: 10 },
    ];
    await ok(['create', '-f', '-', ...n], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    await ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: clusterObjects }));
    const cases: [resource: string, name: string, header: string[], namespaced: boolean][] = [
      ['pods', 'p', ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'], true],
      ['deployments', 'd', ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], true],
      ['replicasets', 'rs', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], true],
      ['statefulsets', 'ss', ['NAME', 'READY', 'AGE', 'CONTAINERS', 'IMAGES'], true],
      ['daemonsets', 'ds', ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], true],
      ['jobs', 'j', ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], true],
      ['cronjobs', 'cj', ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'], true],
      ['services', 'svc', ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR'], true],
      ['endpoints', 'svc', ['NAME', 'ENDPOINTS', 'AGE'], true],
      ['endpointslices', 'svc-x', ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'], true],
      ['ingresses', 'ing', ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'], true],
      ['configmaps', 'cm', ['NAME', 'DATA', 'AGE'], true],
      ['secrets', 'sec', ['NAME', 'TYPE', 'DATA', 'AGE'], true],
      ['serviceaccounts', 'sa', ['NAME', 'SECRETS', 'AGE'], true],
      ['persistentvolumeclaims', 'pvc', ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE', 'VOLUMEMODE'], true],
      ['roles', 'r', ['NAME', 'CREATED AT'], true],
      ['rolebindings', 'rb', ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS'], true],
      ['leases', 'l', ['NAME', 'HOLDER', 'AGE'], true],
      ['horizontalpodautoscalers', 'hpa', ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'], true],
      ['poddisruptionbudgets', 'pdb', ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'], true],
      ['namespaces', wns, ['NAME', 'STATUS', 'AGE'], false],
      ['nodes', `${wns}-node`, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'], false],
      ['persistentvolumes', `${wns}-pv`, ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE', 'VOLUMEMODE'], false],
      ['storageclasses', `${wns}-sc`, ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'], false],
      ['clusterroles', `${wns}-cr`, ['NAME', 'CREATED AT'], false],
      ['clusterrolebindings', `${wns}-crb`, ['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS'], false],
      ['priorityclasses', `${wns}-pc`, ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'], false],
    ];
    for (const [resource, name, header, namespaced] of cases) {
      const out = await ok(['get', resource, name, '-o', 'wide', ...(namespaced ? n : [])]);
      const [head, row] = out.split('\n');
      assert.deepEqual(head!.trim().split(/\s{2,}/), header, `${k.label}: ${resource} -o wide header\n${out}`);
      assert.ok(row!.startsWith(`${name} `), `${k.label}: ${resource} row\n${out}`);
    }
    const events = await ok(['get', 'events', '-o', 'wide', ...n]);
    assert.deepEqual(events.split('\n')[0]!.trim().split(/\s{2,}/), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'], events);
    assert.match(events, /\sNormal\s+Tested\s+pod\/p\s+e2e\s+hello\s/);
  });
}

// kubectl 1.27 fetches /openapi/v2 as gnostic protobuf before apply, create -f,
// diff and explain. `explain --output=plaintext-openapiv2` reads nothing but
// that document, so it shows kubectl decoded the real schemas; apply then takes
// the strategic-merge metadata for its patch from the same models.
// Not a skip: without kubectl.1.27 the kubectl there is runs it (explain
// --output=plaintext-openapiv2 reads the v2 document in every version).
const kubectl127 = installedKubectls(['1.27'])[0];
test('kubectl 1.27 reads the v2 protobuf document: explain, strict create, apply merging containers by name', async () => {
  assert.ok(kubectl127, 'some kubectl is installed');
  process.stdout.write(`# v2 protobuf case runs kubectl ${kubectl127.label}\n`);
  const binary = kubectl127.path;
  const run = (args: readonly string[], stdin?: string): Promise<KubectlResult> => runKubectl(up.kubeconfig, args, { binary, ...(stdin !== undefined ? { stdin } : {}) });
  const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${up.logs()}`);
    return r.stdout;
  };
  const ns = 'openapi-v2';
  assert.equal(await ok(['create', 'namespace', ns]), `namespace/${ns} created\n`);
  const n = ['-n', ns];

  const explain = await ok(['explain', 'deployment.spec.replicas', '--output=plaintext-openapiv2']);
  assert.match(explain, /^KIND:\s+Deployment$/m);
  assert.match(explain, /^VERSION:\s+apps\/v1$/m);
  assert.match(explain, /FIELD:\s+replicas <integer>/);
  assert.match(explain, /Number of desired pods/);
  assert.match(await ok(['explain', 'pods.spec.containers.ports', '--output=plaintext-openapiv2']), /containerPort\s+<integer> -required-/);

  const deployment = (image: string, extra: Record<string, unknown> = {}): string => JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'merged' },
    spec: { selector: { matchLabels: { app: 'merged' } }, template: { metadata: { labels: { app: 'merged' } }, spec: { containers: [{ name: 'c', image, ...extra }] } } },
  });
  // kubectl 1.27 sees fieldValidation on PATCH and leaves strict checking to the server.
  const strict = await run(['create', '--validate=strict', '-f', '-', ...n], deployment('nginx:1.25', { bogus: 1 }));
  assert.notEqual(strict.code, 0, strict.stdout);
  assert.match(strict.stderr, /Error from server \(BadRequest\): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.bogus"/);

  assert.equal(await ok(['apply', '-f', '-', ...n], deployment('nginx:1.25')), 'deployment.apps/merged created\n');
  // A container added outside the manifest survives the next apply only if the patch merges containers by name.
  assert.equal(await ok(['patch', 'deployment', 'merged', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}', ...n]), 'deployment.apps/merged patched\n');
  assert.equal(await ok(['apply', '-f', '-', ...n], deployment('nginx:1.26')), 'deployment.apps/merged configured\n');
  const containers = await ok(['get', 'deployment', 'merged', '-o', 'jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}', ...n]);
  assert.deepEqual(containers.trim().split(' ').sort(), ['c=nginx:1.26', 'side=busybox']);
});

// Pod lifecycle without a kubelet: an unscheduled pod goes at once; a pod bound
// with a raw POST to pods/binding is placed on its node, terminates gracefully
// on delete and goes with --force; an eviction under an unprocessed PDB is 429.
test('pod lifecycle: immediate delete, binding, graceful and forced delete, eviction refused by a PDB', async () => {
  const binary = kubectls[kubectls.length - 1]!.path;
  const run = (args: readonly string[], stdin?: string): Promise<KubectlResult> => runKubectl(up.kubeconfig, args, { binary, ...(stdin !== undefined ? { stdin } : {}) });
  const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${up.logs()}`);
    return r.stdout;
  };
  const ns = 'pod-lifecycle';
  const n = ['-n', ns];
  const bind = (pod: string, node: string): Promise<string> =>
    ok(['create', '--raw', `/api/v1/namespaces/${ns}/pods/${pod}/binding`, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: pod }, target: { kind: 'Node', name: node } }));
  await ok(['create', 'namespace', ns]);

  await ok(['run', 'loose', '--image=nginx', ...n]);
  assert.equal(await ok(['delete', 'pod', 'loose', ...n]), 'pod "loose" deleted\n');
  assert.match((await run(['get', 'pod', 'loose', ...n])).stderr, /NotFound|not found/);

  await ok(['run', 'placed', '--image=nginx', ...n]);
  await bind('placed', 'node-1');
  assert.match(await ok(['get', 'pods', 'placed', '-o', 'wide', ...n]), /^placed\s.*\snode-1\s/m);
  assert.equal(await ok(['delete', 'pod', 'placed', '--wait=false', ...n]), 'pod "placed" deleted\n');
  assert.match(await ok(['get', 'pod', 'placed', '-o', 'jsonpath={.metadata.deletionTimestamp} {.metadata.deletionGracePeriodSeconds}', ...n]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 30$/);
  assert.match(await ok(['get', 'pod', 'placed', ...n]), /^placed\s+\S+\s+Terminating\s/m);
  const forced = await run(['delete', 'pod', 'placed', '--grace-period=0', '--force', ...n]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match((await run(['get', 'pod', 'placed', ...n])).stderr, /NotFound|not found/);

  await ok(['create', 'pdb', 'guard', '--selector=app=guarded', '--min-available=1', ...n]);
  await ok(['run', 'guarded', '--image=nginx', '--labels=app=guarded', ...n]);
  await bind('guarded', 'node-1');
  await ok(['patch', 'pod', 'guarded', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running"}}', ...n]);
  const evicted = await run(['create', '--raw', `/api/v1/namespaces/${ns}/pods/guarded/eviction`, '-f', '-'],
    JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'guarded', namespace: ns } }));
  assert.notEqual(evicted.code, 0, evicted.stdout);
  assert.match(evicted.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
  assert.match(await ok(['get', 'pod', 'guarded', '-o', 'jsonpath={.status.phase}', ...n]), /^Running$/);
});
