// Per-call gRPC metadata (CallOptions.metadata): what a server receives, and
// bad keys refused before anything is sent. A tiny grpc-js server stands in
// for the store, since real etcd ignores metadata and cannot show it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ETCD_SERVICES, encodePutResponse, encodeRangeResponse } from '@logbook/etcd-api';
import { EtcdClient } from '../src/client.ts';
import { rejectsWith, te } from './helpers.ts';

const path = (name: string): string => ETCD_SERVICES['etcdserverpb.KV']!.find((m) => m.name === name)!.path;
const id = { clusterId: 1, memberId: 2, raftTerm: 3 };
const identity = (b: Buffer): Buffer => b;

let server: grpc.Server;
let client: EtcdClient;
const seen: grpc.Metadata[] = [];

function method(name: string, reply: Uint8Array): [string, grpc.MethodDefinition<Buffer, Buffer>, grpc.handleUnaryCall<Buffer, Buffer>] {
  return [
    name,
    { path: path(name), requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
    (call, cb) => {
      seen.push(call.metadata);
      cb(null, Buffer.from(reply));
    },
  ];
}

before(async () => {
  server = new grpc.Server();
  const methods = [
    method('Put', encodePutResponse({ header: { revision: 7 } }, id)),
    method('Range', encodeRangeResponse({ header: { revision: 7 }, kvs: [], more: false, count: 0 }, id)),
  ];
  server.addService(Object.fromEntries(methods.map(([n, d]) => [n, d])), Object.fromEntries(methods.map(([n, , h]) => [n, h])));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e === null ? resolve(p) : reject(e))),
  );
  client = EtcdClient.connect({ endpoints: [`127.0.0.1:${port}`], requestTimeoutMs: 5_000 });
});

after(() => {
  client.close();
  server.forceShutdown();
});

describe('CallOptions.metadata', () => {
  it('sends binary and text entries with the call, and nothing extra without them', async () => {
    seen.length = 0;
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await client.put({ key: te('/k'), value: te('v') }, { metadata: { 'logbook-request-context-bin': bytes, 'x-note': 'hello' } });
    await client.range({ key: te('/k') });
    assert.equal(seen.length, 2);
    assert.deepEqual([...(seen[0]!.get('logbook-request-context-bin')[0] as Buffer)], [0, 1, 2, 255]);
    assert.deepEqual(seen[0]!.get('x-note'), ['hello']);
    assert.deepEqual(seen[1]!.get('logbook-request-context-bin'), []);
  });

  const bad: [string, Record<string, string | Uint8Array>][] = [
    ['a -bin key with a string', { 'ctx-bin': 'text' }],
    ['a plain key with bytes', { ctx: new Uint8Array([1]) }],
    ['a key with illegal characters', { 'Bad Key!': 'x' }],
  ];
  for (const [name, metadata] of bad) {
    it(`refuses ${name} with InvalidArgument before sending`, async () => {
      seen.length = 0;
      await rejectsWith(client.put({ key: te('/k') }, { metadata }), 'InvalidArgument');
      assert.equal(seen.length, 0);
    });
  }
});
