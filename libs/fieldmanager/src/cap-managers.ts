// kube keeps at most maxUpdateManagers Update entries. Beyond it, the oldest
// (by time in seconds, then identifier) are merged, per apiVersion, into an
// `ancient-changes` Update entry carrying the time of the newest entry merged.
// The first old entry of a version only moves into the bucket when a second
// one joins it, so the count drops by one per merge — as kube does it.

import type { ManagerRecord } from './managed-fields.ts';
import { managerIdentifier } from './managed-fields.ts';

export const ANCIENT_CHANGES = 'ancient-changes';

const seconds = (t: string | undefined): number => (t === undefined ? 0 : Math.floor(Date.parse(t) / 1000));

export function capUpdateManagers(managed: Map<string, ManagerRecord>, maxUpdateManagers: number): Map<string, ManagerRecord> {
  const updaters = [...managed.entries()].filter(([, r]) => r.operation === 'Update').map(([id]) => id);
  if (updaters.length <= maxUpdateManagers) return managed;
  const out = new Map(managed);
  updaters.sort((a, b) => seconds(out.get(a)!.time) - seconds(out.get(b)!.time) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const id = updaters[i]!;
    const rec = out.get(id)!;
    const bucketRec = { manager: ANCIENT_CHANGES, operation: 'Update' as const, apiVersion: rec.apiVersion, subresource: '' };
    const bucket = managerIdentifier(bucketRec);
    const first = firstOfVersion.get(rec.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(rec.apiVersion, id);
      continue;
    }
    let bucketSet = out.get(bucket)?.set;
    if (bucketSet === undefined) {
      bucketSet = out.get(first)!.set;
      out.delete(first);
    }
    out.delete(id);
    out.set(bucket, { ...bucketRec, time: rec.time, set: rec.set.union(bucketSet) });
    length--;
  }
  return out;
}
