// Workload resources that embed a pod template, and where each keeps it.
// PodSecurity only warns and audits these (the pods they create are what
// enforce refuses), so a missing or malformed template is simply skipped.

export const POD_TEMPLATE_RESOURCES: ReadonlySet<string> = new Set([
  '/replicationcontrollers', '/podtemplates', 'apps/replicasets', 'apps/deployments', 'apps/statefulsets',
  'apps/daemonsets', 'batch/jobs', 'batch/cronjobs',
]);

export interface PodTemplateView {
  readonly metadata: unknown;
  readonly spec: unknown;
}

function child(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

/** The pod template inside a workload object; undefined when it has none (kube skips those). */
export function templateOf(resource: string, object: unknown): PodTemplateView | undefined {
  let template: unknown;
  switch (resource) {
    case 'podtemplates': template = child(object, 'template'); break;
    case 'cronjobs': template = child(child(child(child(object, 'spec'), 'jobTemplate'), 'spec'), 'template'); break;
    default: template = child(child(object, 'spec'), 'template');
  }
  // kube's typed objects hold an empty template where JSON has none; only a
  // ReplicationController's template is optional (a pointer) and skipped.
  if (template === undefined || template === null) {
    if (resource === 'replicationcontrollers') return undefined;
    template = {};
  }
  return { metadata: child(template, 'metadata'), spec: child(template, 'spec') };
}
