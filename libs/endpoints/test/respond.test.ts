import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflict, notFound, successStatus, tooManyRequests } from '@logbook/apimachinery';
import { formatWarningHeaders, negotiateResponse, parseWarningHeaderValue, warningHeaderValue, wantsPretty, writeObject, writeStatus, writeWarnings } from '../src/index.ts';
import { withServer } from './helpers.ts';

describe('negotiateResponse', () => {
  const cases: [string | undefined, 'json' | 'yaml' | undefined][] = [
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/*', 'json'],
    ['application/json', 'json'],
    ['application/json, */*', 'json'],
    ['application/json, */*;q=0.8', 'json'],
    ['application/yaml', 'yaml'],
    ['APPLICATION/YAML; charset=utf-8', 'yaml'],
    ['application/yaml;q=0.5, application/json', 'json'],
    ['application/json;q=0.2, application/yaml;q=0.9', 'yaml'],
    ['*/*;q=0.1, application/yaml', 'yaml'],
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'json'],
    ['application/json;as=Table;v=v1;g=meta.k8s.io', undefined],
    ['application/vnd.kubernetes.protobuf,application/json', 'json'],
    ['application/vnd.kubernetes.protobuf', undefined],
    ['text/html', undefined],
    ['application/json;q=0', undefined],
    ['garbage', undefined],
    ['garbage, application/yaml', 'yaml'],
  ];
  for (const [accept, want] of cases) {
    it(`${JSON.stringify(accept)} -> ${want}`, () => assert.equal(negotiateResponse(accept), want));
  }
});

describe('wantsPretty', () => {
  it('follows ?pretty, then the user agent', () => {
    assert.equal(wantsPretty(new URLSearchParams('pretty=true'), 'kubectl'), true);
    assert.equal(wantsPretty(new URLSearchParams('pretty=false'), 'curl/8.0'), false);
    assert.equal(wantsPretty(new URLSearchParams(''), 'curl/8.0'), true);
    assert.equal(wantsPretty(new URLSearchParams(''), 'kubectl.1.33/v1.33.1'), false);
  });
});

describe('writeStatus / writeObject over HTTP', () => {
  it('writes a StatusError with its code, JSON body and trailing newline', async () => {
    const err = notFound({ group: 'apps', resource: 'deployments' }, 'web');
    await withServer((_req, res) => writeStatus(res, err), async (base) => {
      const r = await fetch(base);
      assert.equal(r.status, 404);
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.equal(r.headers.get('retry-after'), null);
      const text = await r.text();
      assert.ok(text.endsWith('}\n'));
      assert.deepEqual(JSON.parse(text), err.status);
    });
  });

  it('sets Retry-After from details.retryAfterSeconds', async () => {
    await withServer((_req, res) => writeStatus(res, tooManyRequests('slow down', 7)), async (base) => {
      const r = await fetch(base);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '7');
      assert.equal(((await r.json()) as { reason: string }).reason, 'TooManyRequests');
    });
  });

  it('writes a Success status (no code) as 200', async () => {
    const s = successStatus({ name: 'web', group: 'apps', kind: 'deployments', uid: 'u1' });
    await withServer((_req, res) => writeStatus(res, s), async (base) => {
      const r = await fetch(base);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), s);
    });
  });

  it('writes YAML with sorted keys and unindented sequences', async () => {
    const obj = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' }, data: { on: 'yes' }, items: ['a'] };
    await withServer((_req, res) => writeObject(res, 201, obj, 'yaml'), async (base) => {
      const r = await fetch(base);
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('content-type'), 'application/yaml');
      assert.equal(await r.text(), 'apiVersion: v1\ndata:\n  "on": "yes"\nitems:\n- a\nkind: ConfigMap\nmetadata:\n  name: x\n');
    });
  });

  it('pretty JSON is indented and has no trailing newline', async () => {
    await withServer((_req, res) => writeObject(res, 200, { a: 1 }, 'json', { pretty: true }), async (base) => {
      assert.equal(await (await fetch(base)).text(), '{\n  "a": 1\n}');
    });
  });

  it('refuses to write after headers were sent', async () => {
    await withServer((_req, res) => {
      res.flushHeaders();
      assert.throws(() => writeObject(res, 200, {}), /already started/);
      assert.throws(() => writeStatus(res, conflict({ group: '', resource: 'pods' }, 'p', 'x')), /already started/);
      res.end();
    }, async (base) => {
      await (await fetch(base)).text();
    });
  });
});

describe('warnings', () => {
  it('formats, escapes and dedups in first-seen order', () => {
    assert.deepEqual(formatWarningHeaders(['a', 'say "hi" \\ bye', 'a', '']), ['299 - "a"', '299 - "say \\"hi\\" \\\\ bye"']);
  });

  it('turns control characters into spaces', () => {
    assert.equal(warningHeaderValue('line1\nline2\r\x00'), '299 - "line1 line2  "');
  });

  it('truncates every item to 256 runes once the 4096-rune total is exceeded', () => {
    const long = (c: string): string => c.repeat(1000);
    const out = formatWarningHeaders([long('a'), long('b'), long('c'), long('d'), long('e')]);
    assert.equal(out.length, 5);
    for (const v of out) assert.equal(parseWarningHeaderValue(v)?.length, 256);
  });

  it('keeps full texts while under the total', () => {
    const out = formatWarningHeaders(['x'.repeat(4000), 'y'.repeat(96)]);
    assert.equal(parseWarningHeaderValue(out[0] ?? '')?.length, 4000);
    assert.equal(out.length, 2);
  });

  it('drops further warnings once truncated output fills the total', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `${i}`.padEnd(300, '.'));
    const out = formatWarningHeaders(texts);
    // 13 fit whole; the 14th starts truncation (14 x 256 = 3584), two more reach 4096, the rest are dropped.
    assert.equal(out.length, 16);
  });

  it('sends one Warning header per text, UTF-8 intact', async () => {
    await withServer((_req, res) => {
      writeWarnings(res, ['unknown field "spec.foo"', 'héllo ✓', 'unknown field "spec.foo"']);
      writeObject(res, 200, {});
    }, async (base) => {
      const r = await fetch(base);
      const raw = r.headers.get('warning') ?? '';
      // fetch joins repeated headers with ", "
      const parts = raw.split(/, (?=299 )/);
      assert.deepEqual(parts.map((p) => parseWarningHeaderValue(p)), ['unknown field "spec.foo"', 'héllo ✓']);
    });
  });
});
