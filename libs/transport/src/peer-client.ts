// One client channel to one peer, and a single connection attempt on it.
// Each attempt gets a fresh channel with its own subchannel pool, so the
// transport's reconnect policy (not grpc-js's internal one) decides when to
// retry, and closing the channel really closes its connection.

import * as grpc from '@grpc/grpc-js';
import type { TransportCredentials } from './credentials.ts';
import type { TransportTiming } from './options.ts';

export function newPeerClient(address: string, credentials: TransportCredentials, timing: TransportTiming): grpc.Client {
  return new grpc.Client(address, credentials.channel, {
    'grpc.use_local_subchannel_pool': 1,
    'grpc.keepalive_time_ms': timing.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': timing.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    // The transport sends whatever it is given; the receiving server enforces its maxMessageBytes.
    'grpc.max_send_message_length': -1,
    // No transparent retries: a failed stream is the transport's to handle (raft retransmits).
    'grpc.enable_retries': 0,
  });
}

/**
 * Resolves when the channel is READY; rejects as soon as the attempt fails
 * (TRANSIENT_FAILURE, e.g. connection refused) or at `timeoutMs`, instead of
 * letting grpc-js retry inside the attempt.
 */
export function connectOnce(client: grpc.Client, timeoutMs: number, now: () => number = Date.now): Promise<void> {
  const channel = client.getChannel();
  const deadline = now() + timeoutMs;
  return new Promise<void>((resolve, reject) => {
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      switch (state) {
        case grpc.connectivityState.READY:
          resolve();
          return;
        case grpc.connectivityState.TRANSIENT_FAILURE:
          reject(new Error('connection failed'));
          return;
        case grpc.connectivityState.SHUTDOWN:
          reject(new Error('channel closed'));
          return;
        case grpc.connectivityState.IDLE:
        case grpc.connectivityState.CONNECTING:
          channel.watchConnectivityState(state, deadline, (err) => {
            if (err !== undefined) reject(new Error(`not connected within ${timeoutMs} ms`));
            else check();
          });
          return;
      }
    };
    check();
  });
}

/** A short description of a failed call for logs: `UNAVAILABLE: No connection established`. */
export function describeError(e: unknown): { code: string; details: string } {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number') {
    const name = grpc.status[e.code] ?? String(e.code);
    const details = 'details' in e && typeof e.details === 'string' ? e.details : '';
    return { code: name, details };
  }
  return { code: 'ERROR', details: e instanceof Error ? e.message : String(e) };
}
