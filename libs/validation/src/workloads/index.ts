// Pods, pod templates and the workload kinds (owned by the workloads author):
// kube's defaulting and validation, keyed `<group>/<Kind>`.

import type { RuleTable } from '../types.ts';
import { validateDaemonSet, validateDaemonSetUpdate, validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate } from './apps.ts';
import { validateCronJob, validateCronJobUpdate } from './cron-job.ts';
import { validateJob, validateJobUpdate } from './job.ts';
import { defaultPod } from './pod-defaults.ts';
import { validatePod, validatePodTemplate, validatePodTemplateUpdate, validatePodUpdate } from './pod.ts';
import { validateReplicationController, validateReplicationControllerUpdate } from './replication-controller.ts';
import { validateStatefulSet, validateStatefulSetUpdate } from './stateful-set.ts';
import { validateDaemonSetStatusUpdate, validateDeploymentStatusUpdate, validateReplicaSetStatusUpdate, validateStatefulSetStatusUpdate } from './status.ts';
import {
  defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultPodTemplate, defaultReplicaSet,
  defaultReplicationController, defaultStatefulSet,
} from './workload-defaults.ts';

export { parseQuantity, parseQuantityDetailed, compareQuantities, isNegative, isZero, formatQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR } from './quantity.ts';
export type { Quantity, QuantityFormat } from './quantity.ts';
export { ZERO_QUANTITY, addQuantities, subtractQuantities } from './quantity-arith.ts';
export { generateJobSelector, JOB_LABELS } from './workload-defaults.ts';
export { cronScheduleError } from './cron-schedule.ts';
export { defaultPullPolicy, parseImageReference } from './image-reference.ts';
export { defaultPodSpec, defaultPodTemplateSpec, defaultContainer } from './pod-defaults.ts';
export { validatePodSpec } from './pod-spec.ts';
export { validatePodTemplateSpec } from './template.ts';

export const WORKLOAD_RULES: RuleTable = {
  '/Pod': { default: defaultPod, validateCreate: validatePod, validateUpdate: validatePodUpdate },
  '/PodTemplate': { default: defaultPodTemplate, validateCreate: validatePodTemplate, validateUpdate: validatePodTemplateUpdate },
  '/ReplicationController': {
    default: defaultReplicationController,
    validateCreate: validateReplicationController,
    validateUpdate: validateReplicationControllerUpdate,
    validateStatusUpdate: validateReplicaSetStatusUpdate,
  },
  'apps/Deployment': {
    default: defaultDeployment, validateCreate: validateDeployment, validateUpdate: validateDeploymentUpdate, validateStatusUpdate: validateDeploymentStatusUpdate,
  },
  'apps/ReplicaSet': {
    default: defaultReplicaSet, validateCreate: validateReplicaSet, validateUpdate: validateReplicaSetUpdate, validateStatusUpdate: validateReplicaSetStatusUpdate,
  },
  'apps/StatefulSet': {
    default: defaultStatefulSet, validateCreate: validateStatefulSet, validateUpdate: validateStatefulSetUpdate, validateStatusUpdate: validateStatefulSetStatusUpdate,
  },
  'apps/DaemonSet': {
    default: defaultDaemonSet, validateCreate: validateDaemonSet, validateUpdate: validateDaemonSetUpdate, validateStatusUpdate: validateDaemonSetStatusUpdate,
  },
  'batch/Job': { default: defaultJob, validateCreate: validateJob, validateUpdate: validateJobUpdate },
  'batch/CronJob': { default: defaultCronJob, validateCreate: validateCronJob, validateUpdate: validateCronJobUpdate },
};
