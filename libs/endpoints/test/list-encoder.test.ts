import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gone, StatusError } from '@logbook/apimachinery';
import { ListStreamError, writeList, writeListJson, writeListYaml } from '../src/index.ts';
import { withServer } from './helpers.ts';

async function* gen(n: number, failAt = -1): AsyncGenerator<object> {
  for (let i = 0; i < n; i++) {
    await Promise.resolve();
    if (i === failAt) throw gone('compacted');
    yield { metadata: { name: `p${i}`, note: 'é' } };
  }
}

describe('writeListJson', () => {
  it('streams items, then metadata known only afterwards', async () => {
    let read = 0;
    const items = (async function* () { for await (const x of gen(3)) { read++; yield x; } })();
    await withServer(async (_req, res) => {
      await writeListJson(res, { kind: 'PodList', apiVersion: 'v1' }, items, () => ({ resourceVersion: String(read), continue: '' }));
    }, async (base) => {
      const r = await fetch(base);
      assert.equal(r.headers.get('content-type'), 'application/json');
      const text = await r.text();
      assert.ok(text.startsWith('{"kind":"PodList","apiVersion":"v1","items":['));
      assert.deepEqual(JSON.parse(text), { kind: 'PodList', apiVersion: 'v1', items: [0, 1, 2].map((i) => ({ metadata: { name: `p${i}`, note: 'é' } })), metadata: { resourceVersion: '3', continue: '' } });
    });
  });

  it('an empty list', async () => {
    await withServer(async (_req, res) => {
      assert.equal(await writeListJson(res, { kind: 'PodList', apiVersion: 'v1' }, gen(0), () => ({ resourceVersion: '7' })), 0);
    }, async (base) => {
      assert.deepEqual(await (await fetch(base)).json(), { kind: 'PodList', apiVersion: 'v1', items: [], metadata: { resourceVersion: '7' } });
    });
  });

  it('a failure before the first item propagates unchanged, nothing written', async () => {
    await withServer(async (_req, res) => {
      await assert.rejects(writeListJson(res, { kind: 'PodList', apiVersion: 'v1' }, gen(3, 0), () => ({})), (e: unknown) => e instanceof StatusError && e.code === 410);
      assert.equal(res.headersSent, false);
      res.statusCode = 410;
      res.end();
    }, async (base) => {
      assert.equal((await fetch(base)).status, 410);
    });
  });

  it('a failure mid-stream breaks the body instead of sending a short list', async () => {
    let rejected: unknown;
    await withServer(async (_req, res) => {
      try {
        await writeListJson(res, { kind: 'PodList', apiVersion: 'v1' }, gen(5, 2), () => ({}));
      } catch (err: unknown) {
        rejected = err;
      }
    }, async (base) => {
      // Either the response never completes or its body breaks: never a valid short list.
      await assert.rejects(async () => (await fetch(base)).text());
    });
    assert.ok(rejected instanceof ListStreamError);
    assert.ok((rejected as Error).cause instanceof StatusError);
  });

  it('large lists respect backpressure and arrive whole', async () => {
    const n = 2000;
    const big = 'z'.repeat(2000);
    const items = (async function* () { for (let i = 0; i < n; i++) { await Promise.resolve(); yield { i, big }; } })();
    await withServer(async (_req, res) => {
      await writeList(res, { kind: 'ConfigMapList', apiVersion: 'v1' }, { items, meta: () => ({ resourceVersion: '1' }) }, 'json');
    }, async (base) => {
      const list = (await (await fetch(base)).json()) as { items: { i: number }[] };
      assert.equal(list.items.length, n);
      assert.equal(list.items[n - 1]?.i, n - 1);
    });
  });
});

describe('writeListYaml', () => {
  it('writes the whole list as YAML', async () => {
    await withServer(async (_req, res) => {
      await writeListYaml(res, { kind: 'PodList', apiVersion: 'v1' }, gen(1), () => ({ resourceVersion: '2' }));
    }, async (base) => {
      const r = await fetch(base);
      assert.equal(r.headers.get('content-type'), 'application/yaml');
      assert.equal(await r.text(), 'apiVersion: v1\nitems:\n- metadata:\n    name: p0\n    note: é\nkind: PodList\nmetadata:\n  resourceVersion: "2"\n');
    });
  });

  it('refuses more than maxItems with 406 before writing', async () => {
    await withServer(async (_req, res) => {
      await assert.rejects(writeListYaml(res, { kind: 'PodList', apiVersion: 'v1' }, gen(5), () => ({}), 4), (e: unknown) => e instanceof StatusError && e.code === 406);
      assert.equal(res.headersSent, false);
      res.end();
    }, async (base) => { await (await fetch(base)).text(); });
  });
});
