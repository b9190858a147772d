// etcdserverpb.Cluster: membership through Raft configuration changes, one
// at a time (the raft library refuses a second change while one is pending).

import * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import type { NodeId } from '@logbook/raft';
import { StoreError, storeError } from './grpc-errors.ts';
import { unary, type EtcdServiceHandlers } from './grpc-plumbing.ts';
import type { MemberDirectory } from './member-directory.ts';
import { hostPortOf, memberIdFor } from './member-ids.ts';
import type { StoreNode } from './store-node.ts';

function validPeerUrls(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new StoreError(grpc.status.INVALID_ARGUMENT, 'etcdserver: member peer URLs are not provided');
  return urls.map((u) => {
    try {
      const parsed = new URL(u);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
      return hostPortOf(u);
    } catch {
      throw new StoreError(grpc.status.INVALID_ARGUMENT, `etcdserver: invalid peer URL "${u}"`);
    }
  });
}

export function clusterService(store: StoreNode, directory: MemberDirectory, token: string): EtcdServiceHandlers {
  const membersResponse = (): api.MembersResponse => ({ header: { revision: store.sm.mvcc.currentRevision }, members: directory.members() });
  const existing = (id: number): api.Member => {
    const m = directory.members().find((x) => x.id === id);
    if (m === undefined) throw storeError('memberNotFound', grpc.status.NOT_FOUND);
    return m;
  };
  return {
    MemberList: unary(async (bytes, signal) => {
      const req = api.decodeMemberListRequest(bytes);
      if (req.linearizable === true) await store.linearizableBarrier(signal);
      await directory.refresh();
      return api.encodeMemberListResponse(membersResponse(), store.identity());
    }),
    MemberAdd: unary(async (bytes, signal) => {
      const req = api.decodeMemberAddRequest(bytes);
      const addresses = validPeerUrls(req.peerUrls);
      const taken = new Set(directory.members().flatMap((m) => m.peerUrls.map(hostPortOf)));
      if (addresses.some((a) => taken.has(a))) throw storeError('peerUrlExists', grpc.status.FAILED_PRECONDITION);
      const id = memberIdFor(req.peerUrls, token, Date.now());
      const address = addresses[0]!;
      await store.withDeadline(signal, (s) => (req.isLearner === true ? store.node.addLearner(id, address, { signal: s }) : store.node.addMember(id, address, { signal: s })));
      const member: api.Member = { id, name: '', peerUrls: [...req.peerUrls], clientUrls: [], isLearner: req.isLearner === true };
      return api.encodeMemberAddResponse({ ...membersResponse(), member }, store.identity());
    }),
    MemberRemove: unary(async (bytes, signal) => {
      const req = api.decodeMemberRemoveRequest(bytes);
      existing(req.id);
      await store.withDeadline(signal, (s) => store.node.removeMember(req.id as NodeId, { signal: s }));
      return api.encodeMemberRemoveResponse(membersResponse(), store.identity());
    }),
    MemberPromote: unary(async (bytes, signal) => {
      const req = api.decodeMemberPromoteRequest(bytes);
      const m = existing(req.id);
      if (!m.isLearner) throw storeError('memberNotLearner', grpc.status.FAILED_PRECONDITION);
      // etcd promotes only a learner that has caught up (90% of the leader's log); we know that only on the leader.
      const st = store.node.status();
      if (st.raftState === 'leader') {
        const p = st.progress.find((x) => x.id === req.id);
        if (p === undefined || p.match < st.commit * 0.9) throw storeError('learnerNotReady', grpc.status.FAILED_PRECONDITION);
      }
      await store.withDeadline(signal, (s) => store.node.promote(req.id as NodeId, { signal: s }));
      return api.encodeMemberPromoteResponse(membersResponse(), store.identity());
    }),
    MemberUpdate: unary((bytes) => {
      api.decodeMemberUpdateRequest(bytes);
      // Peer addresses travel in conf-change entries; changing one in place is not supported yet.
      throw storeError('notCapable', grpc.status.UNIMPLEMENTED);
    }),
  };
}
