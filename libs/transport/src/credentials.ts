// The seam for transport security. Plaintext for now; TLS (the store's
// --peer-cert-file style flags) supplies a different pair here without
// touching the transport.

import * as grpc from '@grpc/grpc-js';
import type { PeerClientTls } from './h2-send-call.ts';

export interface TransportCredentials {
  /** What the member's server listens with. */
  readonly server: grpc.ServerCredentials;
  /** What the member's client channels to its peers use. */
  readonly channel: grpc.ChannelCredentials;
  /** The same for the Send streams (node:http2): undefined means plaintext. */
  readonly clientTls: PeerClientTls | undefined;
}

export function insecureCredentials(): TransportCredentials {
  return { server: grpc.ServerCredentials.createInsecure(), channel: grpc.credentials.createInsecure(), clientTls: undefined };
}
