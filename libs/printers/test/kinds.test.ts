// Golden cells for every kind with a printer besides pods: object in, exact cells out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rowsFor, tableFor } from '../src/index.ts';
import { created, info, NOW } from './fixtures.ts';

const H = 3_600_000;
const meta = (name: string, extra: object = {}): object => ({ name, namespace: 'default', creationTimestamp: created(5 * H), ...extra });
const template = { spec: { containers: [{ name: 'app', image: 'nginx:1' }, { name: 'log', image: 'busybox' }] } };

interface Case {
  readonly title: string;
  readonly group: string;
  readonly kind: string;
  readonly object: object;
  readonly cells: readonly unknown[];
}

const cases: Case[] = [
  { title: 'deployment', group: 'apps', kind: 'Deployment',
    object: { metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
    cells: ['web', '2/3', 3, 2, '5h', 'app,log', 'nginx:1,busybox', 'app=web'] },
  { title: 'deployment without status or replicas (v1 default 1)', group: 'apps', kind: 'Deployment',
    object: { metadata: meta('web'), spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, template } },
    cells: ['web', '0/1', 0, 0, '5h', 'app,log', 'nginx:1,busybox', 'tier in (a,b)'] },
  { title: 'replicaset', group: 'apps', kind: 'ReplicaSet',
    object: { metadata: meta('web-5d'), spec: { replicas: 2, selector: { matchLabels: { app: 'web', pod: '5d' } }, template }, status: { replicas: 2, readyReplicas: 1 } },
    cells: ['web-5d', 2, 2, 1, '5h', 'app,log', 'nginx:1,busybox', 'app=web,pod=5d'] },
  { title: 'replicaset with an empty selector', group: 'apps', kind: 'ReplicaSet',
    object: { metadata: meta('rs'), spec: { replicas: 0, selector: {}, template } }, cells: ['rs', 0, 0, 0, '5h', 'app,log', 'nginx:1,busybox', '<none>'] },
  { title: 'statefulset', group: 'apps', kind: 'StatefulSet',
    object: { metadata: meta('db'), spec: { replicas: 3, template }, status: { readyReplicas: 3 } }, cells: ['db', '3/3', '5h', 'app,log', 'nginx:1,busybox'] },
  { title: 'daemonset', group: 'apps', kind: 'DaemonSet',
    object: { metadata: meta('agent'), spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } },
    cells: ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '5h', 'app,log', 'nginx:1,busybox', 'app=agent'] },
  { title: 'replicationcontroller', group: '', kind: 'ReplicationController',
    object: { metadata: meta('rc'), spec: { replicas: 2, selector: { app: 'rc' }, template }, status: { replicas: 2, readyReplicas: 2 } },
    cells: ['rc', 2, 2, 2, '5h', 'app,log', 'nginx:1,busybox', 'app=rc'] },
  { title: 'completed job', group: 'batch', kind: 'Job',
    object: { metadata: meta('pi'), spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template },
      status: { succeeded: 1, startTime: created(H), completionTime: created(H - 95_000), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] } },
    cells: ['pi', 'Complete', '1/1', '95s', '5h', 'app,log', 'nginx:1,busybox', 'batch.kubernetes.io/controller-uid=u1'] },
  { title: 'running job, parallel, no completions', group: 'batch', kind: 'Job',
    object: { metadata: meta('work'), spec: { parallelism: 3, template }, status: { succeeded: 1, startTime: created(10 * 60_000) } },
    cells: ['work', 'Running', '1/1 of 3', '10m', '5h', 'app,log', 'nginx:1,busybox', '<none>'] },
  { title: 'failed job not yet started', group: 'batch', kind: 'Job',
    object: { metadata: meta('bad'), spec: { template }, status: { conditions: [{ type: 'Failed', status: 'True' }] } },
    cells: ['bad', 'Failed', '0/1', '', '5h', 'app,log', 'nginx:1,busybox', '<none>'] },
  { title: 'suspended job being deleted', group: 'batch', kind: 'Job',
    object: { metadata: meta('s', { deletionTimestamp: created(0) }), spec: { template }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } },
    cells: ['s', 'Terminating', '0/1', '', '5h', 'app,log', 'nginx:1,busybox', '<none>'] },
  { title: 'cronjob', group: 'batch', kind: 'CronJob',
    object: { metadata: meta('nightly'), spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template } } }, status: { active: [{ name: 'nightly-1' }], lastScheduleTime: created(30 * 60_000) } },
    cells: ['nightly', '0 3 * * *', '<none>', 'False', 1, '30m', '5h', 'app,log', 'nginx:1,busybox', '<none>'] },
  { title: 'cronjob with a time zone, never scheduled, suspend unset', group: 'batch', kind: 'CronJob',
    object: { metadata: meta('tz'), spec: { schedule: '@daily', timeZone: 'Etc/UTC', jobTemplate: { spec: { template } } } },
    cells: ['tz', '@daily', 'Etc/UTC', '<unset>', 0, '<none>', '5h', 'app,log', 'nginx:1,busybox', '<none>'] },
  { title: 'ClusterIP service', group: '', kind: 'Service',
    object: { metadata: meta('web'), spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' } } },
    cells: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '5h', 'app=web'] },
  { title: 'headless service without ports or selector', group: '', kind: 'Service',
    object: { metadata: meta('h'), spec: { clusterIP: 'None', clusterIPs: ['None'] } }, cells: ['h', 'ClusterIP', 'None', '<none>', '<none>', '5h', '<none>'] },
  { title: 'NodePort service with external IPs', group: '', kind: 'Service',
    object: { metadata: meta('np'), spec: { type: 'NodePort', clusterIPs: ['10.96.1.1'], externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, nodePort: 30001, protocol: 'TCP' }] } },
    cells: ['np', 'NodePort', '10.96.1.1', '1.2.3.4,5.6.7.8', '80:30001/TCP', '5h', '<none>'] },
  { title: 'LoadBalancer service, pending', group: '', kind: 'Service',
    object: { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] } },
    cells: ['lb', 'LoadBalancer', '10.96.2.2', '<pending>', '443:31443/TCP', '5h', '<none>'] },
  { title: 'LoadBalancer service with ingress points (sorted, unique, not clipped)', group: '', kind: 'Service',
    object: { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.2.2'], externalIPs: ['9.9.9.9'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] },
      status: { loadBalancer: { ingress: [{ hostname: 'a-very-long-load-balancer.example.com' }, { ip: '203.0.113.7' }, { ip: '203.0.113.7' }] } } },
    cells: ['lb', 'LoadBalancer', '10.96.2.2', '203.0.113.7,a-very-long-load-balancer.example.com,9.9.9.9', '443:31443/TCP', '5h', '<none>'] },
  { title: 'ExternalName service', group: '', kind: 'Service',
    object: { metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'db.example.com' } }, cells: ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '5h', '<none>'] },
  { title: 'endpoints, more than three', group: '', kind: 'Endpoints',
    object: { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] },
    cells: ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...', '5h'] },
  { title: 'endpoints, none', group: '', kind: 'Endpoints', object: { metadata: meta('e') }, cells: ['e', '<none>', '5h'] },
  { title: 'endpointslice', group: 'discovery.k8s.io', kind: 'EndpointSlice',
    object: { metadata: meta('web-abc'), addressType: 'IPv4', ports: [{ port: 80 }, { name: 'metrics' }, {}], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3', '10.0.0.4'] }] },
    cells: ['web-abc', 'IPv4', '80,metrics,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '5h'] },
  { title: 'endpointslice, empty', group: 'discovery.k8s.io', kind: 'EndpointSlice', object: { metadata: meta('e'), addressType: 'IPv6' }, cells: ['e', 'IPv6', '<unset>', '<unset>', '5h'] },
  { title: 'ingress', group: 'networking.k8s.io', kind: 'Ingress',
    object: { metadata: meta('ing'), spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'] }], rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }] },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } },
    cells: ['ing', 'nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.1', '80, 443', '5h'] },
  { title: 'ingress without rules or class', group: 'networking.k8s.io', kind: 'Ingress', object: { metadata: meta('i'), spec: {} }, cells: ['i', '<none>', '*', '', '80', '5h'] },
  { title: 'ready node with roles', group: '', kind: 'Node',
    object: { metadata: meta('cp-1', { namespace: undefined, labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'master' } }),
      status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }], addresses: [{ type: 'Hostname', address: 'cp-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
        nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' } } },
    cells: ['cp-1', 'Ready', 'control-plane,master', '5h', 'v1.33.1', '192.168.1.10', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.7.0'] },
  { title: 'unschedulable node that is not ready', group: '', kind: 'Node',
    object: { metadata: meta('n2'), spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }], addresses: [{ type: 'ExternalIP', address: '203.0.113.9' }] } },
    cells: ['n2', 'NotReady,SchedulingDisabled', '<none>', '5h', '', '<none>', '203.0.113.9', '<unknown>', '<unknown>', '<unknown>'] },
  { title: 'node without conditions', group: '', kind: 'Node', object: { metadata: meta('n3') },
    cells: ['n3', 'Unknown', '<none>', '5h', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'] },
  { title: 'namespace', group: '', kind: 'Namespace', object: { metadata: meta('kube-system'), status: { phase: 'Active' } }, cells: ['kube-system', 'Active', '5h'] },
  { title: 'configmap counts data and binaryData', group: '', kind: 'ConfigMap', object: { metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, cells: ['cm', 3, '5h'] },
  { title: 'secret', group: '', kind: 'Secret', object: { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, cells: ['tls', 'kubernetes.io/tls', 2, '5h'] },
  { title: 'serviceaccount', group: '', kind: 'ServiceAccount', object: { metadata: meta('default') }, cells: ['default', 0, '5h'] },
  { title: 'event (core, legacy timestamps)', group: '', kind: 'Event',
    object: { metadata: meta('web-0.17a'), type: 'Warning', reason: 'BackOff', message: '  Back-off restarting failed container\n', count: 7, firstTimestamp: created(H), lastTimestamp: created(60_000),
      involvedObject: { kind: 'Pod', name: 'web-0', fieldPath: 'spec.containers{app}' }, source: { component: 'kubelet', host: 'node-1' } },
    cells: ['60s', 'Warning', 'BackOff', 'pod/web-0', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '60m', 7, 'web-0.17a'] },
  { title: 'event (new API: eventTime, series, reporting controller)', group: '', kind: 'Event',
    object: { metadata: meta('e2'), type: 'Normal', reason: 'Scheduled', message: 'ok', eventTime: '2024-12-31T23:59:30.000000Z', series: { count: 4, lastObservedTime: '2024-12-31T23:59:55.123456Z' },
      involvedObject: { kind: 'Node' }, reportingComponent: 'default-scheduler' },
    cells: ['4s', 'Normal', 'Scheduled', 'node', '', 'default-scheduler', 'ok', '30s', 4, 'e2'] },
  { title: 'singleton event without count', group: '', kind: 'Event', object: { metadata: meta('e3'), involvedObject: { kind: 'Pod', name: 'p' } },
    cells: ['<unknown>', '', '', 'pod/p', '', '', '', '<unknown>', 1, 'e3'] },
  { title: 'bound persistentvolume', group: '', kind: 'PersistentVolume',
    object: { metadata: meta('pv1'), spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'fast', claimRef: { namespace: 'default', name: 'data' }, volumeMode: 'Filesystem' }, status: { phase: 'Bound' } },
    cells: ['pv1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'fast', '<unset>', '', '5h', 'Filesystem'] },
  { title: 'terminating persistentvolume, class from the beta annotation', group: '', kind: 'PersistentVolume',
    object: { metadata: meta('pv2', { deletionTimestamp: created(0), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }), spec: { storageClassName: 'new' }, status: { phase: 'Released', reason: 'gone' } },
    cells: ['pv2', '0', '', '', 'Terminating', '', 'old', '<unset>', 'gone', '5h', '<unset>'] },
  { title: 'pending claim', group: '', kind: 'PersistentVolumeClaim',
    object: { metadata: meta('data'), spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
    cells: ['data', 'Pending', '', '', '', 'fast', '<unset>', '5h', '<unset>'] },
  { title: 'bound claim', group: '', kind: 'PersistentVolumeClaim',
    object: { metadata: meta('data'), spec: { volumeName: 'pv1', volumeMode: 'Block', volumeAttributesClassName: 'gold' }, status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOncePod'] } },
    cells: ['data', 'Bound', 'pv1', '10Gi', 'RWOP', '', 'gold', '5h', 'Block'] },
  { title: 'default storageclass', group: 'storage.k8s.io', kind: 'StorageClass',
    object: { metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true },
    cells: ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', true, '5h'] },
  { title: 'storageclass defaults', group: 'storage.k8s.io', kind: 'StorageClass', object: { metadata: meta('sc'), provisioner: 'p', reclaimPolicy: 'Retain' },
    cells: ['sc', 'p', 'Retain', 'Immediate', false, '5h'] },
  { title: 'rolebinding with every subject kind', group: 'rbac.authorization.k8s.io', kind: 'RoleBinding',
    object: { metadata: meta('rb'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', namespace: 'ci', name: 'bot' }, { kind: 'User', name: 'bob' }, { kind: 'Other', name: 'x' }] },
    cells: ['rb', 'ClusterRole/view', '5h', 'alice, bob', 'devs', 'ci/bot'] },
  { title: 'clusterrolebinding without subjects', group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding',
    object: { metadata: meta('crb'), roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } }, cells: ['crb', 'ClusterRole/cluster-admin', '5h', '', '', ''] },
  { title: 'lease', group: 'coordination.k8s.io', kind: 'Lease', object: { metadata: meta('kube-scheduler'), spec: { holderIdentity: 'cp-1_abc' } }, cells: ['kube-scheduler', 'cp-1_abc', '5h'] },
  { title: 'hpa (autoscaling/v2)', group: 'autoscaling', kind: 'HorizontalPodAutoscaler',
    object: { apiVersion: 'autoscaling/v2', metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }, { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { target: { averageValue: '1k' } } }] },
    status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }] } },
    cells: ['web', 'Deployment/web', 'cpu: 45%/80%, memory: <unknown>/500Mi + 1 more...', '2', 10, 3, '5h'] },
  { title: 'hpa (autoscaling/v1) without metrics reported', group: 'autoscaling', kind: 'HorizontalPodAutoscaler',
    object: { apiVersion: 'autoscaling/v1', metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } },
    cells: ['web', 'Deployment/web', 'cpu: <unknown>/50%', '<unset>', 5, 0, '5h'] },
  { title: 'hpa without metrics', group: 'autoscaling', kind: 'HorizontalPodAutoscaler',
    object: { apiVersion: 'autoscaling/v2', metadata: meta('x'), spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 1 } },
    cells: ['x', 'StatefulSet/db', '<none>', '<unset>', 1, 0, '5h'] },
  { title: 'pdb', group: 'policy', kind: 'PodDisruptionBudget', object: { metadata: meta('pdb'), spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }, cells: ['pdb', '50%', 'N/A', 1, '5h'] },
  { title: 'pdb with maxUnavailable', group: 'policy', kind: 'PodDisruptionBudget', object: { metadata: meta('pdb'), spec: { maxUnavailable: 1 } }, cells: ['pdb', 'N/A', '1', 0, '5h'] },
  { title: 'priorityclass', group: 'scheduling.k8s.io', kind: 'PriorityClass',
    object: { metadata: meta('system-node-critical'), value: 2000001000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' }, cells: ['system-node-critical', 2000001000, false, '5h', 'PreemptLowerPriority'] },
];

describe('printers: golden cells per kind', () => {
  for (const c of cases) {
    it(`${c.group === '' ? 'core' : c.group}/${c.kind}: ${c.title}`, () => {
      const ri = info(c.group, 'v1', c.kind, `${c.kind.toLowerCase()}s`);
      const [row] = rowsFor(ri, [c.object], { now: NOW });
      assert.deepEqual(row?.cells, c.cells);
      const columns = tableFor(ri, [], { now: NOW }).columnDefinitions ?? [];
      assert.equal(columns.length, c.cells.length, 'one cell per column');
    });
  }
});

describe('columns', () => {
  const header = (group: string, kind: string): string[] =>
    (tableFor(info(group, 'v1', kind, 'x'), [], { now: NOW }).columnDefinitions ?? []).map((c) => (c.priority === 0 ? c.name : `${c.name}*`));
  it('match kube 1.33 (wide columns marked *)', () => {
    assert.deepEqual(header('apps', 'Deployment'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
    assert.deepEqual(header('', 'Service'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
    assert.deepEqual(header('', 'Event'), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
    assert.deepEqual(header('batch', 'Job'), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']);
    assert.deepEqual(header('', 'Node'), ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']);
    assert.deepEqual(header('rbac.authorization.k8s.io', 'RoleBinding'), ['Name', 'Role', 'Age', 'Users*', 'Groups*', 'ServiceAccounts*']);
  });
  it('every column has a description', () => {
    for (const [g, k] of [['', 'Pod'], ['apps', 'DaemonSet'], ['', 'PersistentVolume'], ['autoscaling', 'HorizontalPodAutoscaler'], ['', 'Event']] as const) {
      for (const c of tableFor(info(g, 'v1', k, 'x'), [], { now: NOW }).columnDefinitions ?? []) assert.notEqual(c.description, '', `${k} ${c.name}`);
    }
  });
});
