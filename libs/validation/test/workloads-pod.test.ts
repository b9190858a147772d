import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../src/types.ts';
import { container, createErrors, pod, podSpec, updateErrors } from './workloads-fixtures.ts';

const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function podErrors(spec: JsonObject): string[] {
  return createErrors('/Pod', pod(spec));
}

test('pod: a minimal pod is valid after defaulting', () => {
  assert.deepEqual(podErrors(podSpec()), []);
  assert.deepEqual(podErrors(podSpec({ restartPolicy: 'Never', dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } })), []);
});

test('pod: containers are required, named and imaged', () => {
  assert.deepEqual(podErrors(podSpec({ containers: [] })), ['spec.containers: Required value']);
  assert.deepEqual(podErrors(podSpec({ containers: [container({ name: 'Web' }), container({ name: 'Web', image: '' })] })), [
    `spec.containers[0].name: Invalid value: "Web": ${LABEL_MSG}`,
    `spec.containers[1].name: Invalid value: "Web": ${LABEL_MSG}`,
    'spec.containers[1].image: Required value',
    'spec.containers[1].name: Duplicate value: "Web"',
  ]);
  assert.deepEqual(podErrors(podSpec({ containers: [container({ name: '' })] })), ['spec.containers[0].name: Required value']);
  assert.deepEqual(podErrors(podSpec({ containers: [container({ imagePullPolicy: 'Sometimes', terminationMessagePolicy: 'Stdout', restartPolicy: 'Always' })] })), [
    'spec.containers[0].terminationMessagePolicy: Unsupported value: "Stdout": supported values: "File", "FallbackToLogsOnError"',
    'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
  ]);
});

test('pod: container ports', () => {
  const ports = [{ containerPort: 0, protocol: 'ICMP', hostPort: 70000 }, { name: 'web', containerPort: 80 }, { name: 'web', containerPort: 81 }, { name: '-Bad-', containerPort: 82 }, { name: 'a-very-long-port-name', containerPort: 65536 }];
  assert.deepEqual(podErrors(podSpec({ containers: [container({ ports })] })), [
    'spec.containers[0].ports[0].containerPort: Required value',
    'spec.containers[0].ports[0].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[2].name: Duplicate value: "web"',
    'spec.containers[0].ports[3].name: Invalid value: "-Bad-": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].ports[3].name: Invalid value: "-Bad-": must not begin or end with a hyphen',
    'spec.containers[0].ports[4].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters',
    'spec.containers[0].ports[4].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
  ]);
});

test('pod: policies, names, deadlines and tolerations', () => {
  const spec = podSpec({
    restartPolicy: 'Sometimes', dnsPolicy: 'Nope', activeDeadlineSeconds: 0, nodeSelector: { '-x': 'y' }, hostname: 'A',
    serviceAccountName: 'Bad_SA',
    tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }, { operator: 'Equal' }, { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }, { key: 'k', operator: 'Gt', effect: 'Bad' }],
  });
  assert.deepEqual(podErrors(spec), [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Nope": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    `spec.nodeSelector: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    `spec.serviceAccountName: Invalid value: "Bad_SA": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive',
    `spec.hostname: Invalid value: "A": ${LABEL_MSG}`,
    'spec.tolerations[0].operator: Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when `operator` is \'Exists\'',
    'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
    'spec.tolerations[3].operator: Unsupported value: "Gt": supported values: "Equal", "Exists"',
    'spec.tolerations[3].effect: Unsupported value: "Bad": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
  ]);
  assert.deepEqual(podErrors(podSpec({ dnsPolicy: 'None' })), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']);
});

test('pod: volumes and mounts', () => {
  const spec = podSpec({
    volumes: [{ name: 'a', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'a', configMap: { name: 'c' } }, { name: 'B_', secret: {} }, { name: 'n', nfs: { server: 's', path: 'rel' } }, { name: 'h', hostPath: { path: '/x', type: 'Dir' } }],
    containers: [container({ volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'n', mountPath: '/a', subPath: '../x' }, { name: '', mountPath: '' }, { name: 'a', mountPath: '/b', subPath: '/abs', subPathExpr: 'e' }] })],
  });
  assert.deepEqual(podErrors(spec), [
    'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[2].secret.secretName: Required value',
    `spec.volumes[2].name: Invalid value: "B_": ${LABEL_MSG}`,
    'spec.volumes[3].nfs.path: Invalid value: "rel": must be an absolute path',
    'spec.volumes[4].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    // Volumes with errors are not mountable, so `n` is not found; the first `a` failed, the second counts.
    'spec.containers[0].volumeMounts[1].name: Not found: "n"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique',
    "spec.containers[0].volumeMounts.subPath: Invalid value: \"../x\": must not contain '..'",
    'spec.containers[0].volumeMounts[2].name: Required value',
    'spec.containers[0].volumeMounts[2].name: Not found: ""',
    'spec.containers[0].volumeMounts[2].mountPath: Required value',
    'spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path',
    'spec.containers[0].volumeMounts[3].subPathExpr: Invalid value: "e": subPathExpr and subPath are mutually exclusive',
  ]);
});

test('pod: env and envFrom', () => {
  const env = [
    { name: '' }, { name: 'X', value: 'v', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'Y', valueFrom: {} },
    { name: 'Z', valueFrom: { configMapKeyRef: { name: 'c', key: '..x' }, secretKeyRef: { name: 's', key: 'k' } } },
    { name: 'W', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }, { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
    { name: 'relaxed.name-ok 1' }, { name: 'tab\there' },
  ];
  const envFrom = [{}, { prefix: 'a=', configMapRef: { name: 'c' }, secretRef: { name: 's' } }];
  assert.deepEqual(podErrors(podSpec({ containers: [container({ env, envFrom })] })), [
    'spec.containers[0].env[0].name: Required value',
    'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
    "spec.containers[0].env[3].valueFrom.configMapKeyRef.key: Invalid value: \"..x\": must not start with '..'",
    'spec.containers[0].env[3].valueFrom: Invalid value: "": may not have more than one field specified at a time',
    'spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.bogus": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    `spec.containers[0].env[7].name: Invalid value: "tab\\there": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    'spec.containers[0].envFrom[0]: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    "spec.containers[0].envFrom[1].prefix: Invalid value: \"a=\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    'spec.containers[0].envFrom[1]: Invalid value: "": may not have more than one field specified at a time',
  ]);
});

test('pod: probes, lifecycle and init containers', () => {
  const spec = podSpec({
    containers: [container({
      livenessProbe: { exec: { command: [] }, httpGet: { port: 'http' }, successThreshold: 2, periodSeconds: -1 },
      readinessProbe: {},
      startupProbe: { tcpSocket: { port: 0 }, terminationGracePeriodSeconds: 0 },
      lifecycle: { preStop: { sleep: { seconds: 31 } }, postStart: { httpGet: { port: 80, httpHeaders: [{ name: 'X Bad', value: '' }] } } },
    })],
    initContainers: [container({ name: 'app', livenessProbe: { exec: { command: ['true'] } } }), container({ name: 'side', restartPolicy: 'Never', readinessProbe: { exec: { command: ['true'] } } }), container({ name: 'sidecar', restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } } })],
  });
  assert.deepEqual(podErrors(spec), [
    'spec.containers[0].lifecycle.postStart.httpGet.httpHeaders[0].name: Invalid value: "X Bad": a valid HTTP header must consist of alphanumeric characters or \'-\' (e.g. \'X-Header-Name\', regex used for validation is \'[-A-Za-z0-9]+\')',
    'spec.containers[0].lifecycle.preStop.sleep: Invalid value: {"seconds":31}: must be non-negative and less than terminationGracePeriodSeconds (30)',
    'spec.containers[0].livenessProbe.exec.command: Required value',
    'spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type',
    'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.containers[0].readinessProbe: Required value: must specify a handler type',
    'spec.containers[0].startupProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.containers[0].startupProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0',
    'spec.initContainers[0].name: Duplicate value: "app"',
    'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    'spec.initContainers[1].restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers',
  ]);
});

test('pod: resources', () => {
  const resources = { limits: { cpu: '1', 'example.com/gpu': '2', memory: '-1Gi' }, requests: { cpu: '1500m', 'example.com/gpu': '1', pods: '1', foo: '1', 'example.com/fpga': '1', 'example.com/x': '500m' } };
  assert.deepEqual(podErrors(podSpec({ containers: [container({ resources })] })), [
    'spec.containers[0].resources.limits[memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
    'spec.containers[0].resources.requests: Invalid value: "1500m": must be less than or equal to cpu limit of 1',
    'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
    'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
    'spec.containers[0].resources.requests[example.com/x]: Invalid value: "500m": must be an integer',
    'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
    'spec.containers[0].resources.requests[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
    // Requests were defaulted from limits (pods only), so the negative memory shows twice.
    'spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
    'spec.containers[0].resources.requests[pods]: Invalid value: "pods": must be a standard resource for containers',
  ]);
  // Canonical quantities in messages: 0.5 is printed as kube prints it.
  assert.deepEqual(podErrors(podSpec({ containers: [container({ resources: { limits: { cpu: '0.25' }, requests: { cpu: '0.5' } } })] })), [
    'spec.containers[0].resources.requests: Invalid value: "500m": must be less than or equal to cpu limit of 250m',
  ]);
});

test('pod: ephemeral containers and gated scheduling on create', () => {
  assert.deepEqual(podErrors(podSpec({ ephemeralContainers: [{ name: 'debug', image: 'busybox' }], nodeName: 'n1', schedulingGates: [{ name: 'g' }] })), [
    'spec.ephemeralContainers: Forbidden: cannot be set on create',
    'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared',
  ]);
});

function stored(spec: JsonObject): JsonObject {
  const p = pod(spec);
  (p.metadata as JsonObject).resourceVersion = '5';
  return p;
}

test('pod update: images, deadlines and added tolerations may change', () => {
  const old = stored(podSpec({ tolerations: [{ key: 'a', operator: 'Exists' }] }));
  const next = stored(podSpec({ tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }], activeDeadlineSeconds: 10 }));
  ((next.spec as JsonObject).containers as JsonObject[])[0] = container({ image: 'nginx:1.28' });
  assert.deepEqual(updateErrors('/Pod', next, old), []);
});

const FORBIDDEN = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

test('pod update: anything else is forbidden', () => {
  assert.deepEqual(updateErrors('/Pod', stored(podSpec({ restartPolicy: 'Never' })), stored(podSpec())), [FORBIDDEN]);
  assert.deepEqual(updateErrors('/Pod', stored(podSpec()), stored(podSpec({ tolerations: [{ key: 'a', operator: 'Exists' }] }))), [FORBIDDEN]);
  assert.deepEqual(updateErrors('/Pod', stored(podSpec()), stored(podSpec({ activeDeadlineSeconds: 5 }))), [
    'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value',
  ]);
  assert.deepEqual(updateErrors('/Pod', stored(podSpec({ activeDeadlineSeconds: 6 })), stored(podSpec({ activeDeadlineSeconds: 5 }))), [
    'spec.activeDeadlineSeconds: Invalid value: 6: must be less than or equal to previous value',
  ]);
  assert.deepEqual(updateErrors('/Pod', stored(podSpec({ containers: [container(), container({ name: 'b' })] })), stored(podSpec())), [
    'spec.containers: Forbidden: pod updates may not add or remove containers',
  ]);
  assert.deepEqual(updateErrors('/Pod', stored(podSpec({ containers: [container({ image: ' nginx' })] })), stored(podSpec())), [
    'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace',
  ]);
});

test('pod template: template spec rules apply at `template.spec`', () => {
  const pt: JsonObject = { metadata: { name: 't', namespace: 'default' }, template: { metadata: { labels: { 'bad key!': 'x' } }, spec: { containers: [{ name: 'a' }] } } };
  assert.deepEqual(createErrors('/PodTemplate', pt), [
    `template.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    'template.spec.containers[0].image: Required value',
  ]);
});

test('pod: host ports are unique per IP and protocol, and match container ports on the host network', () => {
  const ports = (hostPort: number, containerPort = 80, protocol = 'TCP'): JsonObject[] => [{ containerPort, hostPort, protocol }];
  assert.deepEqual(podErrors(podSpec({ containers: [container({ ports: ports(8080) }), container({ name: 'b', ports: [...ports(8080, 81), ...ports(8080, 82, 'UDP')] })] })), [
    'spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"',
  ]);
  // Init containers run one at a time: the same host port as a regular container is fine.
  assert.deepEqual(podErrors(podSpec({ initContainers: [container({ name: 'init', ports: ports(8080) })], containers: [container({ ports: ports(8080) })] })), []);
  assert.deepEqual(podErrors(podSpec({ hostNetwork: true, containers: [container({ ports: ports(9090, 80) })] })), [
    'spec.containers[0].ports[0].hostPort: Invalid value: 9090: must match `containerPort` when `hostNetwork` is true',
  ]);
  // A pod on the host network gets hostPort = containerPort by default.
  assert.deepEqual(podErrors(podSpec({ hostNetwork: true, containers: [container({ ports: [{ containerPort: 80 }] })] })), []);
});

test('pod: security contexts', () => {
  const spec = podSpec({
    hostPID: true, shareProcessNamespace: true,
    securityContext: { runAsUser: -1, fsGroup: 2147483648, supplementalGroups: [1, -5], seccompProfile: { type: 'Localhost' } },
    containers: [container({ securityContext: { runAsGroup: -2, allowPrivilegeEscalation: false, privileged: true, seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'p.json' }, procMount: 'Masked' } })],
  });
  assert.deepEqual(podErrors(spec), [
    'spec.containers[0].securityContext.runAsGroup: Invalid value: -2: must be between 0 and 2147483647, inclusive',
    'spec.containers[0].securityContext.procMount: Unsupported value: "Masked": supported values: "Default", "Unmasked"',
    'spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: {"type":"RuntimeDefault","localhostProfile":"p.json"}: can only be set when seccomp type is Localhost',
    'spec.containers[0].securityContext: Invalid value: {"runAsGroup":-2,"allowPrivilegeEscalation":false,"privileged":true,"seccompProfile":{"type":"RuntimeDefault","localhostProfile":"p.json"},"procMount":"Masked"}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
    'spec.securityContext.fsGroup: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive',
    'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive',
    'spec.securityContext.supplementalGroups[1]: Invalid value: -5: must be between 0 and 2147483647, inclusive',
    'spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled',
    'spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
  ]);
});

test('pod: affinity', () => {
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }, { key: 'cpu', operator: 'Gt', values: ['1', '2'] }], matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['a'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: 'x', operator: 'Exists', values: ['y'] }] } }],
    },
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } } }],
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', namespaces: ['Bad'] } }],
    },
  };
  const base = 'spec.affinity.nodeAffinity';
  const anti = 'spec.affinity.podAntiAffinity';
  assert.deepEqual(podErrors(podSpec({ affinity })), [
    `${base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
    `${base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
    `${base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Unsupported value: "metadata.labels": supported values: "metadata.name"`,
    `${base}.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100`,
    `${base}.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`,
    `${anti}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty`,
    `${anti}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty`,
    `${anti}.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    `${anti}.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100`,
    `${anti}.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.namespace: Invalid value: "Bad": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  ]);
  assert.deepEqual(podErrors(podSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } })), [
    `${base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term`,
  ]);
});
