// PATCH bodies of the two generic kinds: RFC 6902 JSON patch (fast-json-patch
// applies it: a maintained implementation with the spec's test/move/copy
// rules) and RFC 7386 JSON merge patch (a dozen lines, written here).
// Strategic merge patch (built-in kinds only) runs the schema-aware engine of
// @logbook/strategic-merge; server-side apply is the field manager's.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, exceedsDepth, failure, requestEntityTooLarge, unknownReason, unsupportedMediaType, type StatusError } from '@logbook/apimachinery';
import type { SchemaSet } from '@logbook/schemas';
import { applyStrategicMergePatch, httpStatusFor, StrategicMergeError } from '@logbook/strategic-merge';

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

/** kube's limit on JSON patch operations (413 above). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

const ACCEPTED = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;

/** The patch type of a Content-Type header; 415 with kube's accepted list for anything else. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if ((PATCH_TYPES as readonly string[]).includes(media)) return media as PatchType;
  throw unsupportedMediaType([...ACCEPTED]);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386: objects merge recursively, null deletes, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Parses a patch body for its type: 400 `error decoding patch: ...` when it does not decode. */
export function decodePatch(type: PatchType, body: Buffer): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (exceedsDepth(parsed)) throw badRequest('error decoding patch: exceeded max depth');
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(parsed)) throw badRequest('error decoding patch: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    if (parsed.length > MAX_JSON_PATCH_OPERATIONS) {
      throw requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${parsed.length}`);
    }
  } else if (!isObject(parsed)) {
    throw badRequest('error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}');
  }
  return parsed;
}

/** The schema a strategic merge patch walks: undefined for kinds without one (custom resources: 415, as kube). */
export interface PatchSchema {
  readonly schemas: SchemaSet;
  readonly definition: string;
}

function strategicError(err: StrategicMergeError): StatusError {
  const h = httpStatusFor(err);
  if (h.reason === '') return unknownReason(h.message, h.code, err);
  return failure(h.code, h.reason, h.message);
}

/** Applies a decoded patch to the current object (never mutated); a JSON patch that cannot apply is 422. */
export function applyPatch(type: PatchType, current: unknown, patch: unknown, schema?: PatchSchema): unknown {
  if (type === 'application/merge-patch+json') return mergePatch(current, patch);
  if (type === 'application/strategic-merge-patch+json') {
    if (schema === undefined) throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    try {
      return applyStrategicMergePatch(current, patch, schema.schemas, schema.definition);
    } catch (err) {
      if (err instanceof StrategicMergeError) throw strategicError(err);
      throw err;
    }
  }
  try {
    const ops = patch as Operation[];
    const error = jsonpatch.validate(ops, structuredClone(current));
    if (error !== undefined) throw error;
    return jsonpatch.applyPatch(structuredClone(current), ops, false, true).newDocument;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw failure(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
  }
}
