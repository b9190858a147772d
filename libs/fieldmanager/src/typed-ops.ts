// The four operations server-side apply needs on typed values, with SMD's
// semantics: the field set an object sets (toFieldSet), the difference
// between two objects (compare), the merge of an applied configuration into
// a live object (merge), and removal of the paths of a set (removeItems).

import type { Path } from './path-element.ts';
import { FieldSet } from './field-set.ts';
import type { Child, WalkContext } from './typed-walk.ts';
import { deepEqual, expand, isEmptyValue } from './typed-walk.ts';
import type { TypeModel, TypeNode } from './type-model.ts';
import { isGranular, isPlainObject } from './type-model.ts';

/**
 * The paths an object sets: every leaf, every list item and map key; a
 * struct field only when its value is a leaf (a scalar, an atomic value).
 */
export function toFieldSet(ctx: WalkContext, t: TypeNode, value: unknown): FieldSet {
  const out = new FieldSet();
  const walk = (tt: TypeNode, v: unknown, path: Path): void => {
    const exp = expand(ctx, tt, v, path);
    if (exp.leaf) {
      out.insert(path);
      return;
    }
    for (const c of exp.children.values()) {
      const p = [...path, c.pe];
      walk(c.type, c.value, p);
      if (!c.declared) out.insert(p);
    }
  };
  walk(t, value, []);
  return out;
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/** What changed from lhs to rhs; a granular node that appears or disappears is itself added or removed. */
export function compare(ctx: WalkContext, t: TypeNode, lhs: unknown, rhs: unknown): Comparison {
  const added = new FieldSet();
  const modified = new FieldSet();
  const removed = new FieldSet();
  const walk = (tt: TypeNode, l: unknown, r: unknown, path: Path): void => {
    // Two empty granular values compare as leaves so `{}` vs absent is seen.
    const bothEmpty = isGranular(tt) && isEmptyValue(l) && isEmptyValue(r);
    const le = bothEmpty ? { leaf: true as const } : expand(ctx, tt, l, path);
    const re = bothEmpty ? { leaf: true as const } : expand(ctx, tt, r, path);
    if (le.leaf || re.leaf) {
      if (l === undefined) added.insert(path);
      else if (r === undefined) removed.insert(path);
      else if (!deepEqual(l, r)) modified.insert(path);
      return;
    }
    const keys = new Set([...le.children.keys(), ...re.children.keys()]);
    for (const k of keys) {
      const lc = le.children.get(k);
      const rc = re.children.get(k);
      const c = (rc ?? lc) as Child;
      walk(c.type, lc?.value, rc?.value, [...path, c.pe]);
    }
    if (path.length > 0) {
      if (l === undefined) added.insert(path);
      else if (r === undefined) removed.insert(path);
    }
  };
  walk(t, lhs, rhs, []);
  return { added, modified, removed };
}

/** The applied configuration merged into the live object. */
export function merge(ctx: WalkContext, t: TypeNode, live: unknown, config: unknown): unknown {
  const walk = (tt: TypeNode, l: unknown, r: unknown, path: Path): unknown => {
    if (r === undefined) return l;
    if (l === undefined) return r;
    if (!isGranular(tt)) return r;
    // A null or empty config value leaves a non-empty granular live value alone.
    if (isEmptyValue(r)) return isEmptyValue(l) ? r : l;
    const le = expand(ctx, tt, l, path);
    const re = expand(ctx, tt, r, path);
    if (le.leaf || re.leaf) return r;
    if (tt.kind === 'list') return mergeList(le.children, re.children, (c, lv, rv) => walk(c.type, lv, rv, [...path, c.pe]));
    const out: Record<string, unknown> = isPlainObject(l) ? { ...l } : {};
    for (const [k, rc] of re.children) {
      const name = (rc.pe as { name: string }).name;
      out[name] = walk(rc.type, le.children.get(k)?.value, rc.value, [...path, rc.pe]);
    }
    return out;
  };
  return walk(t, live, config, []);
}

/**
 * SMD's list merge order: config items in config order; live-only items stay
 * where they were relative to the shared items around them.
 */
function mergeList(
  lhs: ReadonlyMap<string, Child>,
  rhs: ReadonlyMap<string, Child>,
  mergeItem: (c: Child, l: unknown, r: unknown) => unknown,
): unknown[] {
  const lk = [...lhs.keys()];
  const rk = [...rhs.keys()];
  const shared = rk.filter((k) => lhs.has(k));
  let nextShared = 0;
  const done = new Set<string>();
  const out: unknown[] = [];
  const takeRight = (k: string): void => {
    const rc = rhs.get(k)!;
    out.push(mergeItem(rc, lhs.get(k)?.value, rc.value));
    done.add(k);
    if (shared[nextShared] === k) nextShared++;
  };
  let i = 0;
  let j = 0;
  while (i < lk.length || j < rk.length) {
    if (i < lk.length && j < rk.length && lk[i] === rk[j]) {
      takeRight(rk[j]!);
      i++;
      j++;
      continue;
    }
    if (i < lk.length) {
      const k = lk[i]!;
      if (!rhs.has(k)) {
        out.push(lhs.get(k)!.value);
        i++;
        continue;
      }
      if (done.has(k) || (nextShared < shared.length && shared[nextShared] !== k)) {
        i++;
        continue;
      }
    }
    if (j < rk.length) {
      if (!done.has(rk[j]!)) takeRight(rk[j]!);
      j++;
    } else {
      i++;
    }
  }
  return out;
}

/** The object without the members of `set` (each with everything below it). */
export function removeItems(ctx: WalkContext, t: TypeNode, value: unknown, set: FieldSet): unknown {
  const walk = (tt: TypeNode, v: unknown, s: FieldSet, path: Path): unknown => {
    const exp = expand(ctx, tt, v, path);
    if (exp.leaf) return v;
    if (tt.kind === 'list') {
      const out: unknown[] = [];
      for (const c of exp.children.values()) {
        if (s.hasMember(c.pe)) continue;
        const sub = s.child(c.pe);
        out.push(sub === undefined ? c.value : walk(c.type, c.value, sub, [...path, c.pe]));
      }
      return out;
    }
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [name, val] of Object.entries(v)) {
      const c = exp.children.get(`f:${name}`);
      if (c === undefined) {
        out[name] = val;
        continue;
      }
      if (s.hasMember(c.pe)) continue;
      const sub = s.child(c.pe);
      out[name] = sub === undefined ? val : walk(c.type, val, sub, [...path, c.pe]);
    }
    return out;
  };
  return walk(t, value, set, []);
}

/** SMD's EnsureNamedFieldsAreMembers: a struct field with owned children counts as owned itself. */
export function ensureNamedFieldsAreMembers(model: TypeModel, t: TypeNode, set: FieldSet): FieldSet {
  const extra = new FieldSet();
  const walk = (tt: TypeNode, s: FieldSet, path: Path): void => {
    for (const pe of s.childElements()) {
      const sub = s.child(pe)!;
      let childType: TypeNode = { kind: 'leaf' };
      if (tt.kind === 'struct' && pe.kind === 'field') {
        const f = tt.def.properties[pe.name];
        if (f !== undefined) {
          extra.insert([...path, pe]);
          childType = model.node(f);
        }
      } else if (tt.kind === 'map') childType = model.node(tt.values);
      else if (tt.kind === 'list') childType = model.node(tt.items);
      walk(childType, sub, [...path, pe]);
    }
  };
  walk(t, set, []);
  return set.union(extra);
}
