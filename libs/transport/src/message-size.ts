// Size estimates of an encoded Message, without encoding it twice (the gRPC
// serializer encodes it once, on write).

import type { Entry, Message } from '@logbook/raft';

/** Worst case bytes of one field's tag + a uint64 varint. */
const UINT64_FIELD_MAX = 11;
/** Tag + length prefix of a bytes or nested message field. */
const LENGTH_DELIMITED_MAX = 6;
/** The scalar fields of Message (type, from, to, term, logTerm, index, commit, reject, rejectHint). */
const MESSAGE_FIXED_MAX = 9 * UINT64_FIELD_MAX;
/** An Entry's framing: term, index, type and the data's length prefix. */
const ENTRY_FIXED_MAX = LENGTH_DELIMITED_MAX + 3 * UINT64_FIELD_MAX + LENGTH_DELIMITED_MAX;

function entryMax(e: Entry): number {
  return ENTRY_FIXED_MAX + e.data.byteLength;
}

/** An upper bound on encodeMessage(m).byteLength, used for queue accounting. */
export function maxEncodedBytes(m: Message): number {
  let n = MESSAGE_FIXED_MAX + LENGTH_DELIMITED_MAX + m.context.byteLength;
  for (const e of m.entries) n += entryMax(e);
  if (m.snapshot !== undefined) {
    const cs = m.snapshot.metadata.confState;
    n += 4 * LENGTH_DELIMITED_MAX + 2 * UINT64_FIELD_MAX + (cs.voters.length + cs.learners.length) * UINT64_FIELD_MAX;
    n += m.snapshot.data.byteLength;
  }
  return n;
}

/** A lower bound: the payload bytes alone. A message above a limit by this measure can never be sent. */
export function minEncodedBytes(m: Message): number {
  let n = m.context.byteLength;
  for (const e of m.entries) n += e.data.byteLength;
  if (m.snapshot !== undefined) n += m.snapshot.data.byteLength;
  return n;
}
