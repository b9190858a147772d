import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EtcdClientError } from '../src/errors.ts';
import { CLIENT_DEFAULTS, parseEndpoint, resolveOptions } from '../src/options.ts';

describe('parseEndpoint', () => {
  const cases: readonly [string, string | undefined][] = [
    ['127.0.0.1:2379', '127.0.0.1:2379'],
    ['http://127.0.0.1:2379', '127.0.0.1:2379'],
    ['http://etcd-0.etcd:2379/', 'etcd-0.etcd:2379'],
    ['[::1]:2379', '[::1]:2379'],
    ['http://[::1]:2379', '[::1]:2379'],
    ['  localhost:1  ', 'localhost:1'],
    ['localhost', undefined],
    ['localhost:0', undefined],
    ['localhost:65536', undefined],
    ['https://127.0.0.1:2379', undefined],
    ['unix:///tmp/etcd.sock', undefined],
    ['http://h:2379/path', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} -> ${String(want)}`, () => assert.equal(parseEndpoint(input), want));
  }
});

describe('resolveOptions', () => {
  it('applies defaults, normalizes and deduplicates endpoints, and freezes the result', () => {
    const o = resolveOptions({ endpoints: ['http://127.0.0.1:1', '127.0.0.1:1', 'a:2'] });
    assert.deepEqual(o.endpoints, ['127.0.0.1:1', 'a:2']);
    assert.equal(o.requestTimeoutMs, CLIENT_DEFAULTS.requestTimeoutMs);
    assert.equal(o.maxRecvBytes, CLIENT_DEFAULTS.maxRecvBytes);
    assert.ok(Object.isFrozen(o) && Object.isFrozen(o.endpoints));
  });

  it('reports every problem at once', () => {
    assert.throws(
      () => resolveOptions({ endpoints: ['nope', 'https://x:1'], requestTimeoutMs: 0, maxRecvBytes: 1.5, maxBufferedWatchResponses: -1 }),
      (e: unknown) => {
        assert.ok(e instanceof EtcdClientError);
        assert.equal(e.code, 'InvalidArgument');
        for (const s of ['"nope"', '"https://x:1"', 'requestTimeoutMs', 'maxRecvBytes', 'maxBufferedWatchResponses']) assert.match(e.details, new RegExp(s.replace(/[/.]/g, '\\$&')));
        return true;
      },
    );
  });

  it('needs at least one endpoint', () => {
    assert.throws(() => resolveOptions({ endpoints: [] }), /at least one endpoint/);
  });
});
