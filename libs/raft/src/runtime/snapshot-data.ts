// The runtime's snapshot format: the members' addresses, then the state
// machine's own bytes. Addresses travel with the snapshot because a member
// that catches up from a snapshot never sees the conf-change entries (and
// their addresses) that the snapshot covers.
//
// Layout: u8 version (1) | u32 address-book length | address book (UTF-8
// JSON: [[id, "host:port"], ...]) | application data...

import { assert } from '../core/errors.ts';
import type { NodeId } from '../core/types.ts';

const VERSION = 1;
const HEADER_BYTES = 5;

export interface SnapshotContents {
  readonly addresses: ReadonlyMap<NodeId, string>;
  readonly app: Uint8Array;
}

export function encodeSnapshotData(addresses: ReadonlyMap<NodeId, string>, app: Uint8Array): Uint8Array {
  const book = new TextEncoder().encode(JSON.stringify([...addresses].sort((a, b) => a[0] - b[0])));
  const out = new Uint8Array(HEADER_BYTES + book.byteLength + app.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint32(1, book.byteLength);
  out.set(book, HEADER_BYTES);
  out.set(app, HEADER_BYTES + book.byteLength);
  return out;
}

/**
 * Snapshots are written by this runtime only; a malformed one is a broken
 * invariant. Empty data is the bootstrap snapshot of a new cluster: no
 * addresses, and the state machine's initial, empty state.
 */
export function decodeSnapshotData(data: Uint8Array): SnapshotContents {
  if (data.byteLength === 0) return { addresses: new Map(), app: data };
  assert(data.byteLength >= HEADER_BYTES, 'snapshot data is too short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  assert(view.getUint8(0) === VERSION, () => `unknown snapshot data version ${view.getUint8(0)}`);
  const bookBytes = view.getUint32(1);
  assert(HEADER_BYTES + bookBytes <= data.byteLength, 'snapshot address book overruns the data');
  const parsed: unknown = JSON.parse(new TextDecoder().decode(data.subarray(HEADER_BYTES, HEADER_BYTES + bookBytes)));
  assert(Array.isArray(parsed), 'snapshot address book is not an array');
  const addresses = new Map<NodeId, string>();
  for (const item of parsed as unknown[]) {
    assert(
      Array.isArray(item) && item.length === 2 && Number.isSafeInteger(item[0]) && typeof item[1] === 'string',
      'malformed snapshot address book entry',
    );
    addresses.set(item[0] as NodeId, item[1]);
  }
  return { addresses, app: data.subarray(HEADER_BYTES + bookBytes) };
}
