// Walking an object by its TypeNode: which children a node has, each with
// its path element and type. In strict mode (an apply body) anything the
// schema does not allow is an error, collected with its path as SMD reports
// it; in lenient mode (a stored or updated object, which kube's own decoding
// already checked) such a node is simply treated as a leaf.

import { FieldManagerError } from './errors.ts';
import { MAX_DEPTH } from './limits.ts';
import type { Path, PathElement } from './path-element.ts';
import { encodePE, fieldPE, pathString } from './path-element.ts';
import type { TypeModel, TypeNode } from './type-model.ts';
import { ItemKeyError, LEAF, isPlainObject } from './type-model.ts';

export interface Child {
  readonly pe: PathElement;
  readonly value: unknown;
  readonly type: TypeNode;
  /** A struct field (false for map keys and list items: those are always members when present). */
  readonly declared: boolean;
  readonly listItem: boolean;
}

export interface WalkContext {
  readonly model: TypeModel;
  readonly strict: boolean;
  readonly errors: string[];
}

export type Expansion = { readonly leaf: true } | { readonly leaf: false; readonly children: ReadonlyMap<string, Child> };

const LEAF_EXPANSION: Expansion = { leaf: true };
const NO_CHILDREN: Expansion = { leaf: false, children: new Map() };

function fail(ctx: WalkContext, path: Path, msg: string): Expansion {
  if (ctx.strict) ctx.errors.push(`${pathString(path)}: ${msg}`);
  return LEAF_EXPANSION;
}

const describe = (v: unknown): string => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v === 'object' ? 'map' : typeof v);

/** The children of `value` at `path`, or leaf when the node is owned and compared as a whole. */
export function expand(ctx: WalkContext, t: TypeNode, value: unknown, path: Path): Expansion {
  if (path.length > MAX_DEPTH) throw new FieldManagerError('TOO_DEEP', `object nests deeper than ${MAX_DEPTH} levels`);
  if (t.kind === 'leaf') return LEAF_EXPANSION;
  if (t.kind === 'list') {
    if (value === null || value === undefined) return t.relation === 'atomic' ? LEAF_EXPANSION : NO_CHILDREN;
    if (!Array.isArray(value)) return fail(ctx, path, `expected list, got ${describe(value)}`);
    if (t.relation === 'atomic') return LEAF_EXPANSION;
    const itemType = ctx.model.node(t.items);
    const children = new Map<string, Child>();
    for (let i = 0; i < value.length; i++) {
      let pe: PathElement;
      try {
        pe = ctx.model.itemPE(t, value[i]);
      } catch (err) {
        if (err instanceof ItemKeyError) return fail(ctx, path, `element ${i}: ${err.message}`);
        throw err;
      }
      const k = encodePE(pe);
      // kube tolerates duplicates in stored lists by treating the list as a whole.
      if (children.has(k)) return fail(ctx, path, `duplicate entries for key ${pathString([pe])}`);
      children.set(k, { pe, value: value[i], type: itemType, declared: false, listItem: true });
    }
    return { leaf: false, children };
  }
  if (value === null || value === undefined) return t.atomic ? LEAF_EXPANSION : NO_CHILDREN;
  if (!isPlainObject(value)) return fail(ctx, path, `expected map, got ${describe(value)}`);
  if (t.atomic) return LEAF_EXPANSION;
  const children = new Map<string, Child>();
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const pe = fieldPE(name);
    const f = ctx.model.childType(t, name);
    if (f === undefined) {
      if (ctx.strict) {
        ctx.errors.push(`${pathString([...path, pe])}: field not declared in schema`);
        continue;
      }
      children.set(encodePE(pe), { pe, value: v, type: LEAF, declared: false, listItem: false });
      continue;
    }
    children.set(encodePE(pe), { pe, value: v, type: ctx.model.node(f), declared: t.kind === 'struct', listItem: false });
  }
  return { leaf: false, children };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bl = b as unknown[];
    return a.length === bl.length && a.every((x, i) => deepEqual(x, bl[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}

export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && Object.keys(v).length === 0;
}
