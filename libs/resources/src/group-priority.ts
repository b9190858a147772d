// The order kube-apiserver lists groups in discovery. Upstream ranks each
// built-in group-version with a "group priority" (the aggregator's
// GroupPriorityMinimum for its local APIServices) and sorts groups by it,
// highest first, ties by name; apiregistration.k8s.io, the aggregator's own
// group, comes first in /apis. Only the rank matters here, so the table holds
// the upstream numbers rather than a hand-made order.

const GROUP_PRIORITY: Readonly<Record<string, number>> = {
  '': 18000,
  'apiregistration.k8s.io': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700,
  'apiextensions.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
  'internal.apiserver.k8s.io': 16000,
  'resource.k8s.io': 15900,
  'storagemigration.k8s.io': 15800,
};

// Groups upstream does not rank (custom resources, later additions) sort after
// every ranked group, by name, as the aggregator does for a priority it lacks.
const UNRANKED = 0;

export function compareGroups(a: string, b: string): number {
  // The core group always leads; within a priority tie, names decide.
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  if (a === 'apiregistration.k8s.io') return -1;
  if (b === 'apiregistration.k8s.io') return 1;
  const byPriority = (GROUP_PRIORITY[b] ?? UNRANKED) - (GROUP_PRIORITY[a] ?? UNRANKED);
  return byPriority || (a < b ? -1 : 1);
}

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
const STABILITY_RANK = { ga: 3, beta: 2, alpha: 1 } as const;

/**
 * Kubernetes version order, most preferred first: GA before beta before alpha,
 * then the higher major, then the higher minor (v2, v1, v2beta1, v1beta2, v1alpha1);
 * non-kube-like strings last, by name.
 */
export function compareVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (ma === null || mb === null) {
    if (ma !== null) return -1;
    if (mb !== null) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const rank = (m: RegExpExecArray): number => STABILITY_RANK[(m[2] as 'alpha' | 'beta' | undefined) ?? 'ga'];
  return rank(mb) - rank(ma) || Number(mb[1]) - Number(ma[1]) || Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}
