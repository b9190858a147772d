// Choosing the cluster's default class among several marked default
// (StorageClass, IngressClass): kube 1.26+ no longer refuses the request but
// takes the newest by creationTimestamp, ties broken by the smaller name, so
// that a new default can be rolled out before the old mark is removed.

import type { KubeObject } from '@logbook/apistorage';

function createdMs(obj: KubeObject): number {
  const ts = obj.metadata.creationTimestamp;
  const ms = ts === undefined ? Number.NaN : Date.parse(ts);
  // An object without a (valid) timestamp sorts as the oldest: it cannot be the newer default.
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** The default among `classes` (those `isDefault` accepts), or undefined when none is marked. */
export function pickDefaultClass(classes: readonly KubeObject[], isDefault: (obj: KubeObject) => boolean): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const c of classes) {
    if (!isDefault(c)) continue;
    if (best === undefined) {
      best = c;
      continue;
    }
    const a = createdMs(c);
    const b = createdMs(best);
    if (a > b || (a === b && (c.metadata.name ?? '') < (best.metadata.name ?? ''))) best = c;
  }
  return best;
}

export function annotationIsTrue(obj: KubeObject, key: string): boolean {
  const annotations = obj.metadata.annotations;
  return annotations !== undefined && annotations[key] === 'true';
}
