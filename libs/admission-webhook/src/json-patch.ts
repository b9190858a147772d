// Applying a mutating webhook's JSON patch to the object being admitted.
// Every failure here is kube's 500 (InternalError), whatever the
// failurePolicy: the webhook answered, and its answer is unusable.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { goQuote, internalError } from '@logbook/apimachinery';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the (base64-decoded) patch: an array of operations, or a 500. */
export function decodeJsonPatch(raw: Buffer): Operation[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw internalError(new Error(err instanceof Error ? err.message : String(err)));
  }
  if (!Array.isArray(parsed)) throw internalError(new Error('json: cannot unmarshal object into Go value of type jsonpatch.Patch'));
  return parsed as Operation[];
}

/**
 * The object after `ops`, never touching `object`. The result must still be
 * an object with metadata and the same apiVersion and kind: kube decodes
 * the patched JSON back into the request's type, which such a result fails.
 */
export function applyJsonPatch(webhookName: string, object: Readonly<Record<string, unknown>>, ops: readonly Operation[]): Record<string, unknown> {
  let out: unknown;
  try {
    out = jsonpatch.applyPatch(structuredClone(object), ops as Operation[], true, true, true).newDocument;
  } catch (err) {
    throw internalError(new Error(err instanceof Error ? err.message.split('\n')[0]! : String(err)));
  }
  if (!isRecord(out) || !isRecord(out['metadata'])) {
    throw internalError(new Error(`admission webhook ${goQuote(webhookName)} returned a patch that does not leave an object with metadata`));
  }
  if (out['apiVersion'] !== object['apiVersion'] || out['kind'] !== object['kind']) {
    throw internalError(new Error(`admission webhook ${goQuote(webhookName)} may not change the object's apiVersion or kind`));
  }
  return out;
}
