// etcdserverpb.StatusResponse (Maintenance/Status) for the client side. Not
// @logbook/etcd-api's decodeStatusResponse: it reads `leader` as a safe
// integer and so rejects real etcd, whose member ids are mostly above 2^53.
// Here the leader, like the header's ids, is an exact bigint.

import { etcdserverpb } from '@logbook/etcd-api';
import type { EtcdHeader } from './wire-header.ts';
import { readHeader } from './wire-header.ts';
import { badResponse, safeInt, uint64 } from './wire-ints.ts';

export interface EtcdStatus {
  /** header.memberId is the answering member. */
  readonly header: EtcdHeader;
  readonly version: string;
  readonly dbSize: number;
  /** Member id of the leader this member knows; 0n when it knows none. */
  readonly leader: bigint;
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  readonly errors: readonly string[];
  readonly dbSizeInUse: number;
  readonly isLearner: boolean;
}


export function decodeStatusResponse(bytes: Uint8Array): EtcdStatus {
  const header = readHeader(bytes);
  let m: etcdserverpb.StatusResponse;
  try {
    m = etcdserverpb.StatusResponse.decode(bytes);
  } catch (e) {
    throw badResponse('StatusResponse does not decode', e);
  }
  return {
    header,
    version: typeof m.version === 'string' ? m.version : '',
    dbSize: safeInt(m.dbSize, 'dbSize'),
    leader: uint64(m.leader, 'leader'),
    raftIndex: safeInt(m.raftIndex, 'raftIndex'),
    raftTerm: safeInt(m.raftTerm, 'raftTerm'),
    raftAppliedIndex: safeInt(m.raftAppliedIndex, 'raftAppliedIndex'),
    errors: (m.errors ?? []).filter((e): e is string => typeof e === 'string'),
    dbSizeInUse: safeInt(m.dbSizeInUse, 'dbSizeInUse'),
    isLearner: m.isLearner === true,
  };
}
