import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../src/types.ts';
import { container, createErrors, deployment, podSpec, rules, template, updateErrors, workload } from './workloads-fixtures.ts';

const MISMATCH = 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`';

function stored(obj: JsonObject): JsonObject {
  (obj.metadata as JsonObject).resourceVersion = '3';
  return obj;
}

test('apps: minimal workloads are valid after defaulting', () => {
  for (const kind of ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet']) assert.deepEqual(createErrors(`apps/${kind}`, workload(kind)), [], kind);
  assert.deepEqual(createErrors('apps/Deployment', deployment({ strategy: { type: 'Recreate' } })), []);
  assert.deepEqual(createErrors('apps/DaemonSet', workload('DaemonSet', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' } } })), []);
});

test('deployment: selector required, non-empty, matching the template', () => {
  assert.deepEqual(createErrors('apps/Deployment', deployment({ selector: undefined })), ['spec.selector: Required value', MISMATCH]);
  assert.deepEqual(createErrors('apps/Deployment', deployment({ selector: { matchLabels: { app: 'api' } } })), [MISMATCH]);
  assert.deepEqual(createErrors('apps/Deployment', deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] } })), [MISMATCH]);
  assert.deepEqual(createErrors('apps/Deployment', deployment({ selector: {}, replicas: -1, minReadySeconds: 700, strategy: { type: 'Recreate', rollingUpdate: {} } })), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.selector: Invalid value: {}: empty selector is invalid for deployment',
    "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
  ]);
});

test('deployment: selector expressions', () => {
  const selector = { matchExpressions: [{ key: 'app', operator: 'In', values: [] }, { key: 'x', operator: 'Exists', values: ['a'] }, { key: 'y', operator: 'Like' }] };
  assert.deepEqual(createErrors('apps/Deployment', deployment({ selector })), [
    "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    'spec.selector.matchExpressions[2].operator: Invalid value: "Like": not a valid selector operator',
    `spec.selector: Invalid value: ${JSON.stringify(selector)}: invalid label selector`,
  ]);
});

test('deployment: strategy and template policy', () => {
  const rolling = (ru: JsonObject): JsonObject => deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: ru } });
  assert.deepEqual(createErrors('apps/Deployment', rolling({ maxUnavailable: 0, maxSurge: '0%' })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
  assert.deepEqual(createErrors('apps/Deployment', rolling({ maxUnavailable: '150%', maxSurge: 'x' })), [
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: "x": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
  ]);
  assert.deepEqual(createErrors('apps/Deployment', rolling({ maxUnavailable: -1, maxSurge: 1 })), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(createErrors('apps/Deployment', deployment({ strategy: { type: 'Blue' }, template: template(podSpec({ restartPolicy: 'Never', activeDeadlineSeconds: 5 })) })), [
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    'spec.strategy: Unsupported value: {"type":"Blue"}: supported values: "Recreate", "RollingUpdate"',
  ]);
  // The pod spec inside is validated like a pod's.
  assert.deepEqual(createErrors('apps/Deployment', deployment({ template: template(podSpec({ containers: [container({ image: '' })] })) })), [
    'spec.template.spec.containers[0].image: Required value',
  ]);
});

test('deployment update: apps/v1 selectors are immutable', () => {
  const old = stored(deployment());
  const next = stored(deployment({ selector: { matchLabels: { app: 'web', tier: 'fe' } }, template: template(podSpec(), { app: 'web', tier: 'fe' }) }));
  assert.deepEqual(updateErrors('apps/Deployment', next, old), ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable']);
  assert.deepEqual(updateErrors('apps/Deployment', stored(deployment({ replicas: 5 })), stored(deployment())), []);
  assert.deepEqual(updateErrors('apps/ReplicaSet', stored(workload('ReplicaSet', { selector: { matchLabels: { app: 'web', v: '2' } }, template: template(podSpec(), { app: 'web', v: '2' }) })), stored(workload('ReplicaSet'))), [
    'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
  ]);
});

test('replicaset: kube reuses the deployment wording for an empty selector', () => {
  assert.deepEqual(createErrors('apps/ReplicaSet', workload('ReplicaSet', { selector: {} })), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
});

test('daemonset: selector, strategy and template', () => {
  assert.deepEqual(createErrors('apps/DaemonSet', workload('DaemonSet', { selector: undefined, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } })), [
    MISMATCH,
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero',
  ]);
  assert.deepEqual(createErrors('apps/DaemonSet', workload('DaemonSet', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }, template: template(podSpec({ activeDeadlineSeconds: 3 })) })), [
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported',
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
  ]);
  assert.deepEqual(createErrors('apps/DaemonSet', workload('DaemonSet', { selector: {}, updateStrategy: { type: 'Surge' } })), [
    'spec.selector: Invalid value: {}: empty selector is invalid for daemonset',
    'spec.updateStrategy: Unsupported value: {"type":"Surge"}: supported values: "RollingUpdate", "OnDelete"',
  ]);
});

test('statefulset: policies, strategy, names; the pod spec itself is not checked', () => {
  const ss = workload('StatefulSet', {
    podManagementPolicy: 'Random', updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' }, template: template({ containers: [{ name: 'X' }] }, { app: 'other' }),
  }, 'db.v1');
  assert.deepEqual(createErrors('apps/StatefulSet', ss), [
    'metadata.name: Invalid value: "db.v1": must not contain dots',
    `spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'`,
    `spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy 'RollingUpdate'`,
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(createErrors('apps/StatefulSet', workload('StatefulSet', { selector: {}, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1, maxUnavailable: 0 } }, ordinals: { start: -1 } })), [
    'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0',
    'spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0',
    'spec.selector: Invalid value: {}: empty selector is invalid for statefulset',
  ]);
});

test('statefulset update: only some spec fields may change', () => {
  const old = stored(workload('StatefulSet', { serviceName: 'a' }));
  assert.deepEqual(updateErrors('apps/StatefulSet', stored(workload('StatefulSet', { serviceName: 'b', replicas: 3 })), old), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
  const scaled = stored(workload('StatefulSet', { serviceName: 'a', replicas: 3, minReadySeconds: 5, template: template(podSpec({ containers: [container({ image: 'nginx:2' })] })) }));
  assert.deepEqual(updateErrors('apps/StatefulSet', scaled, stored(workload('StatefulSet', { serviceName: 'a' }))), []);
});

test('replicationcontroller: map selector and template', () => {
  const rc = (spec: JsonObject): JsonObject => ({ metadata: { name: 'rc', namespace: 'default' }, spec });
  assert.deepEqual(createErrors('/ReplicationController', rc({ template: template() })), []);
  assert.deepEqual(createErrors('/ReplicationController', rc({ selector: { app: 'x' }, template: template() })), [MISMATCH]);
  assert.deepEqual(createErrors('/ReplicationController', rc({})), ['spec.selector: Required value', 'spec.template: Required value']);
  assert.deepEqual(createErrors('/ReplicationController', rc({ replicas: -2, template: template(podSpec({ restartPolicy: 'OnFailure' })) })), [
    'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
  ]);
});

test('status updates: counters bounded by replicas, collisionCount never decremented', () => {
  const withStatus = (kind: string, status: JsonObject): JsonObject => ({ ...stored(workload(kind)), status });
  const statusErrors = (groupKind: string, kind: string, status: JsonObject, oldStatus: JsonObject = {}): string[] =>
    (rules(groupKind).validateStatusUpdate?.(withStatus(kind, status), withStatus(kind, oldStatus)) ?? []).map((e) => e.message());
  assert.deepEqual(statusErrors('apps/Deployment', 'Deployment', { replicas: 2, readyReplicas: 3, availableReplicas: 4, updatedReplicas: -1, collisionCount: 1 }, { collisionCount: 2 }), [
    'status.updatedReplicas: Invalid value: -1: must be greater than or equal to 0',
    'status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 4: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 4: cannot be greater than readyReplicas',
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ]);
  assert.deepEqual(statusErrors('apps/ReplicaSet', 'ReplicaSet', { replicas: 1, fullyLabeledReplicas: 2 }), [
    'status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
  assert.deepEqual(statusErrors('apps/StatefulSet', 'StatefulSet', { replicas: 1, readyReplicas: 1, availableReplicas: 2 }), [
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.readyReplicas',
  ]);
  assert.deepEqual(statusErrors('apps/DaemonSet', 'DaemonSet', { numberReady: -1 }, { collisionCount: 1 }), [
    'status.numberReady: Invalid value: -1: must be greater than or equal to 0',
    'status.collisionCount: Invalid value: 0: cannot be decremented',
  ]);
  assert.deepEqual(statusErrors('apps/Deployment', 'Deployment', { replicas: 3, readyReplicas: 2, availableReplicas: 2, collisionCount: 2 }, { collisionCount: 2 }), []);
});
