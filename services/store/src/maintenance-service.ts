// etcdserverpb.Maintenance: status, hashes for consistency checks, the
// NOSPACE alarm, snapshots of the whole state, and leader transfer.

import { createHash } from 'node:crypto';
import * as api from '@logbook/etcd-api';
import type { NodeId } from '@logbook/raft';
import type { CopyReader } from '@logbook/store-machine';
import { StoreError, storeError } from './grpc-errors.ts';
import { streaming, unary, type EtcdServiceHandlers } from './grpc-plumbing.ts';
import type { StreamCall } from '@logbook/grpc-server';
import type { StoreNode } from './store-node.ts';

/** The etcd API version the store speaks (what `etcdctl endpoint status` prints). */
export const ETCD_COMPAT_VERSION = '3.5.0';
/** Snapshot bytes per response message (etcd sends 32 KiB). */
const SNAPSHOT_CHUNK_BYTES = 32 * 1024;

/**
 * The state as etcdctl snapshot save expects it: a database file of whole
 * 512-byte pages, then the SHA-256 of those bytes. The file is an LMDB copy
 * taken for the call and streamed from disk, as etcd streams its bbolt file.
 */
async function snapshotFile(store: StoreNode): Promise<CopyReader> {
  const copies = store.sm.copies;
  if (copies === undefined) throw new StoreError(12 /* UNIMPLEMENTED */, 'etcdserver: snapshot needs a member with snapshot copies');
  const reader = await copies.dir.temporary(copies.backend);
  // LMDB's file is whole 4 KiB pages, so whole 512-byte ones.
  if (reader.size % 512 !== 0) {
    await reader.close();
    throw new Error(`LMDB copy of ${reader.size} bytes is not whole 512-byte pages`);
  }
  return reader;
}

function serveSnapshot(store: StoreNode, call: StreamCall): void {
  call.onMessage((request) => {
    void (async () => {
      try {
        api.decodeSnapshotRequest(request);
        const file = await snapshotFile(store);
        try {
          const header = { revision: store.sm.mvcc.currentRevision };
          const hash = createHash('sha256');
          const total = file.size + 32;
          let sent = 0;
          const send = async (blob: Uint8Array): Promise<boolean> => {
            sent += blob.byteLength;
            if (!call.write(api.encodeSnapshotResponse({ header, remainingBytes: total - sent, blob }, store.identity()))) await call.drained();
            return !call.closed;
          };
          let read = 0;
          for await (const chunk of file.chunks) {
            read += chunk.byteLength;
            hash.update(chunk);
            for (let at = 0; at < chunk.byteLength; at += SNAPSHOT_CHUNK_BYTES) {
              if (!(await send(chunk.subarray(at, Math.min(at + SNAPSHOT_CHUNK_BYTES, chunk.byteLength))))) return;
            }
          }
          if (read !== file.size) throw new Error(`snapshot file gave ${read} of ${file.size} bytes`);
          if (!(await send(hash.digest()))) return;
          call.end();
        } finally {
          await file.close();
        }
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
          errors: store.alarms().map((a) => `memberID:${a.memberId} alarm:${a.alarm} `),
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
    Alarm: unary(async (bytes, signal) => {
      const req = api.decodeAlarmRequest(bytes);
      // GET lists the replicated alarms (NONE: every kind). ACTIVATE and
      // DEACTIVATE go through the log, so every member holds the same ones.
      if (req.action === 'GET' || req.alarm === 'NONE' || req.memberId === 0) {
        const alarms = store.alarms().filter((a) => req.alarm === 'NONE' || a.alarm === req.alarm);
        return api.encodeAlarmResponse({ header: header(), alarms: req.action === 'GET' ? alarms : [] }, store.identity());
      }
      const action = req.action === 'ACTIVATE' ? 'activate' : 'deactivate';
      const r = await store.write({ type: 'alarm', request: { action, memberId: req.memberId, alarm: req.alarm } }, signal);
      const alarms = r.type === 'alarm' ? r.response.alarms : [];
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
