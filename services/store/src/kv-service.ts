// etcdserverpb.KV over a StoreNode.

import * as api from '@logbook/etcd-api';
import type { MvccResponse } from '@logbook/mvcc';
import { StoreError } from './grpc-errors.ts';
import { unary, type EtcdServiceHandlers } from './grpc-plumbing.ts';
import type { CallMetadata } from '@logbook/grpc-server';
import type { StoreNode } from './store-node.ts';

/**
 * The request context a client (the apiserver) sent with a write, recorded in
 * the write's log entry; none: the empty context. Malformed: refused, since
 * the entry would misattribute the write.
 */
function requestContext(metadata: CallMetadata): api.RequestContext {
  const values = metadata.get(api.REQUEST_CONTEXT_METADATA_KEY);
  if (values.length === 0) return api.EMPTY_REQUEST_CONTEXT;
  const v = values[0];
  if (values.length > 1 || !Buffer.isBuffer(v)) throw new StoreError(3, `etcdserver: one binary ${api.REQUEST_CONTEXT_METADATA_KEY} expected`);
  try {
    return api.decodeRequestContext(v);
  } catch (err) {
    throw new StoreError(3, `etcdserver: invalid ${api.REQUEST_CONTEXT_METADATA_KEY}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function expect<T extends MvccResponse['type']>(r: MvccResponse, type: T): Extract<MvccResponse, { type: T }> {
  if (r.type !== type) throw new StoreError(13, `etcdserver: apply answered ${r.type} to a ${type} request`);
  return r as Extract<MvccResponse, { type: T }>;
}

export function kvService(store: StoreNode): EtcdServiceHandlers {
  return {
    Range: unary(async (bytes, signal) => {
      const req = api.decodeRangeRequest(bytes);
      const res = await store.range(req, signal);
      const release = res.release ?? ((): void => {});
      let out: Uint8Array;
      try {
        out = api.encodeRangeWireResponse(res, store.identity());
      } catch (err) {
        release();
        throw err;
      }
      // The answer is framed in the range's own buffer: it is reused once the socket took it.
      return { bytes: out, sent: release };
    }),
    Put: unary(async (bytes, signal, metadata) => {
      const res = expect(await store.write({ type: 'put', request: api.decodePutRequest(bytes) }, signal, requestContext(metadata)), 'put').response;
      return api.encodePutResponse(res, store.identity());
    }),
    DeleteRange: unary(async (bytes, signal, metadata) => {
      const res = expect(await store.write({ type: 'deleteRange', request: api.decodeDeleteRangeRequest(bytes) }, signal, requestContext(metadata)), 'deleteRange').response;
      return api.encodeDeleteRangeResponse(res, store.identity());
    }),
    Txn: unary(async (bytes, signal, metadata) => {
      const res = expect(await store.write({ type: 'txn', request: api.decodeTxnRequest(bytes) }, signal, requestContext(metadata)), 'txn').response;
      return api.encodeTxnResponse(res, store.identity());
    }),
    Compact: unary(async (bytes, signal, metadata) => {
      const res = expect(await store.write({ type: 'compaction', request: api.decodeCompactionRequest(bytes) }, signal, requestContext(metadata)), 'compaction').response;
      return api.encodeCompactionResponse(res, store.identity());
    }),
  };
}

export { expect as expectResponse };
