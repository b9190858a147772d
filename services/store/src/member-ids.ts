// Member and cluster ids. The initial members of a cluster must agree on each
// other's ids without talking, so they are derived from what every member is
// started with (etcd derives them the same way: peer URLs and the cluster
// token). A member added later gets an id from its URLs and the moment it was
// added, so re-adding a removed member's URLs never reuses its id (Raft
// forbids reusing a removed id). Ids are positive safe integers (< 2^53)
// because they travel through JavaScript numbers.

import { createHash } from 'node:crypto';
import type { NodeId } from '@logbook/raft';

function hash53(parts: readonly string[]): number {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  // 53 bits: 6 bytes plus 5 bits of a seventh.
  const n = digest.readUIntBE(0, 6) * 32 + (digest[6]! >> 3);
  return n === 0 ? 1 : n;
}

export function memberIdFor(peerUrls: readonly string[], token: string, addedAt?: number): NodeId {
  const urls = [...peerUrls].sort();
  return hash53(addedAt === undefined ? [...urls, token] : [...urls, token, String(addedAt)]) as NodeId;
}

export function clusterIdFor(memberIds: readonly NodeId[], token: string): number {
  return hash53([...[...memberIds].sort((a, b) => a - b).map(String), token]);
}

/** `http://127.0.0.1:2380` -> `127.0.0.1:2380` (the raft transport dials host:port). */
export function hostPortOf(url: string): string {
  const u = new URL(url);
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  return `${u.hostname}:${port}`;
}
