// Records the protobuf bodies real kubectl sends, as golden fixtures:
// a tiny HTTP server answers legacy discovery and stores each POST body.
//   node libs/kube-protobuf/scripts/capture-kubectl.ts <kubectl binary>
// Writes test/fixtures/kubectl-<name>.b64 (one base64 body per file).

import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kubectl = process.argv[2] ?? 'kubectl';
const out = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const R = (name: string, kind: string, namespaced: boolean): object => ({ name, singularName: '', namespaced, kind, verbs: ['create', 'get', 'list', 'delete'] });
const GROUPS: Record<string, object[]> = {
  'v1': [R('namespaces', 'Namespace', false), R('configmaps', 'ConfigMap', true), R('secrets', 'Secret', true), R('services', 'Service', true), R('serviceaccounts', 'ServiceAccount', true), R('resourcequotas', 'ResourceQuota', true), R('pods', 'Pod', true), R('nodes', 'Node', false)],
  'apps/v1': [R('deployments', 'Deployment', true)],
  'batch/v1': [R('jobs', 'Job', true), R('cronjobs', 'CronJob', true)],
  'rbac.authorization.k8s.io/v1': [R('roles', 'Role', true), R('clusterroles', 'ClusterRole', false), R('rolebindings', 'RoleBinding', true), R('clusterrolebindings', 'ClusterRoleBinding', false)],
  'networking.k8s.io/v1': [R('ingresses', 'Ingress', true)],
  'policy/v1': [R('poddisruptionbudgets', 'PodDisruptionBudget', true)],
  'scheduling.k8s.io/v1': [R('priorityclasses', 'PriorityClass', false)],
};
// A holder, not a `let`: the server callback fills it between awaits.
const captured: { body?: Buffer | undefined } = {};
const takeCaptured = (): Buffer | undefined => captured.body;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = (req.url ?? '').split('?')[0] ?? '';
    const json = (code: number, body: object): void => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.method === 'POST') { captured.body = Buffer.concat(chunks); json(201, { kind: 'Status', apiVersion: 'v1', status: 'Success' }); return; }
    if (url === '/api') { json(200, { kind: 'APIVersions', versions: ['v1'] }); return; }
    if (url === '/apis') {
      json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: Object.keys(GROUPS).filter((g) => g !== 'v1').map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: 'v1' }], preferredVersion: { groupVersion: gv, version: 'v1' } })) });
      return;
    }
    const gv = url === '/api/v1' ? 'v1' : url.replace(/^\/apis\//, '');
    const resources = GROUPS[gv];
    if (resources !== undefined) { json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources }); return; }
    json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
  });
});
const COMMANDS: Record<string, string[]> = {
  namespace: ['create', 'namespace', 'x'],
  deployment: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'],
  configmap: ['create', 'configmap', 'cm', '--from-literal=a=1', '--from-literal=empty='],
  secret: ['create', 'secret', 'generic', 's', '--from-literal=password=hunter2', '--from-literal=empty='],
  job: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'],
  cronjob: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'],
  role: ['create', 'role', 'r', '--verb=get,list', '--resource=pods'],
  clusterrole: ['create', 'clusterrole', 'cr', '--aggregation-rule=a=b'],
  rolebinding: ['create', 'rolebinding', 'rb', '--role=r', '--user=alice', '--serviceaccount=default:sa'],
  clusterrolebinding: ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=devs'],
  service: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'],
  serviceaccount: ['create', 'serviceaccount', 'sa'],
  quota: ['create', 'quota', 'q', '--hard=cpu=1,memory=1Gi,pods=0'],
  pdb: ['create', 'pdb', 'p', '--selector=app=x', '--min-available=0'],
  priorityclass: ['create', 'priorityclass', 'pc', '--value=1000', '--description=d'],
  ingress: ['create', 'ingress', 'ing', '--rule=foo.com/bar=svc:8080,tls=sec'],
};
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  void (async () => {
    for (const [name, args] of Object.entries(COMMANDS)) {
      captured.body = undefined;
      await new Promise<void>((resolve) => {
        // execFileSync would block the server this process runs; run kubectl asynchronously.
        import('node:child_process').then(({ execFile }) => {
          execFile(kubectl, ['--server', `http://127.0.0.1:${port}`, '-n', 'default', '--cache-dir', '/tmp/kpb-cache', ...args], (err, stdout, stderr) => {
            if (err !== null) console.error(name, stderr.trim());
            resolve();
          });
        }).catch((e: unknown) => { console.error(e); resolve(); });
      });
      const got = takeCaptured();
      if (got !== undefined) writeFileSync(join(out, `kubectl-${name}.b64`), got.toString('base64') + '\n');
      console.log(name, got?.length ?? 'no body');
    }
    server.close();
  })();
});
