// etcdctl's `-w json` output. etcd prints member, cluster and lease ids as
// bare JSON numbers, and most ids are uint64s above 2^53: JSON.parse would
// round them, so integer literals outside the safe range become bigints
// (through the reviver's source text, Node >= 22). Byte strings (keys,
// values) are base64, as Go's encoding/json writes []byte.

type JsonReviverContext = { readonly source?: string };

function keepLargeIntegers(_key: string, value: unknown, context?: JsonReviverContext): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? BigInt(source) : value;
}

/** Parses one JSON document printed by etcdctl; throws with the text when it is not JSON. */
export function parseEtcdJson(text: string): unknown {
  try {
    return JSON.parse(text, keepLargeIntegers) as unknown;
  } catch (err) {
    throw new Error(`etcdctl printed no JSON: ${JSON.stringify(text.slice(0, 500))}`, { cause: err });
  }
}

/** An id or integer field that may be a number or (above 2^53) a bigint, as a bigint. */
export function asBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new TypeError(`${what}: expected an integer, got ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)}`);
}

/** A revision, count or size field: a safe integer; absent means 0 (Go's omitempty). */
export function asInt(value: unknown, what: string): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new TypeError(`${what}: expected a safe integer, got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`);
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const unb64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');

/** A field of a JSON object, or undefined (no throw) when `value` is not an object. */
export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

/** An array field, [] when absent (omitempty). */
export function arrayField(value: unknown, name: string): readonly unknown[] {
  const v = field(value, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new TypeError(`${name}: expected an array, got ${typeof v}`);
  return v as unknown[];
}

/** A lease id as etcdctl prints it in simple output: 16 lowercase hex digits, zero-padded. */
export const leaseHex = (id: bigint): string => id.toString(16).padStart(16, '0');

/** A member id as etcdctl prints it (member list, endpoint status): lowercase hex, not padded. */
export const memberHex = (id: bigint): string => id.toString(16);

/** Decoded mvccpb.KeyValue as printed by etcdctl -w json. */
export interface JsonKeyValue {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly lease: bigint;
}

export function keyValue(kv: unknown): JsonKeyValue {
  return {
    key: unb64(field(kv, 'key')),
    value: unb64(field(kv, 'value')),
    createRevision: asInt(field(kv, 'create_revision'), 'create_revision'),
    modRevision: asInt(field(kv, 'mod_revision'), 'mod_revision'),
    version: asInt(field(kv, 'version'), 'version'),
    lease: field(kv, 'lease') === undefined ? 0n : asBigInt(field(kv, 'lease'), 'lease'),
  };
}

/** The header's revision, of any etcdctl JSON response that has a `header`. */
export const headerRevision = (response: unknown): number => asInt(field(field(response, 'header'), 'revision'), 'header.revision');
