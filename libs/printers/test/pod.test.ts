// Golden cells for pods: every STATUS path of kube's printPod, and the wide columns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rowsFor, tableFor, type KubeObjectLike } from '../src/index.ts';
import { created, info, NOW } from './fixtures.ts';

const POD = info('', 'v1', 'Pod', 'pods');
const MIN = 60_000;

function pod(spec: object, status: object, meta: object = {}): KubeObjectLike {
  return { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-0', namespace: 'default', creationTimestamp: created(5 * MIN), ...meta }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec }, status } as KubeObjectLike;
}

function cells(p: KubeObjectLike): readonly unknown[] {
  const [row] = rowsFor(POD, [p], { now: NOW });
  assert.ok(row);
  return row.cells;
}

const running = { name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: created(4 * MIN) } } };

describe('pod printer', () => {
  it('has kube 1.33 columns, wide ones at priority 1', () => {
    const t = tableFor(POD, [], { now: NOW });
    assert.deepEqual(t.columnDefinitions?.map((c) => `${c.name}:${c.type}:${c.priority}`), [
      'Name:string:0', 'Ready:string:0', 'Status:string:0', 'Restarts:string:0', 'Age:string:0',
      'IP:string:1', 'Node:string:1', 'Nominated Node:string:1', 'Readiness Gates:string:1',
    ]);
    assert.equal(t.columnDefinitions?.[0]?.format, 'name');
  });

  const cases: [string, KubeObjectLike, readonly unknown[]][] = [
    ['running', pod({ nodeName: 'node-1' }, { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [running] }),
      ['web-0', '1/1', 'Running', '0', '5m', '10.0.0.5', 'node-1', '<none>', '<none>']],
    ['pending, nothing reported', pod({}, { phase: 'Pending' }), ['web-0', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['no status at all', pod({}, {}), ['web-0', '0/1', '', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['waiting container reason', pod({}, { phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }] }),
      ['web-0', '0/1', 'ContainerCreating', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['crash loop with restarts "N (Xm ago)"', pod({}, {
      phase: 'Running',
      containerStatuses: [{ name: 'app', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: created(2 * MIN) } } }],
    }), ['web-0', '0/1', 'CrashLoopBackOff', '3 (2m ago)', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['restarts without a finish time print the count only', pod({}, { phase: 'Running', containerStatuses: [{ ...running, restartCount: 2 }] }),
      ['web-0', '1/1', 'Running', '2', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['completed pod', pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      ['web-0', '0/1', 'Completed', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['terminated without a reason: exit code', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137 } } }] }),
      ['web-0', '0/1', 'ExitCode:137', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['terminated by a signal', pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, signal: 9 } } }] }),
      ['web-0', '0/1', 'Signal:9', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['init container waiting', pod({ initContainers: [{ name: 'init', image: 'busybox' }, { name: 'init2', image: 'busybox' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'PodInitializing' } } }, { name: 'init2', state: { waiting: {} } }],
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
    }), ['web-0', '0/1', 'Init:0/2', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['second init container running', pod({ initContainers: [{ name: 'init' }, { name: 'init2' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'init2', state: { running: {} } }],
    }), ['web-0', '0/1', 'Init:1/2', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['init container crash-looping', pod({ initContainers: [{ name: 'init' }] }, {
      phase: 'Pending', initContainerStatuses: [{ name: 'init', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
    }), ['web-0', '0/1', 'Init:CrashLoopBackOff', '4', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['init container failed', pod({ initContainers: [{ name: 'init' }] }, {
      phase: 'Failed', initContainerStatuses: [{ name: 'init', state: { terminated: { exitCode: 2, reason: 'Error' } } }],
    }), ['web-0', '0/1', 'Init:Error', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['sidecar (restartable init container) counts in READY', pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
      phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} } }],
      containerStatuses: [running],
    }), ['web-0', '2/2', 'Running', '1', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['terminating', pod({}, { phase: 'Running', containerStatuses: [running] }, { deletionTimestamp: created(0) }),
      ['web-0', '1/1', 'Terminating', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['a finished pod being deleted keeps its status', pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: created(0) }),
      ['web-0', '0/1', 'Completed', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['node lost while deleting', pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: created(0) }),
      ['web-0', '0/1', 'Unknown', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['scheduling gated', pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      ['web-0', '0/1', 'SchedulingGated', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['Completed container beside a running one, pod Ready', pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }), ['web-0', '1/2', 'Running', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['Completed container beside a running one, pod not Ready', pod({ containers: [{ name: 'a' }, { name: 'b' }] }, {
      phase: 'Running',
      containerStatuses: [{ name: 'a', ready: true, state: { running: {} } }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }), ['web-0', '1/2', 'NotReady', '0', '5m', '<none>', '<none>', '<none>', '<none>']],
    ['nominated node and readiness gates', pod({ readinessGates: [{ conditionType: 'x/ready' }, { conditionType: 'y/ready' }] }, {
      phase: 'Pending', nominatedNodeName: 'node-2', conditions: [{ type: 'x/ready', status: 'True' }, { type: 'y/ready', status: 'False' }],
    }), ['web-0', '0/1', 'Pending', '0', '5m', '<none>', '<none>', 'node-2', '1/2']],
    ['no creationTimestamp', { kind: 'Pod', metadata: { name: 'x' } }, ['x', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.deepEqual(cells(p), want));

  it('marks finished pods with a Completed row condition', () => {
    const [ok] = rowsFor(POD, [pod({}, { phase: 'Succeeded' })], { now: NOW });
    assert.deepEqual(ok?.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    const [failed] = rowsFor(POD, [pod({}, { phase: 'Failed' })], { now: NOW });
    assert.deepEqual(failed?.conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    const [live] = rowsFor(POD, [pod({}, { phase: 'Running' })], { now: NOW });
    assert.equal(live !== undefined && 'conditions' in live, false);
  });
});
