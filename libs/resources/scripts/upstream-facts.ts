// Facts the generator needs that the client package does not carry. Each one
// is checked by the derivation: a subresource whose kind cannot be placed, or a
// connect subresource with no options kind here, stops generation with an error
// rather than guessing.

/** The Kubernetes minor release the catalogue describes. */
export const TARGET_MINOR = 33;

/**
 * Group-versions or single resources that are GA in the package's (newer) spec
 * but were not GA in TARGET_MINOR. `plural` absent means the whole group-version.
 */
export const GA_AFTER_TARGET: readonly { group: string; version: string; plural?: string; minor: number }[] = [
  { group: 'resource.k8s.io', version: 'v1', minor: 34 },
  { group: 'storage.k8s.io', version: 'v1', plural: 'volumeattributesclasses', minor: 34 },
  { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingadmissionpolicies', minor: 36 },
  { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingadmissionpolicybindings', minor: 36 },
];

/**
 * Subresource kinds that live in another group than the parent. The package's
 * model names (V1Scale, V1Eviction) do not say which group they belong to.
 */
export const CROSS_GROUP_KINDS: Readonly<Record<string, { group: string; version: string }>> = {
  Scale: { group: 'autoscaling', version: 'v1' },
  Eviction: { group: 'policy', version: 'v1' },
  TokenRequest: { group: 'authentication.k8s.io', version: 'v1' },
};

/**
 * Connect subresources answer with a byte stream, so the package types them as
 * `string`; kube-apiserver reports the options kind they take instead.
 */
export const CONNECT_KINDS: Readonly<Record<string, string>> = {
  'pods/attach': 'PodAttachOptions',
  'pods/exec': 'PodExecOptions',
  'pods/portforward': 'PodPortForwardOptions',
  'pods/proxy': 'PodProxyOptions',
  'nodes/proxy': 'NodeProxyOptions',
  'services/proxy': 'ServiceProxyOptions',
};

/**
 * Resources whose list takes no watch: their storage is computed on request
 * (componentstatuses probes the control plane), yet the generated client still
 * offers a `watch` parameter on every list.
 */
export const LIST_WITHOUT_WATCH: readonly string[] = ['/componentstatuses'];
