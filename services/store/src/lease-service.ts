// etcdserverpb.Lease: grant and revoke go through the log; keep-alive and
// remaining TTL are the leader lessor's (a follower forwards them over the
// peer port); the lease list and attached keys are the local, committed
// state after a ReadIndex barrier.

import * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import { MvccError } from '@logbook/mvcc';
import { StoreError, toStoreError } from './grpc-errors.ts';
import { expectResponse } from './kv-service.ts';
import { streaming, unary, type EtcdServiceHandlers } from './grpc-plumbing.ts';
import type { StreamCall } from '@logbook/grpc-server';
import type { StoreNode } from './store-node.ts';

/** Keep-alive requests waiting on one stream; beyond it the stream fails (a client pipelining without reading). */
const MAX_PENDING_KEEPALIVES = 1024;

function serveKeepAlive(store: StoreNode, call: StreamCall): void {
  let pending = 0;
  let ended = false;
  const fail = (err: unknown): void => {
    if (ended) return;
    ended = true;
    call.end(err);
  };
  call.onMessage((bytes) => {
    if (ended) return;
    let id: number;
    try {
      id = api.decodeLeaseKeepAliveRequest(bytes).id;
    } catch (err) {
      fail(err);
      return;
    }
    if (++pending > MAX_PENDING_KEEPALIVES) {
      fail(new StoreError(grpc.status.RESOURCE_EXHAUSTED, 'etcdserver: too many requests'));
      return;
    }
    store
      .leaseKeepAlive(id)
      .catch((err: unknown) => {
        // etcd answers a keep-alive of an unknown lease with TTL 0 (etcdctl: "expired or revoked").
        if (toStoreError(err).grpcCode === grpc.status.NOT_FOUND) return 0;
        throw err;
      })
      .then(
        (ttl) => {
          pending--;
          // Unchecked back-pressure: at most MAX_PENDING_KEEPALIVES answers are outstanding per stream.
          if (!ended) call.write(api.encodeLeaseKeepAliveResponse({ header: { revision: store.sm.mvcc.currentRevision }, id, ttl }, store.identity()));
        },
        (err: unknown) => fail(err),
      );
  });
  call.onHalfClose(() => {
    ended = true;
    call.end();
  });
  call.onClose(() => {
    ended = true;
  });
}

export function leaseService(store: StoreNode): EtcdServiceHandlers {
  return {
    LeaseGrant: unary(async (bytes, signal) => {
      const req = api.decodeLeaseGrantRequest(bytes);
      const res = expectResponse(await store.leaseGrant(req.id, req.ttl, signal), 'leaseGrant').response;
      return api.encodeLeaseGrantResponse(res, store.identity());
    }),
    LeaseRevoke: unary(async (bytes, signal) => {
      const res = expectResponse(await store.write({ type: 'leaseRevoke', request: api.decodeLeaseRevokeRequest(bytes) }, signal), 'leaseRevoke').response;
      return api.encodeLeaseRevokeResponse(res, store.identity());
    }),
    LeaseKeepAlive: streaming((call) => serveKeepAlive(store, call)),
    LeaseTimeToLive: unary(async (bytes, signal) => {
      const req = api.decodeLeaseTimeToLiveRequest(bytes);
      await store.linearizableBarrier(signal);
      const revision = store.sm.mvcc.currentRevision;
      let info;
      try {
        info = store.sm.mvcc.leaseTimeToLive(req.id, req.keys === true);
      } catch (err) {
        if (err instanceof MvccError && err.kind === 'leaseNotFound') {
          return api.encodeLeaseTimeToLiveResponse({ header: { revision }, id: req.id, ttl: api.LEASE_TTL_EXPIRED, grantedTtl: 0, keys: [] }, store.identity());
        }
        throw err;
      }
      let ttl: number;
      try {
        ttl = (await store.leaseRemaining(req.id)).remainingTtl;
      } catch (err) {
        // Revoked or expired between the read and the leader's answer.
        if (toStoreError(err).grpcCode !== grpc.status.NOT_FOUND) throw err;
        ttl = api.LEASE_TTL_EXPIRED;
      }
      return api.encodeLeaseTimeToLiveResponse({ header: { revision }, id: req.id, ttl, grantedTtl: info.grantedTtl, keys: info.keys }, store.identity());
    }),
    LeaseLeases: unary(async (bytes, signal) => {
      api.decodeLeaseLeasesRequest(bytes);
      await store.linearizableBarrier(signal);
      const leases = store.sm.mvcc.leases().map((l) => ({ id: l.id }));
      return api.encodeLeaseLeasesResponse({ header: { revision: store.sm.mvcc.currentRevision }, leases }, store.identity());
    }),
  };
}
