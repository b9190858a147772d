import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeKubeProtobuf, encodeKubeProtobuf, supportedKinds } from '@logbook/kube-protobuf';

type Json = Record<string, unknown>;
const meta = { name: 'n', namespace: 'ns', labels: { a: 'b' }, annotations: { 'x/y': '' }, creationTimestamp: '2025-03-04T05:06:07Z', finalizers: ['f'] };

const podSpec: Json = {
  volumes: [
    { name: 'e', emptyDir: {} },
    { name: 'c', configMap: { name: 'cm', items: [{ key: 'k', path: 'p', mode: 0 }], defaultMode: 420, optional: false } },
    { name: 's', secret: { secretName: 's', defaultMode: 256 } },
    { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }, { downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
    { name: 'h', hostPath: { path: '/x', type: '' } },
    { name: 'pvc', persistentVolumeClaim: { claimName: 'c', readOnly: true } },
    { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
  ],
  initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
  containers: [{
    name: 'c', image: 'nginx', args: ['-g'], workingDir: '/w',
    ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
    env: [{ name: 'A', value: 'a' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } }],
    resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0' } },
    volumeMounts: [{ name: 'e', mountPath: '/e', readOnly: true }],
    livenessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 3, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 1 },
    startupProbe: { exec: { command: ['cat'] } },
    lifecycle: { preStop: { sleep: { seconds: 5 } } },
    securityContext: { runAsNonRoot: true, runAsUser: 0, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } },
    imagePullPolicy: 'IfNotPresent', stdin: true, tty: true,
  }],
  restartPolicy: 'Always', terminationGracePeriodSeconds: 0, dnsPolicy: 'ClusterFirst', nodeSelector: { disk: 'ssd' },
  serviceAccountName: 'sa', automountServiceAccountToken: false, hostNetwork: true,
  securityContext: { fsGroup: 2000, runAsGroup: 0, sysctls: [{ name: 'a', value: '1' }] },
  imagePullSecrets: [{ name: 'reg' }],
  affinity: {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }] } },
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: { matchLabels: { a: 'b' } }, topologyKey: 'kubernetes.io/hostname' } }] },
  },
  tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 0 }],
  hostAliases: [{ ip: '1.2.3.4', hostnames: ['h'] }],
  priority: 0, enableServiceLinks: false,
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }],
};

const deployment: Json = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta,
  spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: podSpec },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } }, revisionHistoryLimit: 0, paused: true, progressDeadlineSeconds: 600 },
};

const CASES: readonly Json[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', deletionGracePeriodSeconds: 0 } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { a: '1', e: '' }, binaryData: { b: 'AAEC' }, immutable: false },
  { apiVersion: 'v1', kind: 'Secret', metadata: meta, data: { p: Buffer.from([0, 255, 1]).toString('base64') }, stringData: { s: 'plain' }, type: 'Opaque' },
  { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, targetPort: 'http', nodePort: 30000 }, { port: 81, targetPort: 8081 }], selector: { a: 'b' }, sessionAffinity: 'None', ipFamilies: ['IPv4'], allocateLoadBalancerNodePorts: false } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, secrets: [{ name: 's' }], automountServiceAccountToken: false },
  { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta, spec: { hard: { pods: '0', 'requests.cpu': '1' }, scopes: ['BestEffort'] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: podSpec },
  deployment,
  { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { backoffLimit: 0, completions: 1, parallelism: 0, suspend: false, ttlSecondsAfterFinished: 0, template: { spec: podSpec } } },
  { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '@daily', timeZone: 'UTC', suspend: true, concurrencyPolicy: 'Forbid', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: { spec: podSpec } } } } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta, subjects: [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'c' }, subjects: [{ kind: 'Group', name: 'g' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'r' } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta, spec: { ingressClassName: 'nginx', defaultBackend: { resource: { apiGroup: 'x', kind: 'K', name: 'n' } }, rules: [{ host: 'h', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { name: 'http' } } } }] } }] } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta, spec: { maxUnavailable: '10%', selector: { matchLabels: { a: 'b' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' } },
  { apiVersion: 'policy/v1', kind: 'Eviction', metadata: meta, deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'] } },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value: 0, globalDefault: true, preemptionPolicy: 'Never' },
  { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: meta, spec: { replicas: 2 } },
  { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 } },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'ns', fieldSelector: { rawSelector: 'a=b' } } } },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'u', groups: ['g'], extra: { scopes: ['a', 'b'], empty: [] }, nonResourceAttributes: { path: '/x', verb: 'get' } } },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: 'ns' }, spec: { uid: 'x', resourceAttributes: { verb: 'list', group: 'apps' } } },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'ns' } },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 't', audiences: ['a'] } },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: meta, spec: { audiences: ['a'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', name: 'p', uid: 'u' } } },
  // Kinds controllers and client-go typed clients write (1.32+ send them as protobuf too).
  { apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name: 'etcd-0' }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] },
  { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets: [{ addresses: [{ ip: '10.1.0.4', nodeName: 'n1', targetRef: { kind: 'Pod', name: 'p', namespace: 'ns' } }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }] },
  { apiVersion: 'v1', kind: 'Event', metadata: meta, involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' }, reason: 'Started', message: 'Started container', source: { component: 'kubelet', host: 'n1' }, firstTimestamp: '2026-11-21T10:00:00Z', lastTimestamp: '2026-11-21T10:00:05Z', count: 2, type: 'Normal', eventTime: '2026-11-21T10:00:00.123456Z', reportingComponent: 'kubelet', reportingInstance: 'n1' },
  { apiVersion: 'v1', kind: 'LimitRange', metadata: meta, spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { memory: '64Mi' }, max: { cpu: '2' } }] } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }], unschedulable: true }, status: { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '3900m' }, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-11-21T10:00:00Z', lastTransitionTime: '2026-11-21T09:00:00Z', reason: 'KubeletReady' }], addresses: [{ type: 'InternalIP', address: '192.168.1.10' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } }, nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1', osImage: 'Debian', containerRuntimeVersion: 'containerd://1.7', kubeletVersion: 'v1.33.0', kubeProxyVersion: 'v1.33.0', operatingSystem: 'linux', architecture: 'amd64' } } },
  { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv', type: '' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', claimRef: { namespace: 'ns', name: 'c' } }, status: { phase: 'Bound' } },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta, spec: { replicas: 0, selector: { app: 'a' }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
  { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: meta, data: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } }, revision: 3 },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 }, status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 0 } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta, spec: { replicas: 2, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 2 } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }], podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' }, ordinals: { start: 1 } }, status: { replicas: 3, availableReplicas: 0 } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IPAddress', metadata: { name: '10.0.0.7' }, spec: { parentRef: { resource: 'services', namespace: 'ns', name: 's' } } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { kind: 'Params', name: 'p', scope: 'Cluster' } } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta, spec: { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] }] } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'kubernetes' }, spec: { cidrs: ['10.96.0.0/12'] } },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'm' }, webhooks: [{ name: 'm.example.com', clientConfig: { url: 'https://x/y', caBundle: 'AAEC' }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' }], sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 5, reinvocationPolicy: 'IfNeeded', matchConditions: [{ name: 'c', expression: 'true' }] }] },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v' }, webhooks: [{ name: 'v.example.com', clientConfig: { service: { namespace: 'ns', name: 's', port: 443 } }, failurePolicy: 'Ignore', sideEffects: 'NoneOnDryRun', admissionReviewVersions: ['v1'] }] },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }] }, validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many' }] } },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'] } },
  { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'csr' }, spec: { request: 'AAEC', signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 3600 } },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta, spec: { holderIdentity: 'h', leaseDurationSeconds: 15, acquireTime: '2026-11-21T10:00:00.000000Z', renewTime: '2026-11-21T10:00:10.500000Z', leaseTransitions: 0 } },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.4'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
  { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta, eventTime: '2026-11-21T10:00:00.000001Z', reportingController: 'c', reportingInstance: 'i', action: 'Scale', reason: 'ScalingReplicaSet', regarding: { kind: 'Deployment', name: 'd' }, note: 'n', type: 'Normal' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name: 'f' }, spec: { priorityLevelConfiguration: { name: 'workload-low' }, matchingPrecedence: 1000, distinguisherMethod: { type: 'ByUser' }, rules: [{ subjects: [{ kind: 'Group', group: { name: 'system:authenticated' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }] } },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name: 'l' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 64, handSize: 6, queueLengthLimit: 50 } } } } },
  { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc', overhead: { podFixed: { memory: '120Mi' } }, scheduling: { nodeSelector: { sandbox: 'true' } } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'csi.example.com' }, spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Persistent'], fsGroupPolicy: 'File' } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: { name: 'n1' }, spec: { drivers: [{ name: 'csi.example.com', nodeID: 'n1', topologyKeys: ['zone'], allocatable: { count: 10 } }] } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'CSIStorageCapacity', metadata: meta, storageClassName: 'fast', capacity: '100Gi', maximumVolumeSize: '10Gi', nodeTopology: { matchLabels: { zone: 'a' } } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'csi.example.com', parameters: { type: 'ssd' }, reclaimPolicy: 'Delete', allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer' },
  { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: { name: 'va' }, spec: { attacher: 'csi.example.com', source: { persistentVolumeName: 'pv1' }, nodeName: 'n1' }, status: { attached: true, attachmentMetadata: { dev: '/dev/sdb' } } },
  { apiVersion: 'apps/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u', resourceVersion: '' }, orphanDependents: false },
];

for (const obj of CASES) {
  test(`round trip ${String(obj['apiVersion'])} ${String(obj['kind'])}`, () => {
    const bytes = encodeKubeProtobuf(String(obj['apiVersion']), String(obj['kind']), obj);
    const got = decodeKubeProtobuf(bytes);
    assert.equal(got.apiVersion, obj['apiVersion']);
    assert.equal(got.kind, obj['kind']);
    assert.deepEqual(got.object, obj);
  });
}

test('every supported kind has a round-trip case', () => {
  const covered = new Set(CASES.map((c) => `${String(c['apiVersion'])}/${String(c['kind'])}`));
  const missing = supportedKinds().filter((k) => !['Binding', 'PodTemplate'].includes(k.kind) && k.kind !== 'DeleteOptions' && !covered.has(`${k.apiVersion}/${k.kind}`));
  assert.deepEqual(missing, []);
});

test('non-pointer zeros written by Go are unset; pointer zeros are kept', () => {
  // The encoder writes every non-pointer field as Go does: "", 0, false, empty messages.
  const got = decodeKubeProtobuf(encodeKubeProtobuf('v1', 'Secret', { metadata: { name: 's' } })).object;
  assert.deepEqual(got, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, 'type "" must not appear, or defaulting to Opaque is skipped');
  const job = decodeKubeProtobuf(encodeKubeProtobuf('batch/v1', 'Job', { spec: { backoffLimit: 0, template: {} } })).object;
  assert.deepEqual(job['spec'], { backoffLimit: 0 });
});

test('IntOrString decodes to a number or a string by its type', () => {
  const svc = (targetPort: unknown): unknown => (decodeKubeProtobuf(encodeKubeProtobuf('v1', 'Service', { spec: { ports: [{ port: 1, targetPort }] } })).object['spec'] as { ports: unknown[] }).ports[0];
  assert.deepEqual(svc(8080), { port: 1, targetPort: 8080 });
  assert.deepEqual(svc('http'), { port: 1, targetPort: 'http' });
  assert.deepEqual(svc('8080'), { port: 1, targetPort: '8080' });
  assert.deepEqual(svc(0), { port: 1 }, 'a zero non-pointer IntOrString is unset, so defaulting copies port');
});

test('Secret bytes become base64 and survive arbitrary binary', () => {
  const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const got = decodeKubeProtobuf(encodeKubeProtobuf('v1', 'Secret', { data: { bin: raw.toString('base64') } })).object;
  assert.equal(Buffer.from((got['data'] as { bin: string }).bin, 'base64').compare(raw), 0);
});

test('times: second precision, zero time is unset, pre-1970 works', () => {
  const ts = (t: string): unknown => (decodeKubeProtobuf(encodeKubeProtobuf('v1', 'Namespace', { metadata: { creationTimestamp: t } })).object['metadata'] as Json | undefined)?.['creationTimestamp'];
  assert.equal(ts('2025-01-01T00:00:00.123456789Z'), '2025-01-01T00:00:00Z');
  assert.equal(ts('1960-05-06T07:08:09Z'), '1960-05-06T07:08:09Z');
  assert.equal(ts('1970-01-01T00:00:00Z'), undefined);
});

test('map keys are own properties, even __proto__', () => {
  const got = decodeKubeProtobuf(encodeKubeProtobuf('v1', 'ConfigMap', { data: JSON.parse('{"__proto__":"x","a":"b"}') as Json })).object;
  const data = got['data'] as Json;
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
  assert.deepEqual(Object.keys(data), ['__proto__', 'a']);
});
