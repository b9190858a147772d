// Short names and categories of the built-in resources. No npm package carries
// these (they live in each kube-apiserver registry's ShortNames()/Categories()),
// so they are written down here as facts, keyed by group and plural: every
// served version of a resource shares them. Checked against Kubernetes 1.33.

export interface ResourceNames {
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
}

type Key = `${string}/${string}`;

const ALL = ['all'] as const;
// What `kubectl get api-extensions` expands to: the types that extend the API.
const API_EXTENSIONS = ['api-extensions'] as const;

const TABLE: Readonly<Record<Key, ResourceNames>> = {
  '/componentstatuses': { shortNames: ['cs'], categories: [] },
  '/configmaps': { shortNames: ['cm'], categories: [] },
  '/endpoints': { shortNames: ['ep'], categories: [] },
  '/events': { shortNames: ['ev'], categories: [] },
  '/limitranges': { shortNames: ['limits'], categories: [] },
  '/namespaces': { shortNames: ['ns'], categories: [] },
  '/nodes': { shortNames: ['no'], categories: [] },
  '/persistentvolumeclaims': { shortNames: ['pvc'], categories: [] },
  '/persistentvolumes': { shortNames: ['pv'], categories: [] },
  '/pods': { shortNames: ['po'], categories: ALL },
  '/replicationcontrollers': { shortNames: ['rc'], categories: ALL },
  '/resourcequotas': { shortNames: ['quota'], categories: [] },
  '/serviceaccounts': { shortNames: ['sa'], categories: [] },
  '/services': { shortNames: ['svc'], categories: ALL },
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': { shortNames: [], categories: API_EXTENSIONS },
  'admissionregistration.k8s.io/validatingwebhookconfigurations': { shortNames: [], categories: API_EXTENSIONS },
  'admissionregistration.k8s.io/validatingadmissionpolicies': { shortNames: [], categories: API_EXTENSIONS },
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': { shortNames: [], categories: API_EXTENSIONS },
  'apiextensions.k8s.io/customresourcedefinitions': { shortNames: ['crd', 'crds'], categories: API_EXTENSIONS },
  'apiregistration.k8s.io/apiservices': { shortNames: [], categories: API_EXTENSIONS },
  'apps/daemonsets': { shortNames: ['ds'], categories: ALL },
  'apps/deployments': { shortNames: ['deploy'], categories: ALL },
  'apps/replicasets': { shortNames: ['rs'], categories: ALL },
  'apps/statefulsets': { shortNames: ['sts'], categories: ALL },
  'autoscaling/horizontalpodautoscalers': { shortNames: ['hpa'], categories: ALL },
  'batch/cronjobs': { shortNames: ['cj'], categories: ALL },
  'batch/jobs': { shortNames: [], categories: ALL },
  'certificates.k8s.io/certificatesigningrequests': { shortNames: ['csr'], categories: [] },
  'events.k8s.io/events': { shortNames: ['ev'], categories: [] },
  'networking.k8s.io/ingresses': { shortNames: ['ing'], categories: [] },
  'networking.k8s.io/ipaddresses': { shortNames: ['ip'], categories: [] },
  'networking.k8s.io/networkpolicies': { shortNames: ['netpol'], categories: [] },
  'policy/poddisruptionbudgets': { shortNames: ['pdb'], categories: [] },
  'scheduling.k8s.io/priorityclasses': { shortNames: ['pc'], categories: [] },
  'storage.k8s.io/storageclasses': { shortNames: ['sc'], categories: [] },
};

const NONE: ResourceNames = { shortNames: [], categories: [] };

export function resourceNames(group: string, plural: string): ResourceNames {
  return TABLE[`${group}/${plural}`] ?? NONE;
}

/** Every key in the table, so a test can prove none names a resource the catalogue lacks. */
export function namedResources(): readonly { group: string; plural: string }[] {
  return Object.keys(TABLE).map((key) => {
    const slash = key.lastIndexOf('/');
    return { group: key.slice(0, slash), plural: key.slice(slash + 1) };
  });
}
