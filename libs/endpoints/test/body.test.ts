import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { decodeBody, goJsonSyntaxError, readBody, summarizeData } from '../src/index.ts';
import { withServer } from './helpers.ts';

function statusOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err: unknown) {
    assert.ok(err instanceof StatusError, `not a StatusError: ${String(err)}`);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected a StatusError');
}

describe('goJsonSyntaxError matches Go encoding/json', () => {
  const cases: [string, string | undefined][] = [
    ['{"a":1}', undefined],
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{"a":', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a":1}}', "invalid character '}' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['tru', 'unexpected end of JSON input'],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.equal(goJsonSyntaxError(input), want));
  }
});

describe('decodeBody', () => {
  it('decodes JSON, and JSON without a Content-Type', () => {
    assert.deepEqual(decodeBody('application/json', Buffer.from('{"kind":"Pod"}')), { kind: 'Pod' });
    assert.deepEqual(decodeBody(undefined, Buffer.from('{"a":[1]}')), { a: [1] });
    assert.deepEqual(decodeBody('application/json; charset=utf-8', Buffer.from('{}')), {});
  });

  it('decodes YAML 1.1 (yes is true), first document only', () => {
    assert.deepEqual(decodeBody('application/yaml', Buffer.from('kind: ConfigMap\ndata:\n  on: yes\n  name: "1"\n---\nkind: Other\n')), { kind: 'ConfigMap', data: { true: true, name: '1' } });
  });

  it('415 for other media types, with kube message', () => {
    for (const ct of ['text/plain', 'application/vnd.kubernetes.protobuf', 'not a media type', 'application/json-patch+json']) {
      const s = statusOf(() => decodeBody(ct, Buffer.from('{}')));
      assert.equal(s.code, 415, ct);
      assert.equal(s.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    }
    const custom = statusOf(() => decodeBody('text/plain', Buffer.from('{}'), { acceptedMediaTypes: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] }));
    assert.match(custom.message, /application\/vnd.kubernetes.protobuf$/);
  });

  it('400 with Go wording for malformed JSON', () => {
    const s = statusOf(() => decodeBody('application/json', Buffer.from('{"metadata":')));
    assert.deepEqual(s, { code: 400, message: "couldn't get version/kind; json parse error: unexpected end of JSON input" });
  });

  it('400 with kube create wording when the kind is known', () => {
    const s = statusOf(() => decodeBody('application/json', Buffer.from('{"a": x}'), { kind: 'Pod' }));
    assert.equal(s.message, `the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: invalid character 'x' looking for beginning of value ({"a": x})`);
    const e = statusOf(() => decodeBody('application/json', Buffer.from(''), { kind: 'Pod' }));
    assert.equal(e.message, "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)");
  });

  it('400 for valid JSON that is not an object', () => {
    assert.match(statusOf(() => decodeBody('application/json', Buffer.from('[1]'))).message, /cannot unmarshal array into Go value of type struct/);
    assert.match(statusOf(() => decodeBody('application/json', Buffer.from('"s"'))).message, /cannot unmarshal string/);
    assert.equal(statusOf(() => decodeBody('application/json', Buffer.from('null'))).message, "Object 'Kind' is missing in 'null'");
  });

  it('400 for malformed YAML, naming the line', () => {
    const s = statusOf(() => decodeBody('application/yaml', Buffer.from('a: b\n  c: d: e\n')));
    assert.equal(s.code, 400);
    assert.match(s.message, /^error converting YAML to JSON: yaml: line \d+: /);
    // A repeated key is not malformed: fieldValidation decides (body-duplicates.test.ts).
    assert.deepEqual(decodeBody('application/yaml', Buffer.from('a: 1\na: 2\n')), { a: 2 });
    assert.equal(statusOf(() => decodeBody('application/yaml', Buffer.from('- 1\n'))).code, 400);
  });

  it('summarizeData: text for objects, hex otherwise, cut at the limit', () => {
    assert.equal(summarizeData(Buffer.from(''), 30), '<empty>');
    assert.equal(summarizeData(Buffer.from('{"a":1}'), 30), '{"a":1}');
    assert.equal(summarizeData(Buffer.from('{'.padEnd(40, 'x')), 30), `{${'x'.repeat(29)} ...`);
    assert.equal(summarizeData(Buffer.from('ab'), 30), '6162');
  });
});

describe('readBody', () => {
  it('reads a body under the limit', async () => {
    await withServer(async (req, res) => {
      const b = await readBody(req, 1024);
      res.end(String(b.length));
    }, async (base) => {
      assert.equal(await (await fetch(base, { method: 'POST', body: 'x'.repeat(1000) })).text(), '1000');
    });
  });

  for (const mode of ['content-length', 'chunked'] as const) {
    it(`413 with kube's message over the limit (${mode})`, async () => {
      await withServer(async (req, res) => {
        try {
          await readBody(req, 100);
          res.end('read');
        } catch (err: unknown) {
          assert.ok(err instanceof StatusError);
          res.statusCode = err.code;
          res.end(err.message);
        }
      }, async (base) => {
        const body = mode === 'chunked'
          ? new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('y'.repeat(101))); c.close(); } })
          : 'y'.repeat(101);
        const r = await fetch(base, { method: 'POST', body, ...(mode === 'chunked' ? { duplex: 'half' } : {}) });
        assert.equal(r.status, 413);
        assert.equal(await r.text(), 'Request entity too large: limit is 100');
      });
    });
  }

  it('rejects a bad limit', async () => {
    await assert.rejects(readBody({ headers: {}, once: () => undefined, off: () => undefined, async *[Symbol.asyncIterator]() {} }, 0), RangeError);
  });

  it('a client that aborts mid-body gives BodyReadError', async () => {
    const { connect } = await import('node:net');
    let seen: unknown;
    await withServer(async (req, res) => {
      try {
        await readBody(req, 1 << 20);
      } catch (err: unknown) {
        seen = err;
      }
      res.end();
    }, async (base) => {
      const port = Number(new URL(base).port);
      await new Promise<void>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial');
          setTimeout(() => sock.destroy(), 50);
        });
        sock.on('close', () => setTimeout(resolve, 50));
      });
    });
    assert.equal((seen as { code?: unknown }).code, 'RequestAborted');
  });
});
