// The entry points: apply a strategic merge patch (PATCH with
// application/strategic-merge-patch+json), and compute two-way and three-way
// patches (kubectl edit and kubectl apply). Inputs are decoded and bounded
// once here; the results are fresh plain objects the caller owns.

import type { SchemaSet } from '@logbook/schemas';
import { diffMaps, TWO_WAY } from './diff.ts';
import { type JsonObject, toPlain } from './json.ts';
import { DEFAULT_LIMITS, type StrategicMergeLimits, decodeDocument } from './limits.ts';
import { COMBINE_PATCHES, SERVER_SIDE, mergeMap } from './merge.ts';
import { SchemaLookup } from './schema-lookup.ts';

export interface StrategicMergeOptions {
  readonly limits?: StrategicMergeLimits;
}

/**
 * `original` patched by `patch` under the schema of `rootDefinition`
 * (e.g. `io.k8s.api.apps.v1.Deployment`). Throws StrategicMergeError, and
 * nothing else, for any patch kube would refuse.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schemas: SchemaSet, rootDefinition: string, options: StrategicMergeOptions = {}): Record<string, unknown> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const lookup = new SchemaLookup(schemas);
  const root = lookup.root(rootDefinition);
  const o = decodeDocument(original, limits, 'object');
  const p = decodeDocument(patch, limits, 'patch');
  return plain(mergeMap(o, p, root, { lookup, options: SERVER_SIDE }));
}

/** The patch that turns `original` into `modified` (kube's CreateTwoWayMergePatch). */
export function createTwoWayMergePatch(original: unknown, modified: unknown, schemas: SchemaSet, rootDefinition: string, options: StrategicMergeOptions = {}): Record<string, unknown> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const lookup = new SchemaLookup(schemas);
  const root = lookup.root(rootDefinition);
  const o = decodeDocument(original, limits, 'original');
  const m = decodeDocument(modified, limits, 'modified');
  return plain(diffMaps(o, m, root, lookup, TWO_WAY));
}

/**
 * kubectl apply's patch (kube's CreateThreeWayMergePatch with overwrite):
 * the changes and additions from `current` to `modified`, plus the deletions
 * from `original` (the last-applied configuration) to `modified`. Fields that
 * others set in `current` and `original` never held are left alone.
 */
export function createThreeWayMergePatch(
  original: unknown, modified: unknown, current: unknown, schemas: SchemaSet, rootDefinition: string, options: StrategicMergeOptions = {},
): Record<string, unknown> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const lookup = new SchemaLookup(schemas);
  const root = lookup.root(rootDefinition);
  const o = decodeDocument(original, limits, 'original');
  const m = decodeDocument(modified, limits, 'modified');
  const c = decodeDocument(current, limits, 'current');
  const delta = diffMaps(c, m, root, lookup, { ...TWO_WAY, ignoreDeletions: true });
  const deletions = diffMaps(o, m, root, lookup, { ...TWO_WAY, ignoreChangesAndAdditions: true });
  return plain(mergeMap(deletions, delta, root, { lookup, options: COMBINE_PATCHES }));
}

function plain(o: JsonObject): Record<string, unknown> {
  return toPlain(o) as Record<string, unknown>;
}
