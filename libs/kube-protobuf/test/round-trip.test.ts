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
