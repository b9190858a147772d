// Table and PartialObjectMetadata responses through serveResource over a real
// registry (MemoryStorage): negotiation (v1, v1beta1, fall-through, 406),
// includeObject, GET / LIST / WATCH as kubectl asks for them.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseRequestInfo, statusFromUnknown, type ResourceRequestInfo } from '@logbook/apimachinery';
import { MemoryStorage } from '@logbook/apistorage';
import { Registry } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import { serveResource, writeStatus } from '../src/index.ts';
import { negotiateOutput } from '../src/table-negotiate.ts';
import { withServer } from './helpers.ts';

const CREATED_MS = Date.parse('2025-01-01T00:00:00Z');
const NOW_MS = CREATED_MS + 5 * 60_000;
const KUBECTL = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

let registry: Registry;

before(async () => {
  let n = 0;
  registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => new MemoryStorage(),
    env: { now: () => CREATED_MS, uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, randomInt: () => 0 },
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  const cms = registry.lookup('', 'v1', 'configmaps')!;
  for (const name of ['a', 'b', 'c']) await cms.create({ namespace: 'default' }, { metadata: { name, labels: { app: name } }, data: { k: 'v' } });
});

after(() => undefined);

interface Reply { readonly code: number; readonly type: string; readonly body: string }

async function call(path: string, accept: string | undefined, opts: { abortAfterMs?: number } = {}): Promise<Reply> {
  return withServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams) as ResourceRequestInfo;
    const ac = new AbortController();
    if (opts.abortAfterMs !== undefined) setTimeout(() => ac.abort(), opts.abortAfterMs);
    try {
      await serveResource(
        { registry, minRequestTimeoutSeconds: 1800, random: () => 0, maxBodyBytes: 1 << 20, now: () => NOW_MS },
        { req, res, info, query: url.searchParams, caller: { user: 'admin', groups: ['system:masters'], auditId: 'a' }, signal: ac.signal },
      );
    } catch (err: unknown) {
      writeStatus(res, statusFromUnknown(err));
    }
  }, async (base) => {
    const r = await fetch(base + path, { headers: accept === undefined ? {} : { Accept: accept } });
    return { code: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
  });
}

const json = (r: Reply): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;

describe('negotiateOutput', () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, 'object json'],
    [KUBECTL, 'Table json v1'],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'Table json v1beta1'],
    ['application/yaml;as=Table;v=v1;g=meta.k8s.io', 'Table yaml v1'],
    ['application/json;as=Table;v=v2;g=meta.k8s.io,application/json', 'object json'],
    ['application/json;as=Table;v=v1;g=example.com,application/yaml', 'object yaml'],
    ['application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json', 'object json'],
    ['application/json;as=Table;v=v2;g=meta.k8s.io', undefined],
    ['application/json;as=Scale;v=v1;g=meta.k8s.io', undefined],
    ['application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json', 'PartialObjectMetadataList json v1'],
    ['application/json;as=PartialObjectMetadata;v=v1beta1;g=meta.k8s.io', 'PartialObjectMetadata json v1beta1'],
    ['application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io', 'Table json v1'],
  ];
  for (const [accept, want] of cases) {
    it(`${accept ?? '(none)'} -> ${want ?? '406'}`, () => {
      const got = negotiateOutput(accept);
      assert.equal(got === undefined ? undefined : [got.kind, got.format, ...('version' in got ? [got.version] : [])].join(' '), want);
    });
  }
});

describe('Table responses', () => {
  it('LIST with kubectl\'s Accept is a v1 Table with the list metadata and PartialObjectMetadata rows', async () => {
    const r = await call('/api/v1/namespaces/default/configmaps?limit=2', KUBECTL);
    assert.equal(r.code, 200, r.body);
    assert.match(r.type, /^application\/json/);
    const t = json(r);
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    const meta = t.metadata as { resourceVersion: string; continue?: string; remainingItemCount?: number };
    assert.match(meta.resourceVersion, /^\d+$/);
    assert.equal(typeof meta.continue, 'string');
    assert.equal(meta.remainingItemCount, 1);
    assert.deepEqual((t.columnDefinitions as { name: string }[]).map((c) => c.name), ['Name', 'Data', 'Age']);
    const rows = t.rows as { cells: unknown[]; object: { kind: string; apiVersion: string; metadata: { name: string; labels: object } } }[];
    assert.deepEqual(rows.map((x) => x.cells), [['a', 1, '5m'], ['b', 1, '5m']]);
    assert.equal(rows[0]?.object.kind, 'PartialObjectMetadata');
    assert.equal(rows[0]?.object.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(rows[0]?.object.metadata.labels, { app: 'a' });
  });

  it('GET of one object is a one-row Table carrying the object\'s resourceVersion', async () => {
    const r = await call('/api/v1/namespaces/default/configmaps/b', KUBECTL);
    assert.equal(r.code, 200, r.body);
    const t = json(r);
    const rows = t.rows as { cells: unknown[] }[];
    assert.deepEqual(rows.map((x) => x.cells), [['b', 1, '5m']]);
    assert.match((t.metadata as { resourceVersion: string }).resourceVersion, /^\d+$/);
  });

  it('v1beta1 when that is the first acceptable', async () => {
    const t = json(await call('/api/v1/namespaces/default/configmaps/a', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io'));
    assert.equal(t.apiVersion, 'meta.k8s.io/v1beta1');
    assert.equal((t.rows as { object: { apiVersion: string } }[])[0]?.object.apiVersion, 'meta.k8s.io/v1beta1');
  });

  it('an unknown Table version falls through to plain JSON; with nothing else acceptable it is 406', async () => {
    const plain = json(await call('/api/v1/namespaces/default/configmaps/a', 'application/json;as=Table;v=v9;g=meta.k8s.io,application/json'));
    assert.equal(plain.kind, 'ConfigMap');
    const refused = await call('/api/v1/namespaces/default/configmaps/a', 'application/json;as=Table;v=v9;g=meta.k8s.io');
    assert.equal(refused.code, 406);
    assert.equal(json(refused).reason, 'NotAcceptable');
  });

  it('includeObject: None omits row objects, Object embeds them, anything else is 400', async () => {
    const none = json(await call('/api/v1/namespaces/default/configmaps?includeObject=None', KUBECTL));
    assert.equal((none.rows as object[]).every((row) => !('object' in row)), true);
    const full = json(await call('/api/v1/namespaces/default/configmaps?includeObject=Object', KUBECTL));
    assert.deepEqual((full.rows as { object: { kind: string; data: object } }[])[0]?.object.data, { k: 'v' });
    const bad = await call('/api/v1/namespaces/default/configmaps?includeObject=All', KUBECTL);
    assert.equal(bad.code, 400);
    assert.equal(json(bad).message, 'Unable to convert to Table as requested: includeObject: Invalid value: "All": must be \'Metadata\', \'Object\', \'None\', or empty');
    assert.equal((await call('/api/v1/namespaces/default/configmaps?includeObject=All', 'application/json')).code, 200, 'ignored without a Table');
  });

  it('YAML Tables', async () => {
    const r = await call('/api/v1/namespaces/default/configmaps/a', 'application/yaml;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(r.code, 200);
    assert.match(r.type, /^application\/yaml/);
    assert.match(r.body, /^kind: Table$/m);
  });

  it('a WATCH sends one-row Tables; only the first carries columnDefinitions', async () => {
    const list = json(await call('/api/v1/namespaces/default/configmaps', 'application/json'));
    const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
    const watching = call(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`, KUBECTL);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const cms = registry.lookup('', 'v1', 'configmaps')!;
    await cms.create({ namespace: 'default' }, { metadata: { name: 'w1' } });
    await cms.create({ namespace: 'default' }, { metadata: { name: 'w2' }, data: { a: '1', b: '2' } });
    const r = await watching;
    assert.equal(r.code, 200);
    const events = r.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { kind: string; columnDefinitions: unknown; rows: { cells: unknown[] }[] } })
      .filter((e) => e.type !== 'BOOKMARK');
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.kind}`), ['ADDED Table', 'ADDED Table']);
    assert.deepEqual(events.map((e) => e.object.rows.map((x) => x.cells)), [[['w1', 0, '5m']], [['w2', 2, '5m']]]);
    assert.ok(Array.isArray(events[0]?.object.columnDefinitions));
    assert.equal(events[1]?.object.columnDefinitions, null);
  });
});

describe('PartialObjectMetadata responses', () => {
  it('GET as PartialObjectMetadata; LIST as PartialObjectMetadataList', async () => {
    const one = json(await call('/api/v1/namespaces/default/configmaps/a', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io'));
    assert.equal(one.kind, 'PartialObjectMetadata');
    assert.equal((one.metadata as { name: string }).name, 'a');
    assert.equal('data' in one, false);
    const list = json(await call('/api/v1/namespaces/default/configmaps', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json'));
    assert.equal(list.kind, 'PartialObjectMetadataList');
    assert.equal(list.apiVersion, 'meta.k8s.io/v1');
    const items = list.items as { kind: string; metadata: { name: string } }[];
    assert.ok(items.length >= 3);
    assert.equal(items[0]?.kind, 'PartialObjectMetadata');
    assert.match((list.metadata as { resourceVersion: string }).resourceVersion, /^\d+$/);
  });

  it('the list form for one object, or the object form for a list, is 406', async () => {
    assert.equal((await call('/api/v1/namespaces/default/configmaps/a', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io')).code, 406);
    assert.equal((await call('/api/v1/namespaces/default/configmaps', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io')).code, 406);
  });
});
