// The payload of a normal log entry in the simulation: one register
// operation plus the identity of the request that proposed it, so the member
// that accepted the request can hand the result back to its client.
// Layout (24 bytes): [version u8 = 1][kind u8][key u8][clientId u8]
// [seq u32][a f64][b f64], where a/b are value, or expected/next for cas.

import type { RegisterInput } from './register-model.ts';

const VERSION = 1;
export const COMMAND_BYTES = 24;
const KINDS = ['write', 'read', 'cas'] as const;

export interface Command {
  readonly clientId: number;
  /** Per-client request sequence number; strictly increasing per client. */
  readonly seq: number;
  readonly input: RegisterInput;
}

export class CommandDecodeError extends Error {
  readonly code = 'command-invalid';
  constructor(message: string) {
    super(`sim command: ${message}`);
    this.name = 'CommandDecodeError';
  }
}

export function encodeCommand(c: Command): Uint8Array {
  if (!Number.isInteger(c.clientId) || c.clientId < 0 || c.clientId > 255) throw new RangeError(`clientId ${c.clientId}`);
  if (!Number.isInteger(c.seq) || c.seq < 0 || c.seq > 0xffffffff) throw new RangeError(`seq ${c.seq}`);
  if (!Number.isInteger(c.input.key) || c.input.key < 0 || c.input.key > 255) throw new RangeError(`key ${c.input.key}`);
  const out = new Uint8Array(COMMAND_BYTES);
  const v = new DataView(out.buffer);
  v.setUint8(0, VERSION);
  v.setUint8(1, KINDS.indexOf(c.input.kind));
  v.setUint8(2, c.input.key);
  v.setUint8(3, c.clientId);
  v.setUint32(4, c.seq);
  switch (c.input.kind) {
    case 'write':
      v.setFloat64(8, c.input.value);
      break;
    case 'read':
      break;
    case 'cas':
      v.setFloat64(8, c.input.expected);
      v.setFloat64(16, c.input.next);
      break;
  }
  return out;
}

export function decodeCommand(data: Uint8Array): Command {
  if (data.byteLength !== COMMAND_BYTES) throw new CommandDecodeError(`length ${data.byteLength}, want ${COMMAND_BYTES}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (v.getUint8(0) !== VERSION) throw new CommandDecodeError(`unknown version ${v.getUint8(0)}`);
  const kind = KINDS[v.getUint8(1)];
  if (kind === undefined) throw new CommandDecodeError(`unknown kind ${v.getUint8(1)}`);
  const key = v.getUint8(2);
  const clientId = v.getUint8(3);
  const seq = v.getUint32(4);
  const a = v.getFloat64(8);
  const b = v.getFloat64(16);
  const input: RegisterInput =
    kind === 'write' ? { kind, key, value: a } : kind === 'read' ? { kind, key } : { kind, key, expected: a, next: b };
  return { clientId, seq, input };
}

/** ReadIndex request context: [clientId u8][seq u32]. */
export function encodeReadContext(clientId: number, seq: number): Uint8Array {
  const out = new Uint8Array(5);
  const v = new DataView(out.buffer);
  v.setUint8(0, clientId);
  v.setUint32(1, seq);
  return out;
}

export function readContextKey(ctx: Uint8Array): string {
  if (ctx.byteLength !== 5) return '';
  const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
  return requestKey(v.getUint8(0), v.getUint32(1));
}

export function requestKey(clientId: number, seq: number): string {
  return `${clientId}:${seq}`;
}
