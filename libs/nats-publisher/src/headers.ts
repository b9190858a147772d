// NATS headers of a change message: the revision and the previous revision
// on the subject, so a subscriber (or a NATS-side filter) can order and
// gap-check without decoding the body.

import { headers } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { Revision } from '@logbook/mvcc';

export const REVISION_HEADER = 'Logbook-Revision';
export const PREV_REVISION_HEADER = 'Logbook-Prev-Revision';

/**
 * Room kept for these headers when sizing a body: NATS counts headers
 * against max_payload. "NATS/1.0\r\n" plus two "Name: <16 digits>\r\n"
 * lines and the final "\r\n" is under 100 bytes.
 */
export const HEADER_RESERVE_BYTES = 128;

/** Headers for a change message, or (prev omitted) for a reset. */
export function revisionHeaders(revision: Revision, prev?: Revision): MsgHdrs {
  const h = headers();
  h.set(REVISION_HEADER, String(revision));
  if (prev !== undefined) h.set(PREV_REVISION_HEADER, String(prev));
  return h;
}
