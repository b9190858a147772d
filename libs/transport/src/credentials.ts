// The seam for transport security: plaintext, or TLS from the store's
// --peer-* flags, without touching the transport.

import * as grpc from '@grpc/grpc-js';
import type { GrpcTls } from '@logbook/grpc-server';
import type { PeerClientTls } from './h2-send-call.ts';

export interface TransportCredentials {
  /** What the member's server listens with: undefined means plaintext. */
  readonly serverTls: GrpcTls | undefined;
  /** What the member's grpc-js client channels to its peers use (snapshots, the application's peer calls). */
  readonly channel: grpc.ChannelCredentials;
  /** The same for the Send streams (node:http2): undefined means plaintext. */
  readonly clientTls: PeerClientTls | undefined;
}

export function insecureCredentials(): TransportCredentials {
  return { serverTls: undefined, channel: grpc.credentials.createInsecure(), clientTls: undefined };
}
