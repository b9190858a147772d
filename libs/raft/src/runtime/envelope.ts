// Every normal entry the runtime proposes is wrapped in an envelope that names
// its proposer, so that the member which accepted the proposal can find it
// again when the entry applies, even when the proposal was forwarded to the
// leader. Ids never repeat: a random 64-bit boot nonce distinguishes process
// lifetimes, and a counter distinguishes proposals within one.
//
// Layout (big-endian): u8 version (1) | u32 memberHi | u32 memberLo |
//   u32 nonceHi | u32 nonceLo | u32 seqHi | u32 seqLo | payload...
// Conf-change contexts use the same layout with the member's address as payload.

import { decodeConfChange } from '../core/conf-change.ts';
import { assert } from '../core/errors.ts';
import type { Entry, NodeId } from '../core/types.ts';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_HEADER_BYTES = 25;

/** Identity of one runtime instance (one process lifetime of one member). */
export interface ProposerId {
  readonly member: NodeId;
  readonly nonceHi: number;
  readonly nonceLo: number;
}

export interface Envelope {
  readonly member: NodeId;
  readonly nonceHi: number;
  readonly nonceLo: number;
  readonly seq: number;
  readonly payload: Uint8Array;
}

const TWO_32 = 2 ** 32;

export function encodeEnvelope(from: ProposerId, seq: number, payload: Uint8Array): Uint8Array {
  assert(Number.isSafeInteger(seq) && seq > 0, 'envelope seq must be a positive safe integer');
  const out = new Uint8Array(ENVELOPE_HEADER_BYTES + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, ENVELOPE_VERSION);
  view.setUint32(1, Math.floor(from.member / TWO_32));
  view.setUint32(5, from.member % TWO_32);
  view.setUint32(9, from.nonceHi);
  view.setUint32(13, from.nonceLo);
  view.setUint32(17, Math.floor(seq / TWO_32));
  view.setUint32(21, seq % TWO_32);
  out.set(payload, ENVELOPE_HEADER_BYTES);
  return out;
}

/**
 * Decodes an envelope. Every non-empty normal entry is written by a runtime,
 * so a malformed one is a broken invariant (a corrupted log or a foreign
 * writer) and fails an assertion rather than being skipped.
 */
export function decodeEnvelope(data: Uint8Array): Envelope {
  const view = headerView(data);
  return {
    member: memberAt(view),
    nonceHi: view.getUint32(9),
    nonceLo: view.getUint32(13),
    seq: view.getUint32(17) * TWO_32 + view.getUint32(21),
    payload: data.subarray(ENVELOPE_HEADER_BYTES),
  };
}

/** The proposing member of a normal entry's data, without decoding the rest; undefined for a no-op. */
export function envelopeMember(data: Uint8Array): NodeId | undefined {
  return data.byteLength === 0 ? undefined : memberAt(headerView(data));
}

/** A view of an envelope's header, checked (a malformed one fails an assertion, as decodeEnvelope says). */
function headerView(data: Uint8Array): DataView {
  assert(data.byteLength >= ENVELOPE_HEADER_BYTES, () => `entry of ${data.byteLength} bytes is too short for an envelope`);
  const view = new DataView(data.buffer, data.byteOffset, ENVELOPE_HEADER_BYTES);
  const version = view.getUint8(0);
  assert(version === ENVELOPE_VERSION, () => `unknown envelope version ${version}`);
  return view;
}

function memberAt(view: DataView): NodeId {
  return (view.getUint32(1) * TWO_32 + view.getUint32(5)) as NodeId;
}

export function isFrom(e: Envelope, p: ProposerId): boolean {
  return e.member === p.member && e.nonceHi === p.nonceHi && e.nonceLo === p.nonceLo;
}

/** The envelope of a normal entry or of a conf change's context; undefined for no-ops and foreign conf changes. */
export function envelopeOf(e: Entry): Envelope | undefined {
  if (e.type === 'normal') return e.data.byteLength === 0 ? undefined : decodeEnvelope(e.data);
  const context = decodeConfChange(e.data).context;
  return context.byteLength === 0 ? undefined : decodeEnvelope(context);
}
