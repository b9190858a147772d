// etcdserverpb.Maintenance: status, hashes for consistency checks, the
// NOSPACE alarm, snapshots of the whole state, and leader transfer.

import { createHash } from 'node:crypto';
import * as api from '@logbook/etcd-api';
import type { NodeId } from '@logbook/raft';
import { storeError } from './grpc-errors.ts';
import { streaming, unary, type EtcdServiceHandlers } from './grpc-plumbing.ts';
import type { StreamCall } from './rpc/grpc-server.ts';
import type { StoreNode } from './store-node.ts';

/** The etcd API version the store speaks (what `etcdctl endpoint status` prints). */
export const ETCD_COMPAT_VERSION = '3.5.0';
/** Snapshot bytes per response message (etcd sends 32 KiB). */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

function serveSnapshot(store: StoreNode, call: StreamCall): void {
  call.onMessage((request) => {
    void (async () => {
      try {
        api.decodeSnapshotRequest(request);
        // etcdctl accepts a snapshot only when its length is 32 more than a
        // multiple of 512 (a database of whole pages, then a SHA-256 of it):
        // pad the state with zeros to whole 512-byte pages, as etcd's file is.
        const raw = await store.sm.snapshotAsync();
        const state = new Uint8Array(Math.ceil(raw.byteLength / 512) * 512);
        state.set(raw);
        const digest = createHash('sha256').update(state).digest();
        const data = new Uint8Array(state.byteLength + digest.byteLength);
        data.set(state);
        data.set(digest, state.byteLength);
        const header = { revision: store.sm.mvcc.currentRevision };
        for (let at = 0; at < data.byteLength; at += SNAPSHOT_CHUNK_BYTES) {
          const blob = data.subarray(at, Math.min(at + SNAPSHOT_CHUNK_BYTES, data.byteLength));
          const remainingBytes = data.byteLength - at - blob.byteLength;
          if (!call.write(api.encodeSnapshotResponse({ header, remainingBytes, blob }, store.identity()))) await call.drained();
          if (call.closed) return;
        }
        call.end();
      } catch (err) {
        call.end(err);
      }
    })();
  });
}

export function maintenanceService(store: StoreNode): EtcdServiceHandlers {
  const header = (): { revision: number } => ({ revision: store.sm.mvcc.currentRevision });
  return {
    Status: unary((bytes) => {
      api.decodeStatusRequest(bytes);
      const st = store.node.status();
      const dbSize = store.sm.backend.sizeBytes();
      return api.encodeStatusResponse(
        {
          header: header(),
          version: ETCD_COMPAT_VERSION,
          dbSize,
          leader: st.lead,
          raftIndex: st.commit,
          raftTerm: st.term,
          raftAppliedIndex: st.applied,
          errors: store.noSpaceAlarm ? [`memberID:${store.id} alarm:NOSPACE `] : [],
          dbSizeInUse: dbSize,
          isLearner: st.confState.learners.includes(store.id),
        },
        store.identity(),
      );
    }),
    HashKV: unary((bytes) => {
      const req = api.decodeHashKVRequest(bytes);
      const h = store.sm.mvcc.hashKv(req.revision);
      return api.encodeHashKVResponse({ header: { revision: h.currentRevision }, hash: h.hash, compactRevision: h.compactRevision, hashRevision: h.hashRevision }, store.identity());
    }),
    Hash: unary((bytes) => {
      api.decodeHashRequest(bytes);
      return api.encodeHashResponse({ header: header(), hash: store.sm.mvcc.hashKv(0).hash }, store.identity());
    }),
    Alarm: unary((bytes) => {
      const req = api.decodeAlarmRequest(bytes);
      if (req.action === 'DEACTIVATE' && req.alarm === 'NOSPACE') store.disarmNoSpace();
      const alarms = store.noSpaceAlarm ? [{ memberId: store.id, alarm: 'NOSPACE' as const }] : [];
      return api.encodeAlarmResponse({ header: header(), alarms }, store.identity());
    }),
    Defragment: unary((bytes) => {
      api.decodeDefragmentRequest(bytes);
      // The engine reuses freed pages itself; there is nothing to compact offline.
      return api.encodeDefragmentResponse({ header: header() }, store.identity());
    }),
    Snapshot: streaming((call) => serveSnapshot(store, call)),
    MoveLeader: unary(async (bytes, signal) => {
      const req = api.decodeMoveLeaderRequest(bytes);
      const st = store.node.status();
      if (st.raftState !== 'leader') throw storeError('notLeader', 9 /* FAILED_PRECONDITION */);
      if (!st.confState.voters.includes(req.targetId as NodeId)) throw storeError('badLeaderTransferee', 9);
      await store.withDeadline(signal, (s) => store.node.transferLeadership(req.targetId as NodeId, { signal: s }));
      return api.encodeMoveLeaderResponse({ header: header() }, store.identity());
    }),
  };
}
