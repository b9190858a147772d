// etcdserverpb.KV over a StoreNode.

import type * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import type { MvccResponse } from '@logbook/mvcc';
import { StoreError } from './grpc-errors.ts';
import { rawServiceDefinition, unary } from './grpc-plumbing.ts';
import type { StoreNode } from './store-node.ts';

function expect<T extends MvccResponse['type']>(r: MvccResponse, type: T): Extract<MvccResponse, { type: T }> {
  if (r.type !== type) throw new StoreError(13, `etcdserver: apply answered ${r.type} to a ${type} request`);
  return r as Extract<MvccResponse, { type: T }>;
}

export function kvService(store: StoreNode): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  return {
    definition: rawServiceDefinition('KV'),
    implementation: {
      Range: unary(async (bytes, signal) => {
        const req = api.decodeRangeRequest(bytes);
        const res = await store.range(req, signal);
        return api.encodeRangeResponse(res, store.identity());
      }),
      Put: unary(async (bytes, signal) => {
        const res = expect(await store.write({ type: 'put', request: api.decodePutRequest(bytes) }, signal), 'put').response;
        return api.encodePutResponse(res, store.identity());
      }),
      DeleteRange: unary(async (bytes, signal) => {
        const res = expect(await store.write({ type: 'deleteRange', request: api.decodeDeleteRangeRequest(bytes) }, signal), 'deleteRange').response;
        return api.encodeDeleteRangeResponse(res, store.identity());
      }),
      Txn: unary(async (bytes, signal) => {
        const res = expect(await store.write({ type: 'txn', request: api.decodeTxnRequest(bytes) }, signal), 'txn').response;
        return api.encodeTxnResponse(res, store.identity());
      }),
      Compact: unary(async (bytes, signal) => {
        const res = expect(await store.write({ type: 'compaction', request: api.decodeCompactionRequest(bytes) }, signal), 'compaction').response;
        return api.encodeCompactionResponse(res, store.identity());
      }),
    },
  };
}

export { expect as expectResponse };
