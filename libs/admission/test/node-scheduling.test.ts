import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryObjectReader, defaultTolerationSeconds, mergeTolerations, runtimeClassAdmission, taintNodesByCondition } from '../src/index.ts';
import { attrs, pod, rejectsWith, run } from './attrs.ts';

const NOT_READY = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const UNREACHABLE = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

test('DefaultTolerationSeconds adds both tolerations unless the pod already tolerates the taint', async () => {
  const cases: Array<[unknown[] | undefined, unknown[]]> = [
    [undefined, [NOT_READY, UNREACHABLE]],
    [[{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], [{ ...NOT_READY, tolerationSeconds: 10 }, UNREACHABLE]],
    [[{ operator: 'Exists' }], [{ operator: 'Exists' }]],
    [[{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, NOT_READY]],
    [[{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }, NOT_READY, UNREACHABLE]],
  ];
  for (const [tolerations, want] of cases) {
    const obj = pod({ containers: [], ...(tolerations === undefined ? {} : { tolerations }) });
    await run(defaultTolerationSeconds(), attrs({ object: obj }));
    assert.deepEqual((obj.spec as Record<string, unknown>).tolerations, want);
  }
  const configured = pod({});
  await run(defaultTolerationSeconds({ notReadyTolerationSeconds: 60, unreachableTolerationSeconds: 0 }), attrs({ operation: 'UPDATE', object: configured, oldObject: { metadata: {} } }));
  assert.deepEqual((configured.spec as Record<string, unknown>).tolerations, [{ ...NOT_READY, tolerationSeconds: 60 }, { ...UNREACHABLE, tolerationSeconds: 0 }]);
  const status = pod({});
  await run(defaultTolerationSeconds(), attrs({ subresource: 'status', object: status }));
  assert.deepEqual(status.spec, {});
  assert.throws(() => defaultTolerationSeconds({ notReadyTolerationSeconds: 1.5 }), /--default-not-ready-toleration-seconds must be an integer/);
});

test('TaintNodesByCondition taints new nodes not-ready:NoSchedule once', async () => {
  const node = (spec?: Record<string, unknown>) => ({ metadata: { name: 'n1' }, ...(spec === undefined ? {} : { spec }) });
  const n = node();
  await run(taintNodesByCondition(), attrs({ resource: 'nodes', kind: 'Node', namespace: '', object: n }));
  assert.deepEqual(n.spec, { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] });
  const has = node({ taints: [{ key: 'node.kubernetes.io/not-ready', value: 'x', effect: 'NoSchedule' }] });
  await run(taintNodesByCondition(), attrs({ resource: 'nodes', kind: 'Node', namespace: '', object: has }));
  assert.equal((has.spec as { taints: unknown[] }).taints.length, 1);
  const upd = node({});
  await run(taintNodesByCondition(), attrs({ operation: 'UPDATE', resource: 'nodes', kind: 'Node', namespace: '', object: upd }));
  assert.deepEqual(upd.spec, {});
});

test('mergeTolerations drops tolerations another already covers', () => {
  const exists = { key: 'k', operator: 'Exists' };
  const equal = { key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' };
  assert.deepEqual(mergeTolerations([equal], [exists]), [exists]);
  assert.deepEqual(mergeTolerations([exists], [equal, exists]), [exists]);
  const short = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
  const long = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 100 };
  assert.deepEqual(mergeTolerations([short], [long]), [long]);
  assert.deepEqual(mergeTolerations([{ key: 'a', operator: 'Exists' }], [{ key: 'b', operator: 'Exists' }]), [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }]);
});

const RC = { group: 'node.k8s.io', resource: 'runtimeclasses' };
const rcReader = new MemoryObjectReader([
  [RC, { metadata: { name: 'kata' }, handler: 'kata', overhead: { podFixed: { cpu: '250m', memory: '120Mi' } }, scheduling: { nodeSelector: { runtime: 'kata' }, tolerations: [{ key: 'kata', operator: 'Exists', effect: 'NoSchedule' }] } }],
  [RC, { metadata: { name: 'plain' }, handler: 'runc' }],
]);

test('RuntimeClass sets overhead, merges the node selector and tolerations', async () => {
  const obj = pod({ runtimeClassName: 'kata', nodeSelector: { zone: 'a' }, containers: [] });
  await run(runtimeClassAdmission({ reader: rcReader }), attrs({ object: obj }));
  assert.deepEqual(obj.spec, {
    runtimeClassName: 'kata', containers: [],
    overhead: { cpu: '250m', memory: '120Mi' },
    nodeSelector: { zone: 'a', runtime: 'kata' },
    tolerations: [{ key: 'kata', operator: 'Exists', effect: 'NoSchedule' }],
  });
  const same = pod({ runtimeClassName: 'kata', overhead: { cpu: '0.25', memory: '120Mi' }, containers: [] });
  await run(runtimeClassAdmission({ reader: rcReader }), attrs({ object: same }));
  const plain = pod({ runtimeClassName: 'plain', containers: [] });
  await run(runtimeClassAdmission({ reader: rcReader }), attrs({ object: plain }));
  assert.deepEqual(plain.spec, { runtimeClassName: 'plain', containers: [] });
});

test('RuntimeClass refusals', async () => {
  const p = runtimeClassAdmission({ reader: rcReader });
  await rejectsWith(run(p, attrs({ object: pod({ runtimeClassName: 'gone', containers: [] }) })), 403, 'Forbidden', 'pods "p" is forbidden: pod rejected: RuntimeClass "gone" not found');
  await rejectsWith(run(p, attrs({ object: pod({ runtimeClassName: 'kata', overhead: { cpu: '1' }, containers: [] }) })), 403, 'Forbidden',
    "pods \"p\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  await rejectsWith(run(p, attrs({ object: pod({ runtimeClassName: 'plain', overhead: { cpu: '1' }, containers: [] }) })), 403, 'Forbidden',
    'pods "p" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
  await rejectsWith(run(p, attrs({ object: pod({ overhead: { cpu: '1' }, containers: [] }) })), 403, 'Forbidden',
    'pods "p" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead');
  await rejectsWith(run(p, attrs({ object: pod({ runtimeClassName: 'kata', nodeSelector: { runtime: 'runc' }, containers: [] }) })), 403, 'Forbidden',
    'pods "p" is forbidden: conflict: runtimeClass.scheduling.nodeSelector[runtime] = kata; pod.spec.nodeSelector[runtime] = runc');
  // A validating pass on an object another plugin changed after RuntimeClass's mutation catches the drift.
  const a = attrs({ object: pod({ runtimeClassName: 'kata', containers: [] }) });
  await p.admit?.(a);
  ((a.object.spec as Record<string, unknown>).overhead as Record<string, unknown>).cpu = '2';
  await rejectsWith(Promise.resolve(p.validate?.(a)), 403, 'Forbidden', "pods \"p\" is forbidden: pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  await run(p, attrs({ operation: 'UPDATE', object: pod({ runtimeClassName: 'gone' }), oldObject: { metadata: {} } }));
});
