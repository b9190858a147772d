// The user a verified client certificate names, by the rule of Kubernetes'
// x509 authenticator: the subject's CN is the user name, each O a group.

import type { PeerCertificate } from 'node:tls';

export interface ClientIdentity {
  readonly user: string;
  readonly groups: readonly string[];
}

/**
 * The identity in `peer` (from `socket.getPeerCertificate(true)` on a socket
 * whose handshake verified the chain — this function does not verify), or
 * undefined when there is no certificate or its CN is empty: Kubernetes then
 * treats the request as not authenticated by certificate, not as an error.
 */
export function clientIdentity(peer: PeerCertificate | Readonly<Record<string, never>> | undefined): ClientIdentity | undefined {
  // Node gives an empty object, not null, when the client sent no certificate.
  if (peer === undefined || !('subject' in peer) || typeof peer.subject !== 'object' || peer.subject === null) return undefined;
  // Node collapses one attribute to a string and several to an array.
  const cn = attributeValues(peer.subject.CN);
  // With several CNs, Go's pkix.Name keeps the last one; so does Kubernetes.
  const user = cn[cn.length - 1];
  if (user === undefined || user === '') return undefined;
  return { user, groups: attributeValues(peer.subject.O) };
}

function attributeValues(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}
