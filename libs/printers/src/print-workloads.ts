// Controllers of pods: ReplicationController, ReplicaSet, Deployment,
// StatefulSet, DaemonSet, Job, CronJob, and the PodDisruptionBudget and
// HorizontalPodAutoscaler that steer them.

import { DOCS, REF_DOCS } from './docs.ts';
import { humanDuration, parseTimestamp, since } from './human-duration.ts';
import { arr, at, intOrString, num, optBool, optNum, optStr, present, rec, str } from './json-path.ts';
import {
  AGE_COLUMN, col, containerCells, CONTAINERS_COLUMN, creationTimestamp, deleting, formatLabels, formatLabelSelector, IMAGES_COLUMN, name,
  NAME_COLUMN, selectorString, type Printer,
} from './printer.ts';

/** spec.replicas as the internal type sees it: v1 defaults a missing value to 1. */
function replicas(obj: unknown): number {
  return optNum(obj, 'spec', 'replicas') ?? 1;
}

function podSpec(obj: unknown): unknown {
  return at(obj, 'spec', 'template', 'spec');
}

export const REPLICATION_CONTROLLER_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', DOCS.V1ReplicationControllerSpec.replicas),
    col('Current', 'integer', DOCS.V1ReplicationControllerStatus.replicas),
    col('Ready', 'integer', DOCS.V1ReplicationControllerStatus.readyReplicas),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    col('Selector', 'string', DOCS.V1ReplicationControllerSpec.selector, 1),
  ],
  print: (o, now) => {
    const [names, images] = containerCells(podSpec(o));
    return { cells: [name(o), replicas(o), num(o, 'status', 'replicas'), num(o, 'status', 'readyReplicas'), since(creationTimestamp(o), now), names, images, formatLabels(at(o, 'spec', 'selector'))] };
  },
};

export const REPLICA_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', DOCS.V1ReplicaSetSpec.replicas),
    col('Current', 'integer', DOCS.V1ReplicaSetStatus.replicas),
    col('Ready', 'integer', DOCS.V1ReplicaSetStatus.readyReplicas),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    col('Selector', 'string', REF_DOCS.replicaSetSelector, 1),
  ],
  print: (o, now) => {
    const [names, images] = containerCells(podSpec(o));
    return { cells: [name(o), replicas(o), num(o, 'status', 'replicas'), num(o, 'status', 'readyReplicas'), since(creationTimestamp(o), now), names, images, formatLabelSelector(at(o, 'spec', 'selector'))] };
  },
};

export const DEPLOYMENT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', DOCS.V1DeploymentStatus.updatedReplicas),
    col('Available', 'string', DOCS.V1DeploymentStatus.availableReplicas),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    col('Selector', 'string', REF_DOCS.deploymentSelector, 1),
  ],
  print: (o, now) => {
    const [names, images] = containerCells(podSpec(o));
    // Unlike the other controllers, kube prints the raw selector here: "" for an empty one.
    const selector = selectorString(at(o, 'spec', 'selector')) ?? '<invalid>';
    return {
      cells: [name(o), `${num(o, 'status', 'readyReplicas')}/${replicas(o)}`, num(o, 'status', 'updatedReplicas'), num(o, 'status', 'availableReplicas'), since(creationTimestamp(o), now), names, images, selector],
    };
  },
};

export const STATEFUL_SET_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Ready', 'string', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  print: (o, now) => {
    const [names, images] = containerCells(podSpec(o));
    return { cells: [name(o), `${num(o, 'status', 'readyReplicas')}/${replicas(o)}`, since(creationTimestamp(o), now), names, images] };
  },
};

export const DAEMON_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Desired', 'integer', DOCS.V1DaemonSetStatus.desiredNumberScheduled),
    col('Current', 'integer', DOCS.V1DaemonSetStatus.currentNumberScheduled),
    col('Ready', 'integer', DOCS.V1DaemonSetStatus.numberReady),
    col('Up-to-date', 'integer', DOCS.V1DaemonSetStatus.updatedNumberScheduled),
    col('Available', 'integer', DOCS.V1DaemonSetStatus.numberAvailable),
    col('Node Selector', 'string', DOCS.V1PodSpec.nodeSelector),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    col('Selector', 'string', REF_DOCS.daemonSetSelector, 1),
  ],
  print: (o, now) => {
    const s = rec(o, 'status');
    const [names, images] = containerCells(podSpec(o));
    return {
      cells: [
        name(o), num(s, 'desiredNumberScheduled'), num(s, 'currentNumberScheduled'), num(s, 'numberReady'), num(s, 'updatedNumberScheduled'),
        num(s, 'numberAvailable'), formatLabels(at(podSpec(o), 'nodeSelector')), since(creationTimestamp(o), now), names, images,
        formatLabelSelector(at(o, 'spec', 'selector')),
      ],
    };
  },
};

/** The first condition of `type` decides, as kube's hasJobCondition does. */
function jobCondition(job: unknown, type: string): boolean {
  const c = arr(job, 'status', 'conditions').find((x) => str(x, 'type') === type);
  return c !== undefined && str(c, 'status') === 'True';
}

function jobStatus(job: unknown): string {
  if (jobCondition(job, 'Complete')) return 'Complete';
  if (jobCondition(job, 'Failed')) return 'Failed';
  if (deleting(job)) return 'Terminating';
  if (jobCondition(job, 'Suspended')) return 'Suspended';
  if (jobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: unknown): string {
  const succeeded = num(job, 'status', 'succeeded');
  const completions = optNum(job, 'spec', 'completions');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optNum(job, 'spec', 'parallelism') ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: unknown, now: Date): string {
  const start = parseTimestamp(at(job, 'status', 'startTime'));
  if (start === undefined) return '';
  const end = parseTimestamp(at(job, 'status', 'completionTime'));
  return humanDuration((end ?? now.getTime()) - start);
}

export const JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', DOCS.V1JobStatus.succeeded),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    col('Selector', 'string', REF_DOCS.jobSelector, 1),
  ],
  print: (o, now) => {
    const [names, images] = containerCells(podSpec(o));
    return { cells: [name(o), jobStatus(o), jobCompletions(o), jobDuration(o, now), since(creationTimestamp(o), now), names, images, formatLabelSelector(at(o, 'spec', 'selector'))] };
  },
};

/** printBoolPtr: `<unset>` for nil. */
function boolPtr(v: boolean | undefined): string {
  return v === undefined ? '<unset>' : v ? 'True' : 'False';
}

export const CRON_JOB_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Schedule', 'string', DOCS.V1CronJobSpec.schedule),
    col('Timezone', 'string', DOCS.V1CronJobSpec.timeZone),
    col('Suspend', 'boolean', DOCS.V1CronJobSpec.suspend),
    col('Active', 'integer', DOCS.V1CronJobStatus.active),
    col('Last Schedule', 'string', DOCS.V1CronJobStatus.lastScheduleTime),
    AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN,
    col('Selector', 'string', REF_DOCS.jobSelector, 1),
  ],
  print: (o, now) => {
    const jobSpec = at(o, 'spec', 'jobTemplate', 'spec');
    const [names, images] = containerCells(at(jobSpec, 'template', 'spec'));
    const last = present(o, 'status', 'lastScheduleTime') ? since(at(o, 'status', 'lastScheduleTime'), now) : '<none>';
    return {
      cells: [
        name(o), str(o, 'spec', 'schedule'), optStr(o, 'spec', 'timeZone') ?? '<none>', boolPtr(optBool(o, 'spec', 'suspend')),
        arr(o, 'status', 'active').length, last, since(creationTimestamp(o), now), names, images, formatLabelSelector(at(jobSpec, 'selector')),
      ],
    };
  },
};

export const POD_DISRUPTION_BUDGET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  print: (o, now) => {
    const min = present(o, 'spec', 'minAvailable') ? intOrString(at(o, 'spec', 'minAvailable')) : 'N/A';
    const max = present(o, 'spec', 'maxUnavailable') ? intOrString(at(o, 'spec', 'maxUnavailable')) : 'N/A';
    return { cells: [name(o), min, max, num(o, 'status', 'disruptionsAllowed'), since(creationTimestamp(o), now)] };
  },
};
