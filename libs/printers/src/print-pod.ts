// The pod printer: READY, STATUS and RESTARTS follow kube's reasoning step by
// step (init containers, sidecars, waiting/terminated reasons, Terminating),
// because kubectl users read the STATUS column to debug.

import { DOCS } from './docs.ts';
import { parseTimestamp, since } from './human-duration.ts';
import { arr, bool, num, rec, str } from './json-path.ts';
import { AGE_COLUMN, col, creationTimestamp, deleting, name, NAME_COLUMN, type PrintedRow, type Printer } from './printer.ts';
import type { TableRowCondition } from './table-types.ts';

const POD_COLUMNS = [
  NAME_COLUMN,
  col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'string', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  AGE_COLUMN,
  col('IP', 'string', DOCS.V1PodStatus.podIP, 1),
  col('Node', 'string', DOCS.V1PodSpec.nodeName, 1),
  col('Nominated Node', 'string', DOCS.V1PodStatus.nominatedNodeName, 1),
  col('Readiness Gates', 'string', DOCS.V1PodSpec.readinessGates, 1),
];

const SUCCEEDED: readonly TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED: readonly TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** The kubelet's reason for pods on an unreachable node (node.NodeUnreachablePodReason). */
const NODE_LOST = 'NodeLost';

function hasCondition(conditions: readonly unknown[], type: string): boolean {
  return conditions.some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

/** Latest `lastState.terminated.finishedAt` seen so far (ms; undefined = Go's zero time). */
function later(current: number | undefined, status: unknown): number | undefined {
  const finished = parseTimestamp(rec(status, 'lastState', 'terminated').finishedAt);
  if (finished === undefined) return current;
  return current === undefined || finished > current ? finished : current;
}

function terminatedReason(t: Readonly<Record<string, unknown>>, prefix: string): string {
  const reason = str(t, 'reason');
  if (reason !== '') return prefix + reason;
  const signal = num(t, 'signal');
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${num(t, 'exitCode')}`;
}

function printPod(pod: unknown, now: Date): PrintedRow {
  const spec = rec(pod, 'spec');
  const status = rec(pod, 'status');
  const conditions = arr(status, 'conditions');
  const initSpecs = arr(spec, 'initContainers');
  const sidecars = new Set(initSpecs.filter((c) => str(c, 'restartPolicy') === 'Always').map((c) => str(c, 'name')));
  const total = arr(spec, 'containers').length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const phase = str(status, 'phase');
  let reason = str(status, 'reason') !== '' ? str(status, 'reason') : phase;
  if (conditions.some((c) => str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = arr(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += num(c, 'restartCount');
    lastRestart = later(lastRestart, c);
    const sidecar = sidecars.has(str(c, 'name'));
    if (sidecar) {
      sidecarRestarts += num(c, 'restartCount');
      lastSidecarRestart = later(lastSidecarRestart, c);
    }
    const terminated = rec(c, 'state', 'terminated');
    const waiting = rec(c, 'state', 'waiting');
    const isTerminated = rec(c, 'state').terminated !== undefined && rec(c, 'state').terminated !== null;
    if (isTerminated && num(terminated, 'exitCode') === 0) continue;
    if (sidecar && bool(c, 'started')) {
      if (bool(c, 'ready')) ready++;
      continue;
    }
    if (isTerminated) reason = terminatedReason(terminated, 'Init:');
    else if (str(waiting, 'reason') !== '' && str(waiting, 'reason') !== 'PodInitializing') reason = `Init:${str(waiting, 'reason')}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(c, 'restartCount');
      lastRestart = later(lastRestart, c);
      const state = rec(c, 'state');
      const waitingReason = str(state, 'waiting', 'reason');
      const terminated = state.terminated !== undefined && state.terminated !== null ? rec(state, 'terminated') : undefined;
      if (waitingReason !== '') reason = waitingReason;
      else if (terminated !== undefined) reason = terminatedReason(terminated, '');
      else if (bool(c, 'ready') && state.running !== undefined && state.running !== null) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose finished containers say "Completed" while another still runs is not complete.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (deleting(pod) && str(status, 'reason') === NODE_LOST) reason = 'Unknown';
  else if (deleting(pod) && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsCell = restarts !== 0 && lastRestart !== undefined
    ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)`
    : String(restarts);

  const podIP = str(status, 'podIPs', 0, 'ip');
  const gates = arr(spec, 'readinessGates');
  let gatesCell = '<none>';
  if (gates.length > 0) {
    // Only the first condition of each type counts, as in kube.
    const trueCount = gates.filter((g) => str(conditions.find((c) => str(c, 'type') === str(g, 'conditionType')), 'status') === 'True').length;
    gatesCell = `${trueCount}/${gates.length}`;
  }
  const cells = [
    name(pod), `${ready}/${total}`, reason, restartsCell, since(creationTimestamp(pod), now),
    podIP === '' ? '<none>' : podIP, orNone(str(spec, 'nodeName')), orNone(str(status, 'nominatedNodeName')), gatesCell,
  ];
  if (phase === 'Succeeded') return { cells, conditions: SUCCEEDED };
  if (phase === 'Failed') return { cells, conditions: FAILED };
  return { cells };
}

function orNone(s: string): string {
  return s === '' ? '<none>' : s;
}

export const POD_PRINTER: Printer = { columns: POD_COLUMNS, print: printPod };
