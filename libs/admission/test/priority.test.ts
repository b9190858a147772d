import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryObjectReader, priorityAdmission, validatePriorityClassReserved } from '../src/index.ts';
import { attrs, pod, rejectsWith, run } from './attrs.ts';

const PC = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };
const pcs = (...classes: Array<Record<string, unknown>>) => new MemoryObjectReader(classes.map((c) => [PC, { metadata: { name: c.name as string }, ...c }] as const));

test('Priority resolves a pod\'s priority from its class, the global default, the built-ins, or 0', async () => {
  const r = pcs({ name: 'high', value: 1000, preemptionPolicy: 'Never' }, { name: 'dflt', value: 10, globalDefault: true }, { name: 'dflt2', value: 5, globalDefault: true });
  const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [{ priorityClassName: 'high' }, { priorityClassName: 'high', priority: 1000, preemptionPolicy: 'Never' }],
    [{}, { priorityClassName: 'dflt2', priority: 5 }],
    [{ priorityClassName: 'system-node-critical' }, { priorityClassName: 'system-node-critical', priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' }],
    [{ priorityClassName: 'system-cluster-critical', priority: 2000000000 }, { priorityClassName: 'system-cluster-critical', priority: 2000000000, preemptionPolicy: 'PreemptLowerPriority' }],
  ];
  for (const [spec, want] of cases) {
    const obj = pod({ ...spec });
    await run(priorityAdmission({ reader: r }), attrs({ object: obj }));
    assert.deepEqual(obj.spec, want);
  }
  const none = pod({});
  await run(priorityAdmission({ reader: pcs() }), attrs({ object: none }));
  assert.deepEqual(none.spec, { priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
});

test('Priority refusals use kube\'s words', async () => {
  const r = pcs({ name: 'high', value: 1000, preemptionPolicy: 'Never' });
  const p = priorityAdmission({ reader: r });
  await rejectsWith(run(p, attrs({ object: pod({ priorityClassName: 'nope' }) })), 403, 'Forbidden', 'pods "p" is forbidden: no PriorityClass with name nope was found');
  await rejectsWith(run(p, attrs({ object: pod({ priorityClassName: 'high', priority: 7 }) })), 403, 'Forbidden',
    'pods "p" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name');
  await rejectsWith(run(p, attrs({ object: pod({ priority: 3 }) })), 403, 'Forbidden',
    'pods "p" is forbidden: the integer value of priority (3) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name');
  await rejectsWith(run(p, attrs({ object: pod({ priorityClassName: 'high', preemptionPolicy: 'PreemptLowerPriority' }) })), 403, 'Forbidden',
    'pods "p" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name');
});

test('Priority keeps the created priority on an update that drops it, and ignores subresources', async () => {
  const p = priorityAdmission({ reader: pcs() });
  const obj = pod({ priorityClassName: 'x' });
  await run(p, attrs({ operation: 'UPDATE', object: obj, oldObject: { metadata: { name: 'p' }, spec: { priority: 9, preemptionPolicy: 'Never' } } }));
  assert.deepEqual(obj.spec, { priorityClassName: 'x', priority: 9, preemptionPolicy: 'Never' });
  await run(p, attrs({ subresource: 'status', object: pod({ priorityClassName: 'nope' }) }));
});

test('Priority allows only one global default PriorityClass', async () => {
  const p = priorityAdmission({ reader: pcs({ name: 'dflt', value: 10, globalDefault: true }) });
  const write = (operation: 'CREATE' | 'UPDATE', name: string, globalDefault: boolean) =>
    attrs({ operation, group: 'scheduling.k8s.io', resource: 'priorityclasses', kind: 'PriorityClass', namespace: '', object: { metadata: { name }, value: 1, globalDefault }, oldObject: operation === 'UPDATE' ? { metadata: { name } } : undefined });
  await rejectsWith(run(p, write('CREATE', 'other', true)), 403, 'Forbidden', 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass dflt is marked as default. Only one default can exist');
  await rejectsWith(run(p, write('UPDATE', 'other', true)), 403, 'Forbidden', 'priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass dflt is marked as default. Only one default can exist');
  await run(p, write('UPDATE', 'dflt', true));
  await run(p, write('CREATE', 'other', false));
  await run(priorityAdmission({ reader: pcs() }), write('CREATE', 'first', true));
});

test('validatePriorityClassReserved: the system- prefix and the user ceiling', () => {
  const msgs = (name: string, value: number, globalDefault = false) => validatePriorityClassReserved({ name, value, globalDefault }).map((e) => e.message());
  assert.deepEqual(msgs('system-node-critical', 2000001000), []);
  assert.deepEqual(msgs('user', 1000000000), []);
  assert.deepEqual(msgs('system-foo', 1), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class"]);
  assert.deepEqual(msgs('system-cluster-critical', 5), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"]);
  assert.deepEqual(msgs('system-node-critical', 2000001000, true), ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-node-critical PriorityClass must be false"]);
  assert.deepEqual(msgs('user', 1000000001), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
});
