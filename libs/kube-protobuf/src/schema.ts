// The message definitions, read once from proto/k8s/*.proto with protobufjs
// reflection, and turned into decode plans: per message, field number → what
// the JSON form needs (name, shape, Go pointer-ness, inlining).

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('../../../proto/k8s/', import.meta.url));

/** Messages whose JSON form is not an object of their fields (custom Go marshalling). */
export const CUSTOM_MESSAGES = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'microTime',
  'k8s.io.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'intOrString',
  'k8s.io.apimachinery.pkg.runtime.RawExtension': 'rawJson',
  'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'rawJson',
} as const;
export type CustomKind = (typeof CUSTOM_MESSAGES)[keyof typeof CUSTOM_MESSAGES];

export const SCALAR_TYPES = ['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export type ValueShape =
  | { readonly kind: 'scalar'; readonly type: ScalarType }
  | { readonly kind: 'message'; readonly plan: () => MessagePlan };

export interface FieldPlan {
  readonly id: number;
  readonly name: string;
  /** Upstream's Go field name, for gogo's `wrong wireType ... for field X` text. */
  readonly goName: string;
  readonly value: ValueShape;
  readonly label: 'single' | 'repeated' | 'map';
  readonly keyType: ScalarType | undefined;
  /** A Go pointer: present on the wire means set, even when zero. */
  readonly ptr: boolean;
  /** A non-pointer scalar Go's JSON writes even when zero (no omitempty). */
  readonly keepZero: boolean;
  /** A slice or map without omitempty: Go's JSON writes `null` when it is empty. */
  readonly keepNull: boolean;
  /** An embedded struct whose fields appear in the parent's JSON object. */
  readonly inline: boolean;
}

export interface MessagePlan {
  readonly fullName: string;
  readonly custom: CustomKind | undefined;
  /** A Go slice type (ExtraValue): JSON is the array of its single repeated field. */
  readonly jsonArray: boolean;
  readonly fields: ReadonlyMap<number, FieldPlan>;
  readonly ordered: readonly FieldPlan[];
}

let root: protobuf.Root | undefined;
const plans = new Map<string, MessagePlan>();

function loadRoot(): protobuf.Root {
  if (root !== undefined) return root;
  const r = new protobuf.Root();
  for (const file of readdirSync(PROTO_DIR).filter((f) => f.endsWith('.proto')).sort()) {
    protobuf.parse(readFileSync(PROTO_DIR + file, 'utf8'), r, { keepCase: true });
  }
  r.resolveAll();
  root = r;
  return r;
}

function isScalar(t: string): t is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(t);
}

/** The decode plan of a fully-qualified message name (no leading dot); undefined if we have no such message. */
export function messagePlan(fullName: string): MessagePlan | undefined {
  const cached = plans.get(fullName);
  if (cached !== undefined) return cached;
  let type: protobuf.Type;
  try {
    type = loadRoot().lookupType(fullName);
  } catch (err: unknown) {
    if (err instanceof Error && /no such type/.test(err.message)) return undefined;
    throw err;
  }
  const fields = new Map<number, FieldPlan>();
  const ordered: FieldPlan[] = [];
  for (const f of type.fieldsArray) {
    const opts = f.options ?? {};
    let value: ValueShape;
    if (isScalar(f.type)) value = { kind: 'scalar', type: f.type };
    else {
      const target = (f.resolvedType ?? undefined)?.fullName.replace(/^\./, '');
      if (target === undefined) throw new Error(`kube-protobuf: ${fullName}.${f.name} has unresolved type ${f.type}`);
      value = { kind: 'message', plan: () => mustPlan(target) };
    }
    const map = f instanceof protobuf.MapField;
    const keyType = map ? f.keyType : undefined;
    if (keyType !== undefined && !isScalar(keyType)) throw new Error(`kube-protobuf: ${fullName}.${f.name} has map key ${keyType}`);
    const plan: FieldPlan = {
      id: f.id,
      name: f.name,
      goName: f.name.charAt(0).toUpperCase() + f.name.slice(1),
      value,
      label: map ? 'map' : f.repeated ? 'repeated' : 'single',
      keyType,
      ptr: opts['(logbook_ptr)'] === true,
      keepZero: opts['(logbook_keep_zero)'] === true,
      keepNull: opts['(logbook_keep_null)'] === true,
      inline: opts['(logbook_inline)'] === true,
    };
    fields.set(f.id, plan);
    ordered.push(plan);
  }
  const custom = (CUSTOM_MESSAGES as Readonly<Record<string, CustomKind>>)[fullName];
  const plan: MessagePlan = { fullName, custom, jsonArray: type.options?.['(logbook_json_array)'] === true, fields, ordered };
  plans.set(fullName, plan);
  return plan;
}

function mustPlan(fullName: string): MessagePlan {
  const p = messagePlan(fullName);
  if (p === undefined) throw new Error(`kube-protobuf: message ${fullName} referenced but not defined`);
  return p;
}
