// Kubernetes protobuf body → the JSON object a JSON client would have sent.
// Go writes every non-pointer field, zero or not, so a zero non-pointer value
// is dropped (JSON's omitempty) unless Go's JSON would write it too (no
// omitempty: `value: 0`); a pointer field on the wire is kept even when zero
// (`replicas: 0`, `emptyDir: {}`). See README.md.

import { KubeProtobufError, malformed } from './errors.ts';
import { isZeroJson, rawJson, setOwn, timeJson } from './json-values.ts';
import { messageForKind } from './kinds.ts';
import { messagePlan, type FieldPlan, type MessagePlan, type ScalarType, type ValueShape } from './schema.ts';
import { WIRE_TYPES, WireReader } from './wire-reader.ts';

/** The `k8s\0` magic that starts every Kubernetes protobuf body. */
export const KUBE_PROTOBUF_PREFIX = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
export const DEFAULT_MAX_BYTES = 3 * 1024 * 1024;
/** Deeper than any built-in type (CronJob's label selectors sit at ~14); beyond it the body is refused. */
export const DEFAULT_MAX_DEPTH = 64;

export interface DecodeLimits {
  readonly maxBytes?: number;
  readonly maxDepth?: number;
}

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly object: Record<string, unknown>;
}

const UNKNOWN_FIELDS = { typeMeta: 1, raw: 2 } as const;
const utf8 = new TextDecoder('utf-8', { fatal: false });
/**
 * Objects holding nothing but zeros Go's JSON writes anyway (no omitempty):
 * a struct Go sent with nothing set (a create's `status: {allowed: false}`)
 * carries no intent, so a non-pointer field holding one is unset like `{}`.
 */
const hollow = new WeakSet<object>();

export function hasKubeProtobufPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= KUBE_PROTOBUF_PREFIX.length && KUBE_PROTOBUF_PREFIX.every((b, i) => bytes[i] === b);
}

export function decodeKubeProtobuf(bytes: Uint8Array, limits: DecodeLimits = {}): DecodedObject {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (bytes.length > maxBytes) throw new KubeProtobufError('TooLarge', `protobuf body of ${bytes.length} bytes exceeds the limit of ${maxBytes}`);
  if (bytes.length === 0) throw new KubeProtobufError('NotProtobuf', 'empty data');
  if (!hasKubeProtobufPrefix(bytes)) {
    throw new KubeProtobufError('NotProtobuf', `provided data does not appear to be a protobuf message, expected prefix [${KUBE_PROTOBUF_PREFIX.join(' ')}]`);
  }
  if (bytes.length === KUBE_PROTOBUF_PREFIX.length) throw new KubeProtobufError('NotProtobuf', 'empty body');

  const { apiVersion, kind, raw } = readEnvelope(new WireReader(bytes, KUBE_PROTOBUF_PREFIX.length));
  const typeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`;
  if (kind === '') throw malformed(`Object 'Kind' is missing in '${typeMeta}'`);
  if (apiVersion === '') throw malformed(`Object 'apiVersion' is missing in '${typeMeta}'`);
  const messageName = messageForKind(apiVersion, kind);
  const plan = messageName === undefined ? undefined : messagePlan(messageName);
  if (plan === undefined) throw new KubeProtobufError('UnknownKind', `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`);
  const body = decodeObject(plan, new WireReader(raw), maxDepth - 1);
  return { apiVersion, kind, object: { apiVersion, kind, ...body } };
}

function readEnvelope(r: WireReader): { apiVersion: string; kind: string; raw: Uint8Array } {
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array = new Uint8Array(0);
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === UNKNOWN_FIELDS.typeMeta && wireType === WIRE_TYPES.bytes) {
      const tm = r.delimited();
      while (!tm.done()) {
        const t = tm.tag();
        if (t.field === 1 && t.wireType === WIRE_TYPES.bytes) apiVersion = utf8.decode(tm.bytes());
        else if (t.field === 2 && t.wireType === WIRE_TYPES.bytes) kind = utf8.decode(tm.bytes());
        else tm.skip(t.wireType, t.field, 1);
      }
    } else if (field === UNKNOWN_FIELDS.raw && wireType === WIRE_TYPES.bytes) {
      raw = r.bytes();
    } else if (field <= 4 && wireType !== WIRE_TYPES.bytes) {
      throw malformed(`proto: wrong wireType = ${wireType} for field ${['', 'TypeMeta', 'Raw', 'ContentEncoding', 'ContentType'][field] ?? ''}`);
    } else {
      r.skip(wireType, field, 1);
    }
  }
  return { apiVersion, kind, raw };
}

function tooDeep(): KubeProtobufError {
  return new KubeProtobufError('TooDeep', 'proto: message nesting exceeds the depth limit');
}

/** A message as a JSON object, in declaration order; `depthLeft` counts the levels still allowed below. */
function decodeObject(plan: MessagePlan, r: WireReader, depthLeft: number): Record<string, unknown> {
  if (depthLeft < 0) throw tooDeep();
  const singles = new Map<number, unknown>();
  const lists = new Map<number, unknown[]>();
  const maps = new Map<number, Record<string, unknown>>();
  while (!r.done()) {
    const { field, wireType } = r.tag();
    const f = plan.fields.get(field);
    if (f === undefined) {
      // Fields newer than our definitions are dropped, as kube's own decoder does.
      r.skip(wireType, field, depthLeft);
      continue;
    }
    if (f.label === 'map') {
      expectWire(f, wireType, WIRE_TYPES.bytes);
      const [k, v] = readMapEntry(f, r.delimited(), depthLeft - 1);
      let m = maps.get(field);
      if (m === undefined) maps.set(field, (m = {}));
      setOwn(m, k, v);
    } else if (f.label === 'repeated') {
      let list = lists.get(field);
      if (list === undefined) lists.set(field, (list = []));
      if (f.value.kind === 'scalar' && wireType === WIRE_TYPES.bytes && packable(f.value.type)) {
        const packed = r.delimited();
        while (!packed.done()) list.push(readScalar(f, f.value.type, packed, wireFor(f.value.type)));
      } else {
        const v = readValue(f, f.value, r, wireType, depthLeft);
        list.push(v ?? null);
      }
    } else {
      singles.set(field, readValue(f, f.value, r, wireType, depthLeft));
    }
  }
  if (plan.custom !== undefined) return { value: customJson(plan, singles) };
  const out: Record<string, unknown> = {};
  let substantive = false;
  for (const f of plan.ordered) {
    if (f.label === 'map') {
      const m = maps.get(f.id);
      if (m !== undefined) { out[f.name] = m; substantive = true; }
    } else if (f.label === 'repeated') {
      const l = lists.get(f.id);
      if (l !== undefined && l.length > 0) { out[f.name] = l; substantive = true; }
    } else if (singles.has(f.id)) {
      const v = singles.get(f.id);
      if (f.inline && typeof v === 'object' && v !== null) {
        Object.assign(out, v);
        if (!hollow.has(v)) substantive = true;
      }
      else if (v !== undefined && (f.ptr || f.keepZero || !(isZeroJson(v) || hollow.has(v as object)))) {
        out[f.name] = v;
        if (f.ptr || !isZeroJson(v)) substantive = true;
      }
    }
  }
  if (!substantive && Object.keys(out).length > 0) hollow.add(out);
  return out;
}

/** A singular value or one element: scalars as JSON scalars, messages through their JSON form. */
function readValue(f: FieldPlan, shape: ValueShape, r: WireReader, wireType: number, depthLeft: number): unknown {
  if (shape.kind === 'scalar') return readScalar(f, shape.type, r, wireType);
  expectWire(f, wireType, WIRE_TYPES.bytes);
  return messageJson(shape.plan(), r.delimited(), depthLeft - 1);
}

function messageJson(plan: MessagePlan, r: WireReader, depthLeft: number): unknown {
  const obj = decodeObject(plan, r, depthLeft);
  if (plan.custom !== undefined) return obj['value'];
  if (plan.jsonArray) {
    const only = plan.ordered[0];
    return only === undefined ? [] : (obj[only.name] ?? []);
  }
  return obj;
}

function customJson(plan: MessagePlan, singles: ReadonlyMap<number, unknown>): unknown {
  switch (plan.custom) {
    case 'time':
    case 'microTime':
      return timeJson(Number(singles.get(1) ?? 0), Number(singles.get(2) ?? 0), plan.custom === 'microTime');
    case 'quantity': {
      const s = singles.get(1);
      return typeof s === 'string' && s !== '' ? s : undefined;
    }
    case 'intOrString': {
      const type = Number(singles.get(1) ?? 0);
      if (type === 0) return Number(singles.get(2) ?? 0);
      if (type === 1) {
        const s = singles.get(3);
        return typeof s === 'string' ? s : '';
      }
      throw malformed(`impossible IntOrString.Type ${type}`);
    }
    case 'rawJson': {
      const b64 = singles.get(1);
      return typeof b64 === 'string' ? rawJson(Buffer.from(b64, 'base64')) : undefined;
    }
    case undefined:
      throw new Error(`kube-protobuf: ${plan.fullName} is not a custom message`);
  }
}

function readMapEntry(f: FieldPlan, r: WireReader, depthLeft: number): [string, unknown] {
  if (depthLeft < 0) throw tooDeep();
  let key = '';
  let value: unknown;
  while (!r.done()) {
    const t = r.tag();
    if (t.field === 1) key = String(readScalar(f, f.keyType ?? 'string', r, t.wireType));
    else if (t.field === 2) value = readValue(f, f.value, r, t.wireType, depthLeft);
    else r.skip(t.wireType, t.field, depthLeft);
  }
  if (value === undefined) value = f.value.kind === 'scalar' ? zeroScalar(f.value.type) : f.value.plan().jsonArray ? [] : f.value.plan().custom === undefined ? {} : null;
  return [key, value];
}

function zeroScalar(t: ScalarType): unknown {
  return t === 'string' || t === 'bytes' ? '' : t === 'bool' ? false : 0;
}

function packable(t: ScalarType): boolean {
  return t !== 'string' && t !== 'bytes';
}

function wireFor(t: ScalarType): number {
  switch (t) {
    case 'double': case 'fixed64': case 'sfixed64': return WIRE_TYPES.fixed64;
    case 'float': case 'fixed32': case 'sfixed32': return WIRE_TYPES.fixed32;
    case 'string': case 'bytes': return WIRE_TYPES.bytes;
    default: return WIRE_TYPES.varint;
  }
}

function expectWire(f: FieldPlan, got: number, want: number): void {
  if (got !== want) throw malformed(`proto: wrong wireType = ${got} for field ${f.goName}`);
}

function readScalar(f: FieldPlan, t: ScalarType, r: WireReader, wireType: number): string | number | boolean {
  expectWire(f, wireType, wireFor(t));
  switch (t) {
    case 'string': return utf8.decode(r.bytes());
    case 'bytes': return Buffer.from(r.bytes()).toString('base64');
    case 'bool': return r.varint() !== 0n;
    case 'int32': return Number(BigInt.asIntN(32, r.varint()));
    case 'uint32': return Number(BigInt.asUintN(32, r.varint()));
    case 'int64': return Number(BigInt.asIntN(64, r.varint()));
    case 'uint64': return Number(r.varint());
    case 'sint32': case 'sint64': {
      const v = r.varint();
      const z = (v >> 1n) ^ -(v & 1n);
      return Number(t === 'sint32' ? BigInt.asIntN(32, z) : z);
    }
    case 'fixed32': return r.fixed(4).getUint32(0, true);
    case 'sfixed32': return r.fixed(4).getInt32(0, true);
    case 'float': return r.fixed(4).getFloat32(0, true);
    case 'fixed64': return Number(r.fixed(8).getBigUint64(0, true));
    case 'sfixed64': return Number(r.fixed(8).getBigInt64(0, true));
    case 'double': return r.fixed(8).getFloat64(0, true);
  }
}
