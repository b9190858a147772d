// kube's defaulting of the workload kinds (apps/v1, batch/v1 and core/v1
// ReplicationController, PodTemplate): SetDefaults_<Kind> followed by the pod
// template defaults their generated defaulters apply.

import type { JsonObject } from '../types.ts';
import { ensureObj, objAt, objectsAt, setDefault, setDefaultIfZero, stringMapAt } from './json.ts';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec } from './pod-defaults.ts';

const DEFAULT_REVISION_HISTORY_LIMIT = 10;
const MAX_INT32 = 2147483647;

export function defaultPodTemplate(obj: JsonObject): void {
  defaultPodTemplateSpec(objAt(obj, 'template'));
}

export function defaultReplicationController(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  const template = objAt(spec, 'template');
  const labels = stringMapAt(objAt(template, 'metadata'), 'labels');
  if (labels !== undefined) {
    // The selector and the controller's own labels follow the template's when unset.
    if (Object.keys(objAt(spec, 'selector') ?? {}).length === 0) spec.selector = { ...labels };
    const meta = ensureObj(obj, 'metadata');
    if (Object.keys(objAt(meta, 'labels') ?? {}).length === 0) meta.labels = { ...labels };
  }
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(template);
}

export function defaultDeployment(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  setDefaultIfZero(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

export function defaultReplicaSet(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

export function defaultDaemonSet(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  const strategy = ensureObj(spec, 'updateStrategy');
  setDefaultIfZero(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT);
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

export function defaultStatefulSet(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultIfZero(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObj(spec, 'updateStrategy');
  if (strategy.type === undefined || strategy.type === null || strategy.type === '') {
    strategy.type = 'RollingUpdate';
    // Only a strategy kube chose itself gets a rollingUpdate block made for it.
    setDefault(strategy, 'rollingUpdate', {});
  }
  const ru = objAt(strategy, 'rollingUpdate');
  if (strategy.type === 'RollingUpdate' && ru !== undefined) setDefault(ru, 'partition', 0);
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultIfZero(retention, 'whenDeleted', 'Retain');
  setDefaultIfZero(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT);
  for (const [, pvc] of objectsAt(spec, 'volumeClaimTemplates')) {
    defaultPersistentVolumeClaimSpec(ensureObj(pvc, 'spec'));
    setDefaultIfZero(ensureObj(pvc, 'status'), 'phase', 'Pending');
  }
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

function defaultJobSpec(spec: JsonObject): void {
  // A job with neither completions nor parallelism is one pod run once.
  if (!isSet(spec.completions) && !isSet(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', isSet(spec.backoffLimitPerIndex) ? MAX_INT32 : 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  const failurePolicy = objAt(spec, 'podFailurePolicy');
  for (const [, rule] of objectsAt(failurePolicy, 'rules')) {
    for (const [, pattern] of objectsAt(rule, 'onPodConditions')) setDefaultIfZero(pattern, 'status', 'True');
  }
  setDefault(spec, 'podReplacementPolicy', failurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed');
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function defaultJob(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  defaultJobSpec(spec);
  copyTemplateLabels(obj);
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

// A job without labels of its own takes its pod template's.
function copyTemplateLabels(obj: JsonObject): void {
  const labels = stringMapAt(objAt(objAt(objAt(obj, 'spec'), 'template'), 'metadata'), 'labels');
  if (labels === undefined) return;
  const meta = ensureObj(obj, 'metadata');
  if (Object.keys(objAt(meta, 'labels') ?? {}).length === 0) meta.labels = { ...labels };
}

export function defaultCronJob(obj: JsonObject): void {
  const spec = ensureObj(obj, 'spec');
  setDefaultIfZero(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  // The job template gets pod defaults only: SetDefaults_Job runs when the Job is made.
  defaultPodTemplateSpec(objAt(objAt(objAt(spec, 'jobTemplate'), 'spec'), 'template'));
}

/** Labels the job controller and kube's Job strategy use. */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

/**
 * kube's Job PrepareForCreate: unless `spec.manualSelector` is true, label
 * the pod template with the job's name and uid and select on the uid. Call
 * after the uid is assigned and before validation. Labels the user set are
 * kept (validation then reports a mismatch). Also re-applies the "job labels
 * from template labels" default, which kube's storage decoding applies to
 * the object it returns.
 */
export function generateJobSelector(job: JsonObject): void {
  const spec = ensureObj(job, 'spec');
  if (spec.manualSelector === true) return;
  // kube's job strategy reads an unset manualSelector as false and stores it that way.
  spec.manualSelector = false;
  const meta = objAt(job, 'metadata') ?? {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const uid = typeof meta.uid === 'string' ? meta.uid : '';
  const template = ensureObj(spec, 'template');
  const labels = ensureObj(ensureObj(template, 'metadata'), 'labels');
  setDefault(labels, JOB_LABELS.legacyJobName, name);
  setDefault(labels, JOB_LABELS.jobName, name);
  setDefault(labels, JOB_LABELS.legacyControllerUid, uid);
  setDefault(labels, JOB_LABELS.controllerUid, uid);
  const selector = ensureObj(spec, 'selector');
  setDefault(ensureObj(selector, 'matchLabels'), JOB_LABELS.controllerUid, uid);
  copyTemplateLabels(job);
}
