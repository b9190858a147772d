// The transition from client-side apply. kube does two things for the
// manager named exactly `kubectl` (other managers opt out):
// - lastAppliedManager: conflicts on fields that the
//   kubectl.kubernetes.io/last-applied-configuration annotation records with
//   the live value are not conflicts — client-side apply set them — so the
//   apply is forced;
// - lastAppliedUpdater: after a successful apply, if the object carries the
//   annotation, it is rewritten to the applied configuration, so a later
//   client-side apply computes its three-way diff from the right base.

import { goJson } from './go-json.ts';
import type { FieldSet } from './field-set.ts';
import { compare, toFieldSet } from './typed-ops.ts';
import type { TypeModel, TypeNode } from './type-model.ts';
import { isPlainObject } from './type-model.ts';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
export const LAST_APPLIED_MANAGER = 'kubectl';

function annotations(obj: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(obj) || !isPlainObject(obj['metadata'])) return undefined;
  const a = obj['metadata']['annotations'];
  return isPlainObject(a) ? a : undefined;
}

export function lastApplied(obj: unknown): string | undefined {
  const v = annotations(obj)?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The annotation value for an applied configuration: Go's JSON of it without the annotation, newline-terminated. */
export function buildLastApplied(applied: Record<string, unknown>): string {
  const copy = structuredClone(applied);
  const a = annotations(copy);
  if (a !== undefined) delete a[LAST_APPLIED_ANNOTATION];
  return `${goJson(copy)}\n`;
}

export function withLastApplied(obj: Record<string, unknown>, value: string): Record<string, unknown> {
  const metadata = isPlainObject(obj['metadata']) ? obj['metadata'] : {};
  const ann = isPlainObject(metadata['annotations']) ? metadata['annotations'] : {};
  return { ...obj, metadata: { ...metadata, annotations: { ...ann, [LAST_APPLIED_ANNOTATION]: value } } };
}

/**
 * Fields a conflict may be waived on: those the annotation records with the
 * value they still have live. Undefined when there is no usable annotation.
 */
export function allowedConflictsFromLastApplied(model: TypeModel, type: TypeNode, live: unknown, apiVersion: string): FieldSet | undefined {
  const text = lastApplied(live);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A corrupt annotation just means no waiver, as in kube.
    return undefined;
  }
  if (!isPlainObject(parsed) || parsed['apiVersion'] !== apiVersion) return undefined;
  const ctx = { model, strict: true, errors: [] as string[] };
  const set = toFieldSet(ctx, type, parsed);
  if (ctx.errors.length > 0) return undefined;
  const c = compare({ model, strict: false, errors: [] }, type, parsed, live);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}
