// DeleteOptions as a DELETE request or an Eviction carries them: fields of a
// decoded body merged over the query parameters (the body wins where both
// speak), all checked by one rule set (parseDeleteQuery, kube's
// ValidateDeleteOptions), so a bad value is the same 422 wherever it was sent.

import { badRequest, parseDeleteQuery } from '@logbook/apimachinery';
import type { DeleteRequest } from './graceful-delete.ts';

export function deleteOptionsFrom(body: Readonly<Record<string, unknown>>, query: URLSearchParams = new URLSearchParams()): { request: DeleteRequest; dryRun: boolean } {
  const merged = new URLSearchParams(query);
  for (const name of ['gracePeriodSeconds', 'propagationPolicy', 'orphanDependents'] as const) {
    const v = body[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw badRequest(`DeleteOptions.${name} must be a scalar`);
    merged.set(name, String(v));
  }
  if (Array.isArray(body.dryRun)) {
    merged.delete('dryRun');
    for (const v of body.dryRun as unknown[]) merged.append('dryRun', String(v));
  }
  const q = parseDeleteQuery(merged);
  const pre = body.preconditions as { uid?: unknown; resourceVersion?: unknown } | undefined | null;
  const request: DeleteRequest = {
    ...(q.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: q.gracePeriodSeconds } : {}),
    ...(q.propagationPolicy !== undefined ? { propagationPolicy: q.propagationPolicy } : {}),
    ...(q.orphanDependents !== undefined ? { orphanDependents: q.orphanDependents } : {}),
    ...(pre !== undefined && pre !== null && typeof pre === 'object'
      ? { preconditions: { ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}), ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}) } }
      : {}),
  };
  return { request, dryRun: q.dryRun.length > 0 };
}
