// Which Node labels a kubelet may set on itself. Labels under
// node-restriction.kubernetes.io are reserved for administrators (so
// workloads can be steered to nodes by labels a compromised kubelet cannot
// forge); other kubernetes.io / k8s.io labels are allowed only when they are
// the well-known labels kubelets set, or under kubelet.kubernetes.io /
// node.kubernetes.io.

export const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';

const KUBELET_LABELS: ReadonlySet<string> = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);

const KUBELET_LABEL_NAMESPACES: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

function labelNamespace(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

function inNamespace(ns: string, domain: string): boolean {
  return ns === domain || ns.endsWith(`.${domain}`);
}

export function isKubeletLabel(key: string): boolean {
  if (KUBELET_LABELS.has(key)) return true;
  const ns = labelNamespace(key);
  return KUBELET_LABEL_NAMESPACES.some((d) => inNamespace(ns, d));
}

function isKubernetesLabel(key: string): boolean {
  const ns = labelNamespace(key);
  return inNamespace(ns, 'kubernetes.io') || inNamespace(ns, 'k8s.io');
}

/** Keys added, removed or changed between two label maps. */
export function modifiedLabels(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of a) if (b.get(k) !== v) out.add(k);
  for (const [k, v] of b) if (a.get(k) !== v) out.add(k);
  return out;
}

/** The modified keys a node may not touch, sorted (kube prints them joined by ", "). */
export function forbiddenLabels(modified: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const key of modified) {
    if (inNamespace(labelNamespace(key), NODE_RESTRICTION_LABEL_NAMESPACE) || (isKubernetesLabel(key) && !isKubeletLabel(key))) out.push(key);
  }
  // Go's sort of strings is bytewise; keys are ASCII, so code-unit order matches.
  return out.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}
