// The seam for transport security. Plaintext for now; TLS (the store's
// --peer-cert-file style flags) supplies a different pair here without
// touching the transport.

import * as grpc from '@grpc/grpc-js';

export interface TransportCredentials {
  /** What the member's server listens with. */
  readonly server: grpc.ServerCredentials;
  /** What the member's client channels to its peers use. */
  readonly channel: grpc.ChannelCredentials;
}

export function insecureCredentials(): TransportCredentials {
  return { server: grpc.ServerCredentials.createInsecure(), channel: grpc.credentials.createInsecure() };
}
