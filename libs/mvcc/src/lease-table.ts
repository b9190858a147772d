// Lease tables: lease[id] = (grantedTtl, grantedRevision) and
// leaseKey[id ++ key] = "" (the keys attached to a lease, in key order, so a
// revoke finds them with one range scan). The key side of the attachment is
// the `lease` field of the key's live KeyValue.

import type { ReadTxn, WriteTxn } from '@logbook/backend';
import type { Bytes, LeaseId, LeaseInfo, Revision } from './types.ts';
import { TABLE, EMPTY, concat, decodeU64, prefixEnd, u64 } from './encoding.ts';
import { assert } from './errors.ts';

function leaseKey(id: LeaseId): Bytes {
  return concat(new Uint8Array([TABLE.lease]), u64(id));
}

function attachPrefix(id: LeaseId): Bytes {
  return concat(new Uint8Array([TABLE.leaseKey]), u64(id));
}

export function getLease(txn: ReadTxn, id: LeaseId): LeaseInfo | undefined {
  const v = txn.get(leaseKey(id));
  if (v === undefined) return undefined;
  return { id, grantedTtl: decodeU64(v, 0), grantedRevision: decodeU64(v, 8) };
}

export function putLease(txn: WriteTxn, id: LeaseId, ttl: number, grantedRevision: Revision): void {
  txn.put(leaseKey(id), concat(u64(ttl), u64(grantedRevision)));
}

export function deleteLease(txn: WriteTxn, id: LeaseId): void {
  assert(firstAttachedKeys(txn, id, 1).length === 0, 'lease deleted with keys attached');
  txn.delete(leaseKey(id));
}

export function listLeases(txn: ReadTxn): LeaseInfo[] {
  const out: LeaseInfo[] = [];
  for (const [k, v] of txn.range(new Uint8Array([TABLE.lease]), new Uint8Array([TABLE.lease + 1]))) {
    out.push({ id: decodeU64(k, 1), grantedTtl: decodeU64(v, 0), grantedRevision: decodeU64(v, 8) });
  }
  return out;
}

export function attach(txn: WriteTxn, id: LeaseId, key: Bytes): void {
  txn.put(concat(attachPrefix(id), key), EMPTY);
}

export function detach(txn: WriteTxn, id: LeaseId, key: Bytes): void {
  const k = concat(attachPrefix(id), key);
  assert(txn.get(k) !== undefined, 'detaching a key that is not attached');
  txn.delete(k);
}

/** Up to `limit` attached keys in key order (copies: safe across later writes). */
export function firstAttachedKeys(txn: ReadTxn, id: LeaseId, limit: number): Bytes[] {
  const prefix = attachPrefix(id);
  const out: Bytes[] = [];
  for (const [k] of txn.range(prefix, prefixEnd(prefix), { limit })) out.push(k.slice(prefix.length));
  return out;
}
