import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldManager } from '@logbook/fieldmanager';
import type { FieldManagerError } from '@logbook/fieldmanager';
import { T0, T1, T2, TARGET, ZERO_DEPLOYMENT, containersOf, deployment, entry, managedFieldsOf, schemas, stored } from './fixtures.ts';

const fm = new FieldManager({ schemas });

function create(manager = 'kubectl-create'): Record<string, unknown> {
  return stored(fm.update({ ...TARGET, live: undefined, next: deployment(), manager, now: T0, zeroObject: ZERO_DEPLOYMENT }));
}

function withSpec(obj: Record<string, unknown>, change: (spec: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(obj);
  change(copy['spec'] as Record<string, unknown>);
  return copy;
}

const CREATED_FIELDS =
  '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},' +
  '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:env":{".":{},"k:{\\"name\\":\\"MODE\\"}":{".":{},"f:name":{},"f:value":{}}},' +
  '"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}}}';

describe('update: create', () => {
  it('gives the creator every field it set, as kube writes it', () => {
    const created = create();
    assert.deepEqual(managedFieldsOf(created).map((e) => Object.keys(e)), [['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']]);
    const e = entry(created, 'kubectl-create')!;
    assert.equal(e['apiVersion'], 'apps/v1');
    assert.equal(e['time'], '2025-05-01T12:00:00Z');
    assert.equal(e['fieldsType'], 'FieldsV1');
    assert.equal(JSON.stringify(e['fieldsV1']), CREATED_FIELDS);
  });

  it('without a zero object, structs the create introduces are owned themselves', () => {
    const created = fm.update({ ...TARGET, live: undefined, next: deployment(), manager: 'm', now: T0 });
    const fields = entry(created, 'm')!['fieldsV1'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(fields['f:spec']!).slice(0, 2), ['.', 'f:replicas']);
  });
});

describe('update: ownership moves with changes', () => {
  it('moves only the changed fields to the new manager', () => {
    const live = create();
    const next = withSpec(live, (spec) => {
      spec['replicas'] = 3;
      containersOf({ spec })[0]!.image = 'nginx:1.26';
    });
    const out = fm.update({ ...TARGET, live, next, manager: 'kubectl-edit', now: T1 });
    const edit = entry(out, 'kubectl-edit')!;
    assert.equal(edit['time'], '2025-05-01T12:05:00Z');
    assert.equal(JSON.stringify(edit['fieldsV1']), '{"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{"f:image":{}}}}}}}');
    const creator = JSON.stringify(entry(out, 'kubectl-create')!['fieldsV1']);
    assert.ok(!creator.includes('f:replicas'));
    assert.ok(!creator.includes('f:image'));
    assert.ok(creator.includes('f:containerPort'));
    assert.equal(entry(out, 'kubectl-create')!['time'], '2025-05-01T12:00:00Z');
    // Entries in kube's order: by time.
    assert.deepEqual(managedFieldsOf(out).map((e) => e['manager']), ['kubectl-create', 'kubectl-edit']);
  });

  it('a write that changes nothing leaves managedFields (and times) alone', () => {
    const live = create();
    const out = fm.update({ ...TARGET, live, next: structuredClone(live), manager: 'other', now: T2 });
    assert.deepEqual(managedFieldsOf(out), managedFieldsOf(live));
  });

  it('a removed field leaves every owner', () => {
    const live = create();
    const next = withSpec(live, (spec) => delete spec['replicas']);
    const out = fm.update({ ...TARGET, live, next, manager: 'other', now: T1 });
    assert.equal(entry(out, 'other'), undefined);
    assert.ok(!JSON.stringify(entry(out, 'kubectl-create')!['fieldsV1']).includes('f:replicas'));
  });

  it('the same manager accumulates fields and its time moves', () => {
    const live = create();
    const a = fm.update({ ...TARGET, live, next: withSpec(live, (s) => (s['replicas'] = 2)), manager: 'ed', now: T1 });
    const b = fm.update({ ...TARGET, live: a, next: withSpec(a, (s) => (s['paused'] = true)), manager: 'ed', now: T2 });
    const e = entry(b, 'ed')!;
    assert.equal(e['time'], '2025-05-01T12:10:00Z');
    assert.equal(JSON.stringify(e['fieldsV1']), '{"f:spec":{"f:paused":{},"f:replicas":{}}}');
  });

  it('status changed through the main resource is not tracked when status is a reset field', () => {
    const live = create();
    const next = { ...structuredClone(live), status: { replicas: 1 } };
    const out = fm.update({ ...TARGET, live, next, manager: 'sneaky', now: T1, resetFields: [['status']] });
    assert.equal(entry(out, 'sneaky'), undefined);
  });
});

describe('update: client-sent managedFields', () => {
  const migrated = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-05-01T12:01:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];

  it('valid ones replace the stored ones', () => {
    const live = create();
    const next = structuredClone(live);
    (next['metadata'] as Record<string, unknown>)['managedFields'] = migrated;
    const out = fm.update({ ...TARGET, live, next, manager: 'kubectl-patch', now: T1 });
    assert.deepEqual(managedFieldsOf(out), migrated);
  });

  for (const [name, sent] of [['[]', []], ['[{}]', [{}]]] as const) {
    it(`${name} resets them; an update does not start tracking again`, () => {
      const live = create();
      const next = withSpec(live, (s) => (s['replicas'] = 5));
      (next['metadata'] as Record<string, unknown>)['managedFields'] = sent;
      const out = fm.update({ ...TARGET, live, next, manager: 'kubectl-patch', now: T1 });
      assert.equal((out['metadata'] as Record<string, unknown>)['managedFields'], undefined);
    });
  }

  for (const [name, bad] of [
    ['bad operation', [{ ...migrated[0], operation: 'Delete' }]],
    ['missing apiVersion', [{ ...migrated[0], apiVersion: '' }]],
    ['missing fieldsType', [{ ...migrated[0], fieldsType: undefined }]],
    ['bad fieldsV1', [{ ...migrated[0], fieldsV1: { 'x:y': {} } }]],
    ['bad time', [{ ...migrated[0], time: 'yesterday' }]],
    ['not a list', { manager: 'x' }],
  ] as const) {
    it(`invalid ones (${name}) are ignored in favour of the stored ones`, () => {
      const live = create();
      const next = withSpec(live, (s) => (s['replicas'] = 5));
      (next['metadata'] as Record<string, unknown>)['managedFields'] = bad;
      const out = fm.update({ ...TARGET, live, next, manager: 'kubectl-patch', now: T1 });
      assert.deepEqual(managedFieldsOf(out).map((e) => e['manager']), ['kubectl-create', 'kubectl-patch']);
    });
  }

  it('an object stored without managedFields is not tracked on update', () => {
    const live = stored(deployment());
    const out = fm.update({ ...TARGET, live, next: withSpec(live, (s) => (s['replicas'] = 4)), manager: 'm', now: T1 });
    assert.equal((out['metadata'] as Record<string, unknown>)['managedFields'], undefined);
  });
});

describe('update: /status', () => {
  it('is tracked in its own entry; request managedFields are ignored', () => {
    const live = create();
    const next: Record<string, unknown> = { ...structuredClone(live), status: { replicas: 1, readyReplicas: 1 } };
    (next['metadata'] as Record<string, unknown>)['managedFields'] = [];
    const out = fm.update({ ...TARGET, subresource: 'status', resetFields: [['spec'], ['metadata']], live, next, manager: 'kube-controller-manager', now: T1 });
    const e = entry(out, 'kube-controller-manager')!;
    assert.equal(e['subresource'], 'status');
    assert.deepEqual(Object.keys(e), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);
    assert.equal(JSON.stringify(e['fieldsV1']), '{"f:status":{".":{},"f:readyReplicas":{},"f:replicas":{}}}');
    assert.ok(entry(out, 'kubectl-create'));
  });
});

describe('update: the Update-manager cap', () => {
  it('merges the oldest Update entries into ancient-changes beyond 10', () => {
    let obj = create();
    for (let i = 1; i <= 10; i++) {
      const next = structuredClone(obj);
      ((next['metadata'] as Record<string, unknown>)['labels'] as Record<string, string>)[`l${i}`] = 'x';
      obj = fm.update({ ...TARGET, live: obj, next, manager: `m${i}`, now: new Date(T0.getTime() + i * 60_000) });
    }
    const managers = managedFieldsOf(obj).map((e) => e['manager']);
    assert.equal(managers.length, 10);
    assert.deepEqual(managers, ['ancient-changes', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
    const ancient = entry(obj, 'ancient-changes')!;
    assert.equal(ancient['time'], '2025-05-01T12:01:00Z');
    const fields = JSON.stringify(ancient['fieldsV1']);
    assert.ok(fields.includes('f:l1') && fields.includes('f:replicas'));
  });

  it('honours a smaller configured cap, and Apply entries do not count', () => {
    const small = new FieldManager({ schemas, maxUpdateManagers: 1 });
    let obj = small.apply({ ...TARGET, live: undefined, applied: deployment(), manager: 'applier', force: false, now: T0 });
    obj = stored(obj);
    obj = small.update({ ...TARGET, live: obj, next: withSpec(obj, (s) => (s['paused'] = true)), manager: 'u1', now: T1 });
    obj = small.update({ ...TARGET, live: obj, next: withSpec(obj, (s) => (s['minReadySeconds'] = 5)), manager: 'u2', now: T2 });
    assert.deepEqual(managedFieldsOf(obj).map((e) => `${String(e['operation'])}:${String(e['manager'])}`), ['Apply:applier', 'Update:ancient-changes']);
  });
});

describe('update: failures keep the stored managedFields', () => {
  it('an unknown kind is reported, and the live entries are kept', () => {
    const errors: FieldManagerError[] = [];
    const f = new FieldManager({ schemas, onUpdateError: (e) => errors.push(e) });
    const live = create();
    const out = f.update({ apiVersion: 'apps/v1', kind: 'Nope', live, next: withSpec(live, (s) => (s['replicas'] = 9)), manager: 'm', now: T1 });
    assert.equal(errors[0]?.code, 'UNKNOWN_KIND');
    assert.deepEqual(managedFieldsOf(out), managedFieldsOf(live));
  });
});
