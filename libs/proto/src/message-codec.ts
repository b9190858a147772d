// The Raft message codec: the core's flat `Message` <-> logbook.raft.v1.Message.
// Only network message types have a wire form; local ones never leave a member.

import type { LogIndex, Message, MessageType, NetworkMessageType, NodeId, Snapshot, Term } from '@logbook/raft';
import { ProtoDecodeError, ProtoEncodeError } from './errors.ts';
import { logbook } from './gen/raft.js';
import { fromWireEntries, fromWireSnapshot, toWireEntry, toWireSnapshot } from './state-codec.ts';
import { checkUint64, field, readBool, readBytes, readObject, readUint64, requireObject, runDecode } from './wire-values.ts';

const pb = logbook.raft.v1;
const W = pb.MessageType;

const TYPE_TO_WIRE: ReadonlyMap<MessageType, number> = new Map<NetworkMessageType, number>([
  ['MsgApp', W.MSG_APP],
  ['MsgAppResp', W.MSG_APP_RESP],
  ['MsgVote', W.MSG_VOTE],
  ['MsgVoteResp', W.MSG_VOTE_RESP],
  ['MsgPreVote', W.MSG_PRE_VOTE],
  ['MsgPreVoteResp', W.MSG_PRE_VOTE_RESP],
  ['MsgHeartbeat', W.MSG_HEARTBEAT],
  ['MsgHeartbeatResp', W.MSG_HEARTBEAT_RESP],
  ['MsgSnap', W.MSG_SNAP],
  ['MsgProp', W.MSG_PROP],
  ['MsgReadIndex', W.MSG_READ_INDEX],
  ['MsgReadIndexResp', W.MSG_READ_INDEX_RESP],
  ['MsgTimeoutNow', W.MSG_TIMEOUT_NOW],
  ['MsgTransferLeader', W.MSG_TRANSFER_LEADER],
]);

const TYPE_FROM_WIRE: ReadonlyMap<number, NetworkMessageType> = new Map(
  [...TYPE_TO_WIRE].map(([k, v]) => [v, k as NetworkMessageType] as const),
);

/** True for the message types that travel between members. */
export function isNetworkMessageType(t: MessageType): t is NetworkMessageType {
  return TYPE_TO_WIRE.has(t);
}

/** The generated encoder's input for `m`; `path` prefixes field names in errors. */
export function toWireMessage(m: Message, path: string): logbook.raft.v1.Message.$Properties {
  const p = path === '' ? '' : `${path}.`;
  const type = TYPE_TO_WIRE.get(m.type);
  if (type === undefined) {
    throw new ProtoEncodeError('local-message-type', `${p}type`, `${m.type} is local to a member and has no wire form`);
  }
  const props: logbook.raft.v1.Message.$Properties = {
    type,
    from: checkUint64(m.from, `${p}from`),
    to: checkUint64(m.to, `${p}to`),
    term: checkUint64(m.term, `${p}term`),
    logTerm: checkUint64(m.logTerm, `${p}logTerm`),
    index: checkUint64(m.index, `${p}index`),
    entries: m.entries.map((e, i) => toWireEntry(e, `${p}entries[${i}]`)),
    commit: checkUint64(m.commit, `${p}commit`),
    reject: m.reject,
    rejectHint: checkUint64(m.rejectHint, `${p}rejectHint`),
    context: m.context,
  };
  if (m.snapshot !== undefined) props.snapshot = toWireSnapshot(m.snapshot, `${p}snapshot`);
  if (m.noAck === true) props.noAck = true;
  return props;
}

/** Narrows a decoded logbook.raft.v1.Message (read as unknown) into the core's Message. */
export function fromWireMessage(v: unknown, path: string): Message {
  const p = path === '' ? '' : `${path}.`;
  const o = requireObject(v, path);
  const rawType = field(o, 'type') ?? 0;
  const type = typeof rawType === 'number' ? TYPE_FROM_WIRE.get(rawType) : undefined;
  if (type === undefined) {
    throw new ProtoDecodeError('invalid-enum', `${p}type`, `unknown or unspecified message type ${JSON.stringify(rawType) ?? typeof rawType}`);
  }
  const from = readUint64(field(o, 'from'), `${p}from`);
  const to = readUint64(field(o, 'to'), `${p}to`);
  // Every network message names both ends; 0 means "none" and cannot be routed or answered.
  if (from === 0) throw new ProtoDecodeError('missing-field', `${p}from`, 'sender is 0');
  if (to === 0) throw new ProtoDecodeError('missing-field', `${p}to`, 'recipient is 0');
  const rawSnapshot = readObject(field(o, 'snapshot'), `${p}snapshot`);
  const snapshot: Snapshot | undefined =
    rawSnapshot === undefined ? undefined : fromWireSnapshot(rawSnapshot, `${p}snapshot`);
  if (type === 'MsgSnap' && snapshot === undefined) {
    throw new ProtoDecodeError('missing-field', `${p}snapshot`, 'MsgSnap without a snapshot');
  }
  const m: Message = {
    type,
    from: from as NodeId,
    to: to as NodeId,
    term: readUint64(field(o, 'term'), `${p}term`) as Term,
    logTerm: readUint64(field(o, 'logTerm'), `${p}logTerm`) as Term,
    index: readUint64(field(o, 'index'), `${p}index`) as LogIndex,
    entries: fromWireEntries(field(o, 'entries'), `${p}entries`),
    commit: readUint64(field(o, 'commit'), `${p}commit`) as LogIndex,
    reject: readBool(field(o, 'reject'), `${p}reject`),
    rejectHint: readUint64(field(o, 'rejectHint'), `${p}rejectHint`) as LogIndex,
    context: readBytes(field(o, 'context'), `${p}context`),
    snapshot,
    noAck: readBool(field(o, 'noAck'), `${p}noAck`),
  };
  return m;
}

/** Encodes a network message. Throws ProtoEncodeError for local types or invalid numbers. */
export function encodeMessage(m: Message): Uint8Array {
  return pb.Message.encode(toWireMessage(m, '')).finish();
}

/**
 * Decodes and validates a message; throws ProtoDecodeError on any bad input.
 * Byte fields (entry data, context, snapshot data) are views into `bytes`:
 * do not reuse or mutate the input afterwards.
 */
export function decodeMessage(bytes: Uint8Array): Message {
  return fromWireMessage(runDecode('Message', () => pb.Message.decode(bytes)), '');
}
