// An object as kube-apiserver stores and prints it: Go's encoding/json writes
// every field that is neither a pointer nor `omitempty` even when it holds its
// zero value, and a struct field always (omitempty does not apply to
// structs). A JSON client that leaves them out still gets them back:
// `resources: {}` in a container, `creationTimestamp: null` in a pod
// template, `status: {replicas: 0}` on a new ReplicaSet, `rules: null` on an
// empty ClusterRole. The message plans carry the Go facts (pointer,
// omitempty) for every built-in kind, so the same definitions that decode
// protobuf bodies complete JSON ones.

import { messageForKind } from './kinds.ts';
import { messagePlan, type MessagePlan, type ScalarType } from './schema.ts';

/** Beyond this nesting the object is left as it is (bodies are depth-limited long before). */
const MAX_DEPTH = 100;

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarZero(t: ScalarType): unknown {
  if (t === 'string') return '';
  if (t === 'bool') return false;
  if (t === 'bytes') return null;
  return 0;
}

/** The JSON of a zero-valued non-pointer struct field, or undefined when Go would not write one we can know. */
function structZero(plan: MessagePlan, depth: number): unknown {
  switch (plan.custom) {
    case 'time':
    case 'microTime':
    case 'rawJson':
      return null; // their MarshalJSON writes null for the zero value
    case 'quantity':
      return '0';
    case 'intOrString':
      return 0;
    case undefined: {
      return fill(plan, {}, depth + 1);
    }
  }
}

/**
 * The object with Go's zero values added. Objects are changed in place unless
 * frozen (parts shared with a stored object): those are copied, and the copy
 * is returned for the parent to take.
 */
function fill(plan: MessagePlan, obj: JsonObject, depth: number, only?: ReadonlySet<string>): JsonObject {
  if (depth > MAX_DEPTH) return obj;
  let out = obj;
  const set = (k: string, v: unknown): void => {
    if (Object.isFrozen(out)) out = { ...out };
    out[k] = v;
  };
  for (const f of plan.ordered) {
    if (only !== undefined && !only.has(f.name)) continue;
    if (f.inline) {
      if (f.value.kind === 'message') out = fill(f.value.plan(), out, depth + 1);
      continue;
    }
    const v = out[f.name];
    if (f.label === 'repeated' || f.label === 'map') {
      if (v === undefined) {
        if (f.keepNull) set(f.name, null);
        continue;
      }
      if (f.value.kind !== 'message') continue;
      const sub = f.value.plan();
      if (sub.custom !== undefined) continue;
      if (Array.isArray(v)) {
        const items = v.map((item: unknown) => (isObject(item) ? fill(sub, item, depth + 1) : item));
        if (items.some((item, i) => item !== v[i])) set(f.name, items);
      } else if (isObject(v) && f.label === 'map') {
        const entries = Object.entries(v).map(([k, item]) => [k, isObject(item) ? fill(sub, item, depth + 1) : item] as const);
        if (entries.some(([k, item]) => item !== v[k])) set(f.name, Object.fromEntries(entries));
      }
      continue;
    }
    if (f.value.kind === 'scalar') {
      if ((v === undefined || v === null) && f.keepZero) set(f.name, scalarZero(f.value.type));
      continue;
    }
    const sub = f.value.plan();
    if (v === undefined || v === null) {
      if (f.ptr) continue;
      const zero = structZero(sub, depth);
      if (zero !== undefined) set(f.name, zero);
    } else if (isObject(v) && sub.custom === undefined) {
      const filled = fill(sub, v, depth + 1);
      if (filled !== v) set(f.name, filled);
    }
  }
  return out;
}

/**
 * Adds the zero values Go's JSON encoder would write for the kind's type, in
 * place (frozen parts inside are replaced by completed copies; `obj` itself
 * must not be frozen). `fields` limits it to those top-level fields. Kinds without a definition (custom resources) are left
 * untouched. Returns whether the kind is known.
 */
export function completeGoZeroValues(apiVersion: string, kind: string, obj: JsonObject, opts: { readonly fields?: readonly string[] } = {}): boolean {
  const name = messageForKind(apiVersion, kind);
  const plan = name !== undefined ? messagePlan(name) : undefined;
  if (plan === undefined) return false;
  if (Object.isFrozen(obj)) throw new TypeError('completeGoZeroValues: the object itself must be writable');
  const filled = fill(plan, obj, 0, opts.fields !== undefined ? new Set(opts.fields) : undefined);
  if (filled !== obj) Object.assign(obj, filled);
  return true;
}
