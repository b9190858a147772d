// JSON object → Kubernetes protobuf body, writing fields the way Go does
// (every non-pointer field, zero or not; pointers only when set), so tests
// exercise the decoder's zero rules on realistic bytes. Not used to answer
// requests: Logbook answers in JSON.

import { KubeProtobufError } from './errors.ts';
import { parseTime } from './json-values.ts';
import { messageForKind } from './kinds.ts';
import { KUBE_PROTOBUF_PREFIX } from './decode.ts';
import { messagePlan, type FieldPlan, type MessagePlan, type ScalarType } from './schema.ts';
import { WIRE_TYPES } from './wire-reader.ts';

class Writer {
  private readonly parts: number[] = [];

  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
  }

  tag(field: number, wireType: number): void {
    this.varint(BigInt(field * 8 + wireType));
  }

  raw(bytes: Uint8Array): void {
    for (const b of bytes) this.parts.push(b);
  }

  delimited(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_TYPES.bytes);
    this.varint(BigInt(bytes.length));
    this.raw(bytes);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

type Json = Record<string, unknown>;

export function encodeKubeProtobuf(apiVersion: string, kind: string, object: Json): Uint8Array {
  const name = messageForKind(apiVersion, kind);
  const plan = name === undefined ? undefined : messagePlan(name);
  if (plan === undefined) throw new KubeProtobufError('UnknownKind', `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`);
  const typeMeta = new Writer();
  typeMeta.delimited(1, new TextEncoder().encode(apiVersion));
  typeMeta.delimited(2, new TextEncoder().encode(kind));
  const env = new Writer();
  env.raw(KUBE_PROTOBUF_PREFIX);
  env.delimited(1, typeMeta.finish());
  env.delimited(2, encodeMessage(plan, object));
  env.delimited(3, new Uint8Array(0));
  env.delimited(4, new Uint8Array(0));
  return env.finish();
}

function encodeMessage(plan: MessagePlan, value: unknown): Uint8Array {
  const w = new Writer();
  if (plan.custom !== undefined) {
    encodeCustom(plan, value, w);
    return w.finish();
  }
  if (plan.jsonArray) {
    const only = plan.ordered[0];
    if (only !== undefined) writeField(w, only, value, true);
    return w.finish();
  }
  const obj = (typeof value === 'object' && value !== null ? value : {}) as Json;
  for (const f of plan.ordered) {
    if (f.inline) writeField(w, f, obj, true);
    else writeField(w, f, obj[f.name], Object.hasOwn(obj, f.name));
  }
  return w.finish();
}

function encodeCustom(plan: MessagePlan, value: unknown, w: Writer): void {
  switch (plan.custom) {
    case 'time': case 'microTime': {
      if (typeof value !== 'string') return; // the zero time: an empty message, as Go writes it
      const t = parseTime(value);
      w.tag(1, WIRE_TYPES.varint); w.varint(BigInt(t.seconds));
      w.tag(2, WIRE_TYPES.varint); w.varint(BigInt(t.nanos));
      return;
    }
    case 'quantity': w.delimited(1, new TextEncoder().encode(typeof value === 'string' ? value : '0')); return;
    case 'intOrString':
      w.tag(1, WIRE_TYPES.varint); w.varint(typeof value === 'string' ? 1n : 0n);
      w.tag(2, WIRE_TYPES.varint); w.varint(BigInt(typeof value === 'number' ? value : 0));
      w.delimited(3, new TextEncoder().encode(typeof value === 'string' ? value : ''));
      return;
    case 'rawJson':
      if (value !== undefined) w.delimited(1, new TextEncoder().encode(JSON.stringify(value)));
      return;
    case undefined: return;
  }
}

function writeField(w: Writer, f: FieldPlan, value: unknown, present: boolean): void {
  if (f.label === 'repeated') {
    if (Array.isArray(value)) for (const item of value) writeOne(w, f, item);
    return;
  }
  if (f.label === 'map') {
    if (typeof value !== 'object' || value === null) return;
    for (const [k, v] of Object.entries(value as Json)) {
      const entry = new Writer();
      writeScalar(entry, 1, f.keyType ?? 'string', k);
      writeOne(entry, { ...f, id: 2 }, v);
      w.delimited(f.id, entry.finish());
    }
    return;
  }
  if (f.ptr && !present) return;
  writeOne(w, f, value);
}

function writeOne(w: Writer, f: FieldPlan, value: unknown): void {
  if (f.value.kind === 'message') w.delimited(f.id, encodeMessage(f.value.plan(), value));
  else writeScalar(w, f.id, f.value.type, value);
}

function writeScalar(w: Writer, id: number, t: ScalarType, value: unknown): void {
  switch (t) {
    case 'string': w.delimited(id, new TextEncoder().encode(typeof value === 'string' ? value : '')); return;
    case 'bytes': w.delimited(id, Buffer.from(typeof value === 'string' ? value : '', 'base64')); return;
    case 'bool': w.tag(id, WIRE_TYPES.varint); w.varint(value === true ? 1n : 0n); return;
    case 'int32': case 'int64': case 'uint32': case 'uint64':
      w.tag(id, WIRE_TYPES.varint); w.varint(BigInt(typeof value === 'number' ? Math.trunc(value) : 0)); return;
    default: throw new Error(`encodeKubeProtobuf: scalar type ${t} is not used by kube types`);
  }
}
