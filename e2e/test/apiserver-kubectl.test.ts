// `logbook apiserver` with its production flags, driven by the real kubectl,
// over Logbook's replicated store and over real etcd: the same commands must
// print the same things on both. (--validate=false: no OpenAPI yet; objects
// come from JSON manifests because kubectl 1.32+'s generators send protobuf.)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiserverCluster } from '../src/apiserver-cluster.ts';
import type { KubectlResult } from '../src/logbook-up.ts';
import type { StoreImpl } from '../src/store-impls.ts';
import { sleep } from '../src/until.ts';

const CASES: readonly { readonly impl: StoreImpl; readonly storeMembers: 1 | 3 }[] = [
  { impl: 'logbook', storeMembers: 3 },
  { impl: 'etcd', storeMembers: 1 },
];

const configMap = (name: string, labels: Record<string, string> = {}): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } });

const deployment = (name: string): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });

/** kubectl get's table rows without the header, first column only. */
const names = (table: string): string[] => table.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]!).filter((n) => n !== '');
/** The test's own config maps: the control plane publishes kube-root-ca.crt into every namespace, as kube-controller-manager does. */
const cms = (table: string): string[] => names(table).filter((n) => n !== 'kube-root-ca.crt');

interface Meta {
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly generation?: number;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

for (const c of CASES) {
  describe(`kubectl against logbook apiserver over ${c.impl} (${c.storeMembers} store member(s))`, () => {
    test('create, read, watch, label, page, select, replace and delete', async () => {
      await using cluster = await ApiserverCluster.start(c);
      const run = (args: readonly string[], stdin?: string, timeoutMs?: number): Promise<KubectlResult> =>
        cluster.kubectl(args, { ...(stdin !== undefined ? { stdin } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
        const r = await run(args, stdin);
        assert.equal(r.code, 0, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${cluster.logs()}`);
        return r.stdout;
      };
      const create = (manifest: string): Promise<string> => ok(['create', '-f', '-', '--validate=false'], manifest);
      const metaOf = async (kind: string, name: string): Promise<Meta> =>
        (JSON.parse(await ok(['get', kind, name, '-o', 'json'])) as { metadata: Meta }).metadata;

      // create -f with JSON manifests, a core and a grouped kind.
      assert.equal(await create(configMap('settings', { tier: 'fe' })), 'configmap/settings created\n');
      assert.equal(await create(deployment('web')), 'deployment.apps/web created\n');
      assert.deepEqual(cms(await ok(['get', 'configmaps'])), ['settings']);
      assert.deepEqual(names(await ok(['get', 'deployments'])), ['web']);

      const cm = await metaOf('configmap', 'settings');
      assert.match(cm.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(cm.resourceVersion, /^[1-9]\d*$/);
      const deploy = await metaOf('deployment.apps', 'web');
      assert.equal(deploy.generation, 1, 'a new deployment is at generation 1');
      assert.notEqual(deploy.uid, cm.uid);
      assert.ok(BigInt(deploy.resourceVersion) > BigInt(cm.resourceVersion), `deployment rv ${deploy.resourceVersion} after configmap rv ${cm.resourceVersion}`);
      assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.27');

      // get -w sees the changes made while it runs; the timeout ends it.
      const watch = run(['get', 'configmaps', '-w', '--output-watch-events', '--field-selector', 'metadata.name!=kube-root-ca.crt'], undefined, 8_000);
      await sleep(1_500);
      await create(configMap('watched'));
      assert.equal(await ok(['label', 'configmap', 'watched', 'x=y']), 'configmap/watched labeled\n');
      assert.equal(await ok(['delete', 'configmap', 'watched']), 'configmap "watched" deleted\n');
      const w = await watch;
      const rows = w.stdout.trim().split('\n');
      // Without Table responses (not served yet) kubectl prints NAME and AGE only, hence no DATA column.
      assert.match(rows[0] ?? '', /^EVENT\s+NAME\s/, w.stdout + w.stderr);
      assert.deepEqual(
        rows.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' ')),
        ['ADDED settings', 'ADDED watched', 'MODIFIED watched', 'DELETED watched'],
        `get -w output:\n${w.stdout}${w.stderr}`,
      );

      // label and annotate; a label change keeps the uid and moves the resourceVersion.
      assert.equal(await ok(['label', 'configmap', 'settings', 'tier=be', '--overwrite']), 'configmap/settings labeled\n');
      assert.equal(await ok(['annotate', 'configmap', 'settings', 'owner=team-a']), 'configmap/settings annotated\n');
      const labelled = await metaOf('configmap', 'settings');
      assert.equal(labelled.uid, cm.uid);
      assert.deepEqual(labelled.labels, { tier: 'be' });
      assert.deepEqual(labelled.annotations, { owner: 'team-a' });
      assert.ok(BigInt(labelled.resourceVersion) > BigInt(cm.resourceVersion));
      const noOverwrite = await run(['label', 'configmap', 'settings', 'tier=fe']);
      assert.equal(noOverwrite.code, 1);
      assert.equal(noOverwrite.stderr, "error: 'tier' already has a value (be), and --overwrite is false\n");

      // five more objects, read back in pages of two, then selected.
      for (const [i, n] of ['p1', 'p2', 'p3', 'p4', 'p5'].entries()) await create(configMap(n, { batch: 'b', parity: i % 2 === 0 ? 'odd' : 'even' }));
      assert.deepEqual(cms(await ok(['get', 'configmaps', '--chunk-size=2'])), ['p1', 'p2', 'p3', 'p4', 'p5', 'settings']);
      assert.deepEqual(names(await ok(['get', 'configmaps', '-l', 'batch=b', '--chunk-size=2'])), ['p1', 'p2', 'p3', 'p4', 'p5']);
      assert.equal(await ok(['get', 'configmaps', '-l', 'batch=b', '--chunk-size=2', '-o', 'name']), 'configmap/p1\nconfigmap/p2\nconfigmap/p3\nconfigmap/p4\nconfigmap/p5\n');
      assert.deepEqual(names(await ok(['get', 'configmaps', '-l', 'parity=odd'])), ['p1', 'p3', 'p5']);
      assert.deepEqual(names(await ok(['get', 'configmaps', '-l', 'batch=b,parity!=odd'])), ['p2', 'p4']);
      assert.deepEqual(cms(await ok(['get', 'configmaps', '-l', '!batch'])), ['settings']);
      assert.deepEqual(names(await ok(['get', 'configmaps', '--field-selector', 'metadata.name!=p1', '-l', 'parity=odd'])), ['p3', 'p5']);
      assert.equal((await run(['get', 'configmaps', '-l', 'batch=none'])).stderr, 'No resources found in default namespace.\n');

      // replace with the resourceVersion read before someone else's write.
      const stale = JSON.parse(await ok(['get', 'configmap', 'p1', '-o', 'json'])) as { metadata: Meta; data: Record<string, string> };
      assert.equal(await ok(['annotate', 'configmap', 'p1', 'touched=yes']), 'configmap/p1 annotated\n');
      const conflict = await run(['replace', '-f', '-', '--validate=false'], JSON.stringify({ ...stale, data: { a: 'stale' } }));
      assert.equal(conflict.code, 1, conflict.stdout);
      assert.equal(
        conflict.stderr,
        'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "p1": '
          + 'the object has been modified; please apply your changes to the latest version and try again\n',
        cluster.logs(),
      );
      const fresh = JSON.parse(await ok(['get', 'configmap', 'p1', '-o', 'json'])) as { metadata: Meta; data: Record<string, string> };
      assert.deepEqual(fresh.data, { a: '1' }, 'the conflicting replace stored nothing');
      assert.equal(await ok(['replace', '-f', '-', '--validate=false'], JSON.stringify({ ...fresh, data: { a: 'fresh' } })), 'configmap/p1 replaced\n');
      assert.equal(await ok(['get', 'configmap', 'p1', '-o', 'jsonpath={.data.a}']), 'fresh');

      // delete by name, by selector, and the deployment.
      assert.equal(await ok(['delete', 'configmap', 'p1']), 'configmap "p1" deleted\n');
      assert.equal(await ok(['delete', 'configmaps', '-l', 'parity=even']), 'configmap "p2" deleted\nconfigmap "p4" deleted\n');
      assert.equal(await ok(['delete', 'deployment', 'web']), 'deployment.apps "web" deleted\n');
      assert.deepEqual(cms(await ok(['get', 'configmaps'])), ['p3', 'p5', 'settings']);
      assert.equal((await run(['get', 'deployment', 'web'])).stderr, 'Error from server (NotFound): deployments.apps "web" not found\n');
      assert.equal((await run(['get', 'deployments'])).stderr, 'No resources found in default namespace.\n');
    });
  });
}
