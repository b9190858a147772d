import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPullPolicy, generateJobSelector } from '../src/workloads/index.ts';
import { rules } from './workloads-fixtures.ts';
import type { JsonObject } from '../src/types.ts';

function defaulted(groupKind: string, obj: JsonObject): JsonObject {
  rules(groupKind).default?.(obj);
  return obj;
}

// What SetDefaults_PodSpec and SetDefaults_Container add to a bare template spec.
const DEFAULT_CONTAINER = { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };
const DEFAULT_POD_SPEC = { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' };

test('defaults: imagePullPolicy follows the tag', () => {
  const cases: Array<[string, string]> = [
    ['nginx', 'Always'], ['nginx:latest', 'Always'], ['nginx:1.27', 'IfNotPresent'], ['registry.k8s.io/pause:3.10', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'], ['localhost:5000/app:v1', 'IfNotPresent'],
    [`nginx@sha256:${'a'.repeat(64)}`, 'IfNotPresent'], [`nginx:latest@sha256:${'a'.repeat(64)}`, 'Always'],
    // Malformed references have no tag kube can see, hence IfNotPresent.
    ['NGINX', 'IfNotPresent'], ['', 'IfNotPresent'], ['nginx@sha256:abc', 'IfNotPresent'], ['nginx:', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) assert.equal(defaultPullPolicy(image), policy, image);
});

test('defaults: Pod gets spec, container, probe, volume and pod-only defaults', () => {
  const got = defaulted('/Pod', {
    metadata: { name: 'p' },
    spec: {
      hostNetwork: true,
      containers: [{
        name: 'app', image: 'nginx', ports: [{ containerPort: 8080 }],
        env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } },
        readinessProbe: { httpGet: { port: 8080 }, periodSeconds: 5 },
        lifecycle: { preStop: { httpGet: { port: 8080, path: '/stop' } } },
      }],
      volumes: [
        { name: 'scratch' }, { name: 'cfg', configMap: { name: 'c' } }, { name: 's', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'h', hostPath: { path: '/var/log' } },
        { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      ],
    },
  });
  assert.deepEqual(got, {
    metadata: { name: 'p' },
    spec: {
      ...DEFAULT_POD_SPEC,
      hostNetwork: true,
      enableServiceLinks: true,
      containers: [{
        name: 'app', image: 'nginx', ...DEFAULT_CONTAINER, imagePullPolicy: 'Always',
        ports: [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }],
        env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }],
        resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
        readinessProbe: { httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        lifecycle: { preStop: { httpGet: { port: 8080, path: '/stop', scheme: 'HTTP' } } },
      }],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
        { name: 's', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'h', hostPath: { path: '/var/log', type: '' } },
        {
          name: 'p',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
              { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } }] } },
            ],
          },
        },
      ],
    },
  });
});

test('defaults: templates get no pod-only defaults (no enableServiceLinks, no requests from limits)', () => {
  const got = defaulted('/PodTemplate', { metadata: { name: 't' }, template: { spec: { containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '1' } } }] } } });
  assert.deepEqual(got, {
    metadata: { name: 't' },
    template: { spec: { ...DEFAULT_POD_SPEC, containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '1' } }, ...DEFAULT_CONTAINER }] } },
  });
});

test('defaults: values the client set are kept', () => {
  const got = defaulted('/Pod', { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, enableServiceLinks: false, containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Never' }] } });
  const spec = got.spec as JsonObject;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.terminationGracePeriodSeconds, 0);
  assert.equal(spec.enableServiceLinks, false);
  assert.equal((spec.containers as JsonObject[])[0]?.imagePullPolicy, 'Never');
});

test('defaults: Deployment', () => {
  const got = defaulted('apps/Deployment', { spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } });
  assert.deepEqual(got, {
    spec: {
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { ...DEFAULT_POD_SPEC, containers: [{ name: 'c', image: 'x:1', ...DEFAULT_CONTAINER }] } },
    },
  });
  const recreate = defaulted('apps/Deployment', { spec: { strategy: { type: 'Recreate' }, replicas: 0 } });
  assert.deepEqual(recreate.spec, { strategy: { type: 'Recreate' }, replicas: 0, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 });
});

test('defaults: ReplicaSet, DaemonSet, StatefulSet', () => {
  assert.deepEqual(defaulted('apps/ReplicaSet', { spec: {} }).spec, { replicas: 1 });
  assert.deepEqual(defaulted('apps/DaemonSet', { spec: {} }).spec, {
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10,
  });
  assert.deepEqual(defaulted('apps/DaemonSet', { spec: { updateStrategy: { type: 'OnDelete' } } }).spec, { updateStrategy: { type: 'OnDelete' }, revisionHistoryLimit: 10 });
  assert.deepEqual(defaulted('apps/StatefulSet', { spec: { serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] } }).spec, {
    serviceName: 'db',
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    replicas: 1,
    revisionHistoryLimit: 10,
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
  });
  // A strategy the client chose gets no rollingUpdate block made for it.
  const explicit = defaulted('apps/StatefulSet', { spec: { updateStrategy: { type: 'RollingUpdate' } } }).spec as JsonObject;
  assert.deepEqual(explicit.updateStrategy, { type: 'RollingUpdate' });
});

test('defaults: ReplicationController takes selector and labels from its template', () => {
  const got = defaulted('/ReplicationController', { metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } } });
  assert.deepEqual(got, {
    metadata: { name: 'rc', labels: { app: 'x' } },
    spec: { selector: { app: 'x' }, replicas: 1, template: { metadata: { labels: { app: 'x' } }, spec: { ...DEFAULT_POD_SPEC, containers: [] } } },
  });
  const own = defaulted('/ReplicationController', { metadata: { labels: { mine: 'y' } }, spec: { selector: { app: 'x' }, template: { metadata: { labels: { app: 'x', v: '1' } } } } });
  assert.deepEqual((own.metadata as JsonObject).labels, { mine: 'y' });
  assert.deepEqual((own.spec as JsonObject).selector, { app: 'x' });
});

test('defaults: Job, then the selector generated once the uid is known', () => {
  const got = defaulted('batch/Job', {
    metadata: { name: 'pi', uid: 'u-1' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
  });
  assert.deepEqual(got.spec, {
    completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed',
    template: { spec: { ...DEFAULT_POD_SPEC, restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34', ...DEFAULT_CONTAINER }] } },
  });
  generateJobSelector(got);
  const labels = { 'batch.kubernetes.io/controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'job-name': 'pi' };
  assert.deepEqual((got.spec as JsonObject).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual(((got.spec as JsonObject).template as JsonObject).metadata, { labels });
  assert.deepEqual((got.metadata as JsonObject).labels, labels);
});

test('defaults: Job counts, per-index backoff and failure policy', () => {
  assert.deepEqual(
    { ...(defaulted('batch/Job', { spec: { parallelism: 3 } }).spec as JsonObject) },
    { parallelism: 3, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' },
  );
  const indexed = defaulted('batch/Job', { spec: { completions: 5, completionMode: 'Indexed', backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } } }).spec as JsonObject;
  assert.equal(indexed.parallelism, 1);
  assert.equal(indexed.backoffLimit, 2147483647);
  assert.equal(indexed.podReplacementPolicy, 'Failed');
  assert.deepEqual(indexed.podFailurePolicy, { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] });
});

test('defaults: generateJobSelector keeps what a manual selector or the user set', () => {
  const manual: JsonObject = { metadata: { name: 'j', uid: 'u' }, spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } } } } };
  generateJobSelector(manual);
  assert.deepEqual(manual.spec, { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } } } });
  const userLabel: JsonObject = { metadata: { name: 'j', uid: 'u', labels: { team: 't' } }, spec: { template: { metadata: { labels: { 'job-name': 'other' } } } } };
  generateJobSelector(userLabel);
  const labels = ((userLabel.spec as JsonObject).template as JsonObject).metadata as JsonObject;
  assert.equal((labels.labels as JsonObject)['job-name'], 'other');
  assert.deepEqual((userLabel.metadata as JsonObject).labels, { team: 't' });
});

test('defaults: CronJob defaults its own fields and its pod template, not the job spec', () => {
  const got = defaulted('batch/CronJob', { spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } } });
  assert.deepEqual(got.spec, {
    schedule: '@hourly', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    jobTemplate: { spec: { template: { spec: { ...DEFAULT_POD_SPEC, restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', ...DEFAULT_CONTAINER, imagePullPolicy: 'Always' }] } } } },
  });
});
