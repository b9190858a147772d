// fieldValidation's findings about a request body, and kube's wording for
// them. The body decoder (libs/endpoints) finds duplicate keys while it still
// has the bytes; the registry learns the unknown fields when it decodes the
// object against its type. The decoder's findings travel on the decoded object
// itself, under a non-enumerable symbol, so every existing caller of the
// decoder keeps its plain object and nothing serialises them by accident.
//
// kube's texts (sigs.k8s.io/json and goyaml.v2 as kube-apiserver 1.33 uses them):
//   JSON: `duplicate field "spec.replicas"` and `unknown field "spec.foo"`,
//         interleaved in document order, each (kind, path) once, 100 at most;
//   YAML: goyaml's `line 7: key "replicas" already set in map` lines, as one
//         `yaml: unmarshal errors:\n  line …` error ahead of the unknown
//         fields, which follow in sorted-key order (kube re-encodes YAML as
//         JSON from a Go map, whose keys encoding/json sorts).

import { goQuote } from './go-format.ts';

/** The property a decoded body carries its diagnostics under. */
export const BODY_DIAGNOSTICS: unique symbol = Symbol('logbook.bodyDiagnostics');

/** A step of a path: an object key or a list index. */
export type PathSegment = string | number;

export interface DuplicateField {
  /** kube's strict-error path: keys joined by `.`, list indices as `[i]` (`spec.template.spec.containers[0].image`). */
  readonly path: string;
  readonly segments: readonly PathSegment[];
  /**
   * How many distinct keys the enclosing object had when the repeat was read:
   * the repeat sits in the document after the subtrees of that many keys.
   */
  readonly after: number;
}

export interface BodyDiagnostics {
  readonly syntax: 'json' | 'yaml';
  /** JSON bodies: each duplicated key once, in document order (at most MAX_STRICT_ERRORS). */
  readonly duplicateFields: readonly DuplicateField[];
  /** YAML bodies: goyaml's error lines, `line 5: key "name" already set in map`, in decoding order. */
  readonly yamlErrors: readonly string[];
}

/** kube's decoder stops collecting strict errors here (sigs.k8s.io/json saveStrictError). */
export const MAX_STRICT_ERRORS = 100;

export function attachBodyDiagnostics<T extends object>(obj: T, diagnostics: BodyDiagnostics): T {
  Object.defineProperty(obj, BODY_DIAGNOSTICS, { value: diagnostics, enumerable: false, writable: false, configurable: true });
  return obj;
}

/** The diagnostics a decoded body carries, if the body decoder attached any. */
export function bodyDiagnostics(obj: unknown): BodyDiagnostics | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const d = (obj as { [BODY_DIAGNOSTICS]?: unknown })[BODY_DIAGNOSTICS];
  return typeof d === 'object' && d !== null ? (d as BodyDiagnostics) : undefined;
}

/** `["spec", "containers", 0, "image"]` → `spec.containers[0].image`. */
export function strictPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/** goyaml.v2's line for a repeated key: the key as Go's `%#v` prints it (`"name"`, `1`, `true`, `<nil>`). */
export function yamlDuplicateKeyLine(line: number, key: unknown): string {
  let shown = '<nil>';
  if (typeof key === 'string') shown = goQuote(key);
  else if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') shown = String(key);
  return `line ${line}: key ${shown} already set in map`;
}

/** goyaml's `yaml: unmarshal errors:` error text for the collected lines. */
export function yamlUnmarshalErrors(lines: readonly string[]): string {
  return `yaml: unmarshal errors:\n  ${lines.join('\n  ')}`;
}

export interface StrictDecodingFindings {
  /** The parts of kube's `strict decoding error: <a>, <b>, …` message, in kube's order. */
  readonly errors: readonly string[];
  /** One Warning per finding under fieldValidation=Warn, in the same order (YAML lines one by one). */
  readonly warnings: readonly string[];
}

const NO_FINDINGS: StrictDecodingFindings = { errors: [], warnings: [] };

/**
 * Puts the body decoder's duplicates and the type decoder's unknown fields
 * into kube's order. `body` is the object as parsed (before unknown fields
 * were dropped): it gives the document order of keys. `unknownFields` are the
 * paths the type decoder reports (`spec.foo`, `spec.containers[0].bar`).
 * With `patch`, `diagnostics` are the patch document's and `body` is the
 * patched object.
 */
export function strictDecodingFindings(
  body: unknown, unknownFields: readonly string[], diagnostics: BodyDiagnostics | undefined, opts: { readonly patch?: boolean } = {},
): StrictDecodingFindings {
  if (unknownFields.length === 0 && (diagnostics === undefined || (diagnostics.duplicateFields.length === 0 && diagnostics.yamlErrors.length === 0))) {
    return NO_FINDINGS;
  }
  const unknown = unknownFields.map((path) => ({ text: `unknown field ${goQuote(path)}`, path, segments: resolveSegments(body, path) }));
  const sortedUnknown = (): string[] => unknown.map((u, i) => ({ ...u, i })).sort((a, b) => compareSorted(a.segments, b.segments) || a.i - b.i).map((u) => u.text);
  if (diagnostics?.syntax === 'yaml') {
    const errors = diagnostics.yamlErrors.length > 0 ? [yamlUnmarshalErrors(diagnostics.yamlErrors)] : [];
    const sorted = sortedUnknown();
    return { errors: [...errors, ...sorted], warnings: [...diagnostics.yamlErrors, ...sorted] };
  }
  if (opts.patch === true) {
    // Merge and strategic merge patches: kube checks the patch document (a plain map: every repeat counts,
    // unknown keys too), then decodes the patched object, which it re-encoded from a Go map (sorted keys).
    const texts = [...(diagnostics?.duplicateFields ?? []).map((d) => `duplicate field ${goQuote(d.path)}`), ...sortedUnknown()].slice(0, MAX_STRICT_ERRORS);
    return { errors: texts, warnings: texts };
  }
  // A field both unknown and repeated is reported as unknown only: kube's decoder checks repeats of known fields.
  const dropped = (path: string): boolean => unknownFields.some((u) => path === u || path.startsWith(`${u}.`) || path.startsWith(`${u}[`));
  const items = unknown.map((u, i) => ({ text: u.text, rank: documentRanks(body, u.segments, undefined), i }));
  for (const d of diagnostics?.duplicateFields ?? []) {
    if (dropped(d.path)) continue;
    items.push({ text: `duplicate field ${goQuote(d.path)}`, rank: documentRanks(body, d.segments, d.after), i: items.length });
  }
  items.sort((a, b) => compareRanks(a.rank, b.rank) || a.i - b.i);
  const texts = items.slice(0, MAX_STRICT_ERRORS).map((x) => x.text);
  return { errors: texts, warnings: texts };
}

const TOKEN = /(?:^|\.)([^.[]+)|\[([^\]]*)\]/g;

/** The type decoder's path back into keys and indices, guided by the body's shape (`[k]` is a map key or an index). */
function resolveSegments(body: unknown, path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let node: unknown = body;
  for (const m of path.matchAll(TOKEN)) {
    const key = m[1] ?? m[2] ?? '';
    const seg: PathSegment = m[2] !== undefined && Array.isArray(node) ? Number(key) : key;
    out.push(seg);
    node = child(node, seg);
  }
  return out;
}

function child(node: unknown, seg: PathSegment): unknown {
  if (typeof seg === 'number') return Array.isArray(node) ? node[seg] : undefined;
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  return Object.hasOwn(node, seg) ? (node as Record<string, unknown>)[seg] : undefined;
}

/**
 * A path's place in the document, level by level: a key's rank is 2i+1 for
 * the i-th key of its object (parsed objects keep the first-seen order), a
 * repeated key's rank is 2·after (after the subtrees of the keys seen before
 * it), an index is itself. Unresolvable steps sort last.
 */
function documentRanks(body: unknown, segments: readonly PathSegment[], after: number | undefined): number[] {
  const ranks: number[] = [];
  let node: unknown = body;
  segments.forEach((seg, n) => {
    if (typeof seg === 'number') ranks.push(seg);
    else if (n === segments.length - 1 && after !== undefined) ranks.push(2 * after);
    else {
      const keys = typeof node === 'object' && node !== null && !Array.isArray(node) ? Object.keys(node) : [];
      const i = keys.indexOf(seg);
      ranks.push(i < 0 ? Number.MAX_SAFE_INTEGER : 2 * i + 1);
    }
    node = child(node, seg);
  });
  return ranks;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function compareSorted(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}
