// Which envelope apiVersion/kind pairs we decode, and into which message:
// every built-in kind Logbook serves (client-go 1.32+ typed clients send any
// of them as protobuf). Anything else is a 415, as for a kind kube has not
// registered (custom resources, apiextensions, apiregistration: JSON only).

const GROUP_PACKAGES: Readonly<Record<string, string>> = {
  v1: 'k8s.io.api.core.v1',
  'apps/v1': 'k8s.io.api.apps.v1',
  'batch/v1': 'k8s.io.api.batch.v1',
  'rbac.authorization.k8s.io/v1': 'k8s.io.api.rbac.v1',
  'networking.k8s.io/v1': 'k8s.io.api.networking.v1',
  'policy/v1': 'k8s.io.api.policy.v1',
  'scheduling.k8s.io/v1': 'k8s.io.api.scheduling.v1',
  'autoscaling/v1': 'k8s.io.api.autoscaling.v1',
  'autoscaling/v2': 'k8s.io.api.autoscaling.v2',
  'authorization.k8s.io/v1': 'k8s.io.api.authorization.v1',
  'authentication.k8s.io/v1': 'k8s.io.api.authentication.v1',
  'admissionregistration.k8s.io/v1': 'k8s.io.api.admissionregistration.v1',
  'certificates.k8s.io/v1': 'k8s.io.api.certificates.v1',
  'coordination.k8s.io/v1': 'k8s.io.api.coordination.v1',
  'discovery.k8s.io/v1': 'k8s.io.api.discovery.v1',
  'events.k8s.io/v1': 'k8s.io.api.events.v1',
  'flowcontrol.apiserver.k8s.io/v1': 'k8s.io.api.flowcontrol.v1',
  'node.k8s.io/v1': 'k8s.io.api.node.v1',
  'storage.k8s.io/v1': 'k8s.io.api.storage.v1',
};

const KINDS: Readonly<Record<string, readonly string[]>> = {
  v1: ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Pod', 'PodTemplate', 'Binding',
    'ComponentStatus', 'Endpoints', 'Event', 'LimitRange', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'ReplicationController'],
  'apps/v1': ['Deployment', 'ControllerRevision', 'DaemonSet', 'ReplicaSet', 'StatefulSet'],
  'batch/v1': ['Job', 'CronJob'],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'networking.k8s.io/v1': ['Ingress', 'IPAddress', 'IngressClass', 'NetworkPolicy', 'ServiceCIDR'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'autoscaling/v1': ['Scale', 'HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenReview', 'TokenRequest'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
};

const DELETE_OPTIONS = 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/**
 * The message for an envelope's apiVersion/kind, or undefined. DeleteOptions
 * is registered in every group-version (and meta.k8s.io/v1), so a typed
 * DELETE body arrives under the group of the resource being deleted.
 */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions' && (apiVersion === 'meta.k8s.io/v1' || Object.hasOwn(GROUP_PACKAGES, apiVersion))) return DELETE_OPTIONS;
  if (!Object.hasOwn(KINDS, apiVersion) || !(KINDS[apiVersion] ?? []).includes(kind)) return undefined;
  return `${GROUP_PACKAGES[apiVersion] ?? ''}.${kind}`;
}

/** Every apiVersion/kind pair accepted, for tests and documentation. */
export function supportedKinds(): readonly { readonly apiVersion: string; readonly kind: string }[] {
  const out: { apiVersion: string; kind: string }[] = [];
  for (const [apiVersion, kinds] of Object.entries(KINDS)) for (const kind of kinds) out.push({ apiVersion, kind });
  out.push({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' });
  return out;
}
