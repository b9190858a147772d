// Binary encoding of a ConfChange inside a 'conf-change' log entry:
// [version u8 = 1][type u8][nodeId u64 as two u32][context bytes...].
// Decoding validates everything: entries come from disk and from peers.

import { RaftError } from './errors.ts';
import type { ConfChange, ConfChangeType, NodeId } from './types.ts';

const VERSION = 1;
const TYPES: readonly ConfChangeType[] = ['add-voter', 'add-learner', 'remove-node'];
const HEADER_BYTES = 10;

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + cc.context.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, TYPES.indexOf(cc.type));
  view.setUint32(2, Math.floor(cc.nodeId / 2 ** 32));
  view.setUint32(6, cc.nodeId >>> 0);
  out.set(cc.context, HEADER_BYTES);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.byteLength < HEADER_BYTES) throw new RaftError('config-invalid', 'conf change: truncated');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint8(0) !== VERSION) throw new RaftError('config-invalid', `conf change: unknown version ${view.getUint8(0)}`);
  const type = TYPES[view.getUint8(1)];
  if (type === undefined) throw new RaftError('config-invalid', `conf change: unknown type ${view.getUint8(1)}`);
  const id = view.getUint32(2) * 2 ** 32 + view.getUint32(6);
  if (!Number.isSafeInteger(id) || id <= 0) throw new RaftError('config-invalid', `conf change: invalid node id ${id}`);
  return { type, nodeId: id as NodeId, context: data.slice(HEADER_BYTES) };
}
