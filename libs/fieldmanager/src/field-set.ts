// A set of field paths stored as a trie, with SMD's Set semantics:
// `members` are paths in the set, `children` hold deeper paths. A node can be
// both (a list item owned as a whole and its fields), which fieldsV1 writes
// as `".": {}`. Difference and intersection are member-wise; only
// recursiveDifference drops whole subtrees.

import { FieldManagerError } from './errors.ts';
import type { Path, PathElement } from './path-element.ts';
import { comparePE, decodePE, encodePE } from './path-element.ts';
import { MAX_DEPTH } from './limits.ts';

export type FieldsV1 = { readonly [key: string]: FieldsV1 };

export class FieldSet {
  readonly #members = new Map<string, PathElement>();
  readonly #children = new Map<string, { readonly pe: PathElement; readonly set: FieldSet }>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (mutates; sets are built, then treated as values). */
  insert(path: Path): void {
    if (path.length > 0) this.#insertFrom(path, 0);
  }

  #insertFrom(path: Path, i: number): void {
    const pe = path[i]!;
    if (i === path.length - 1) this.#members.set(encodePE(pe), pe);
    else this.#child(pe).#insertFrom(path, i + 1);
  }

  #child(pe: PathElement): FieldSet {
    const k = encodePE(pe);
    let c = this.#children.get(k);
    if (c === undefined) {
      c = { pe, set: new FieldSet() };
      this.#children.set(k, c);
    }
    return c.set;
  }

  has(path: Path): boolean {
    return path.length > 0 && this.#hasFrom(path, 0);
  }

  #hasFrom(path: Path, i: number): boolean {
    const k = encodePE(path[i]!);
    if (i === path.length - 1) return this.#members.has(k);
    const c = this.#children.get(k);
    return c !== undefined && c.set.#hasFrom(path, i + 1);
  }

  hasMember(pe: PathElement): boolean {
    return this.#members.has(encodePE(pe));
  }

  child(pe: PathElement): FieldSet | undefined {
    return this.#children.get(encodePE(pe))?.set;
  }

  /** Member elements and child elements of this node (for schema-guided walks). */
  childElements(): PathElement[] {
    return [...this.#children.values()].map((c) => c.pe);
  }

  empty(): boolean {
    if (this.#members.size > 0) return false;
    for (const c of this.#children.values()) if (!c.set.empty()) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const out = this.#clone();
    out.#addAll(other);
    return out;
  }

  #addAll(other: FieldSet): void {
    for (const [k, pe] of other.#members) this.#members.set(k, pe);
    for (const c of other.#children.values()) this.#child(c.pe).#addAll(c.set);
  }

  #clone(): FieldSet {
    const out = new FieldSet();
    out.#addAll(this);
    return out;
  }

  /** Members of this not in other, compared node by node (children of removed members stay). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const o = other.#children.get(k);
      const d = o === undefined ? c.set.#clone() : c.set.difference(o.set);
      if (!d.empty()) out.#children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  /** Like difference, and also drops everything below a member of other. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      if (other.#members.has(k)) continue;
      const o = other.#children.get(k);
      const d = o === undefined ? c.set.#clone() : c.set.recursiveDifference(o.set);
      if (!d.empty()) out.#children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const o = other.#children.get(k);
      if (o === undefined) continue;
      const i = c.set.intersection(o.set);
      if (!i.empty()) out.#children.set(k, { pe: c.pe, set: i });
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).empty() && other.difference(this).empty();
  }

  /** Every path, in SMD's order: a node's members (sorted), then its children (sorted), depth first. */
  paths(): Path[] {
    const out: Path[] = [];
    this.#collect([], out);
    return out;
  }

  #collect(prefix: Path, out: Path[]): void {
    for (const pe of [...this.#members.values()].sort(comparePE)) out.push([...prefix, pe]);
    for (const c of [...this.#children.values()].sort((a, b) => comparePE(a.pe, b.pe))) c.set.#collect([...prefix, c.pe], out);
  }

  /** The fieldsV1 form, keys in kube's order (`.` first, then by element order). */
  toFieldsV1(): FieldsV1 {
    return this.#emit(false);
  }

  #emit(includeSelf: boolean): FieldsV1 {
    const out: Record<string, FieldsV1> = {};
    if (includeSelf) out['.'] = {};
    const keys = new Map<string, PathElement>();
    for (const [k, pe] of this.#members) keys.set(k, pe);
    for (const [k, c] of this.#children) if (!c.set.empty()) keys.set(k, c.pe);
    for (const [k] of [...keys].sort((a, b) => comparePE(a[1], b[1]))) {
      const c = this.#children.get(k);
      out[k] = c !== undefined && !c.set.empty() ? c.set.#emit(this.#members.has(k)) : {};
    }
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const out = new FieldSet();
    out.#read(v, 0);
    return out;
  }

  #read(v: unknown, depth: number): void {
    if (depth > MAX_DEPTH) throw new FieldManagerError('TOO_DEEP', `fieldsV1 nests deeper than ${MAX_DEPTH} levels`);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new FieldManagerError('BAD_FIELDS_V1', 'fieldsV1 must be a JSON object of objects');
    }
    for (const [k, sub] of Object.entries(v as Record<string, unknown>)) {
      if (k === '.') continue;
      const pe = decodePE(k);
      if (sub === null || typeof sub !== 'object' || Array.isArray(sub)) {
        throw new FieldManagerError('BAD_FIELDS_V1', `fieldsV1 value at ${JSON.stringify(k)} must be an object`);
      }
      const entries = Object.keys(sub);
      // A leaf `{}` or an explicit `"."` makes the element a member.
      if (entries.length === 0 || entries.includes('.')) this.#members.set(k, pe);
      if (entries.some((e) => e !== '.')) this.#child(pe).#read(sub, depth + 1);
    }
  }
}
