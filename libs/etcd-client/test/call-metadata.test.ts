// Per-call gRPC metadata (CallOptions.metadata): what a server receives, and
// bad keys refused before anything is sent. A tiny grpc-js server stands in
// for the store, since real etcd ignores metadata and cannot show it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodePutResponse, encodeRangeResponse } from '@logbook/etcd-api';
import { EtcdClient } from '../src/client.ts';
import { rejectsWith, te } from './helpers.ts';
import { startKvStub, type KvStub } from '../src/testing/kv-stub.ts';

let stub: KvStub;
let client: EtcdClient;
const id = { clusterId: 1, memberId: 2, raftTerm: 3 };

before(async () => {
  stub = await startKvStub({
    Put: encodePutResponse({ header: { revision: 7 } }, id),
    Range: encodeRangeResponse({ header: { revision: 7 }, kvs: [], more: false, count: 0 }, id),
  });
  client = EtcdClient.connect({ endpoints: [stub.endpoint], requestTimeoutMs: 5_000 });
});

after(() => {
  client.close();
  stub.close();
});

describe('CallOptions.metadata', () => {
  it('sends binary and text entries with the call, and nothing extra without them', async () => {
    stub.calls.length = 0;
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await client.put({ key: te('/k'), value: te('v') }, { metadata: { 'logbook-request-context-bin': bytes, 'x-note': 'hello' } });
    await client.range({ key: te('/k') });
    assert.equal(stub.calls.length, 2);
    assert.deepEqual([...(stub.calls[0]!.metadata.get('logbook-request-context-bin')[0] as Buffer)], [0, 1, 2, 255]);
    assert.deepEqual(stub.calls[0]!.metadata.get('x-note'), ['hello']);
    assert.deepEqual(stub.calls[1]!.metadata.get('logbook-request-context-bin'), []);
  });

  const bad: [string, Record<string, string | Uint8Array>][] = [
    ['a -bin key with a string', { 'ctx-bin': 'text' }],
    ['a plain key with bytes', { ctx: new Uint8Array([1]) }],
    ['a key with illegal characters', { 'Bad Key!': 'x' }],
  ];
  for (const [name, metadata] of bad) {
    it(`refuses ${name} with InvalidArgument before sending`, async () => {
      stub.calls.length = 0;
      await rejectsWith(client.put({ key: te('/k') }, { metadata }), 'InvalidArgument');
      assert.equal(stub.calls.length, 0);
    });
  }
});
