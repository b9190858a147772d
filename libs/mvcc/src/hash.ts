// HashKV: a checksum of the retained history up to a revision, for checking
// that members agree (etcdctl endpoint hashkv). Every member applies the same
// log, compactions included, so equal inputs give equal hashes; a mismatch is
// a replica that diverged. Only members of one cluster are compared, so the
// checksum need not equal etcd's own value, only be stable.

import { crc32 } from 'node:zlib';
import type { ReadTxn } from '@logbook/backend';
import type { Revision } from './types.ts';
import { compactedRevision, currentRevision, historyFrom } from './schema.ts';
import { encodeRecord } from './encoding.ts';
import { MvccError } from './errors.ts';

export interface HashKvResult {
  /** CRC-32 of the retained changes with revision <= hashRevision, in revision order. */
  readonly hash: number;
  readonly compactRevision: Revision;
  readonly hashRevision: Revision;
  /** The store's revision when hashed (the response header's). */
  readonly currentRevision: Revision;
}

/** revision 0 hashes up to the current revision; below the compaction is etcd's compacted error. */
export function hashKv(txn: ReadTxn, revision: Revision): HashKvResult {
  const current = currentRevision(txn);
  const compacted = compactedRevision(txn);
  const upTo = revision === 0 ? current : revision;
  if (upTo > current) throw new MvccError('futureRevision');
  if (upTo < compacted) throw new MvccError('compacted');
  let hash = 0;
  for (const { rev, rec } of historyFrom(txn, { main: 0, sub: 0 }, { main: upTo + 1, sub: 0 })) {
    const revBytes = new Uint8Array(16);
    const view = new DataView(revBytes.buffer);
    view.setBigUint64(0, BigInt(rev.main));
    view.setBigUint64(8, BigInt(rev.sub));
    hash = crc32(revBytes, hash);
    hash = crc32(encodeRecord(rec), hash);
  }
  return { hash, compactRevision: compacted, hashRevision: upTo, currentRevision: current };
}
