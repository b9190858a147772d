import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyConflictError, FieldManager, FieldManagerError, LAST_APPLIED_ANNOTATION, FIELD_MANAGER_ERROR_STATUS } from '@logbook/fieldmanager';
import type { FieldManagerErrorCode } from '@logbook/fieldmanager';
import { SchemaSet } from '@logbook/schemas';
import { T0, T1, T2, TARGET, ZERO_DEPLOYMENT, containersOf, deployment, entry, managedFieldsOf, metaOf, schemas, specOf, stored } from './fixtures.ts';

const fm = new FieldManager({ schemas });

type Obj = Record<string, unknown>;
const apply = (live: Obj | undefined, applied: unknown, manager: string, opts: { force?: boolean; now?: Date } = {}): Obj =>
  stored(fm.apply({ ...TARGET, live, applied, manager, force: opts.force ?? false, now: opts.now ?? T0 }));
const spec = specOf;
const containers = containersOf;
const fieldsOf = (o: Obj, manager: string, op = 'Apply'): string => JSON.stringify(entry(o, manager, op)?.['fieldsV1'] ?? null);

function conflictOf(fn: () => unknown): ApplyConflictError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApplyConflictError) return err;
    throw err;
  }
  assert.fail('expected an apply conflict');
}

/** A minimal apply body for the Deployment with the given spec. */
const partial = (specBody: Obj): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: specBody });

const APPLIED_FIELDS =
  '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},' +
  '"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"MODE\\"}":{".":{},"f:name":{},"f:value":{}}},' +
  '"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}}}';

describe('apply: create', () => {
  it('creates the object with one Apply entry owning exactly what was sent', () => {
    const out = fm.apply({ ...TARGET, live: undefined, applied: deployment(), manager: 'kubectl', force: false, now: T0 });
    const { metadata, ...rest } = out as Obj;
    const { managedFields, ...meta } = metadata as Obj;
    assert.deepEqual({ ...rest, metadata: meta }, deployment());
    assert.deepEqual(managedFields, [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-05-01T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: JSON.parse(APPLIED_FIELDS) as unknown }]);
  });

  it('applying the same configuration again changes nothing, not even the time', () => {
    const first = apply(undefined, deployment(), 'kubectl');
    const second = apply(first, deployment(), 'kubectl', { now: T2 });
    assert.deepEqual(second, first);
  });

  it('a changed configuration moves the time', () => {
    const first = apply(undefined, deployment(), 'kubectl');
    const second = apply(first, deployment({ replicas: 2 }), 'kubectl', { now: T2 });
    assert.equal(entry(second, 'kubectl', 'Apply')!['time'], '2025-05-01T12:10:00Z');
  });
});

describe('apply: conflicts', () => {
  const created = (): Obj => stored(fm.update({ ...TARGET, live: undefined, next: deployment(), manager: 'kubectl-client-side-apply', now: T0, zeroObject: ZERO_DEPLOYMENT }));

  it('another value on a field an Update manager owns is a conflict, with kube message and causes', () => {
    const err = conflictOf(() => apply(created(), partial({ replicas: 3 }), 'other'));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(err.causes(), [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
  });

  it('an Apply manager is named without apiVersion; several conflicts are listed by manager', () => {
    let live = apply(undefined, deployment(), 'alpha');
    live = apply(live, partial({ paused: true }), 'beta');
    const body = partial({ replicas: 4, paused: false, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:2' }] } } });
    const err = conflictOf(() => apply(live, body, 'gamma'));
    assert.equal(
      err.message,
      'Apply failed with 3 conflicts: conflicts with "alpha":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image\nconflicts with "beta":\n- .spec.paused',
    );
    assert.deepEqual(err.conflicts.map((c) => c.field), ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image', '.spec.paused']);
  });

  it('a subresource manager is named with it', () => {
    const live = created();
    const withStatus = fm.update({ ...TARGET, subresource: 'status', live, next: { ...live, status: { replicas: 1 } }, manager: 'kcm', now: T1 });
    const err = conflictOf(() => fm.apply({ ...TARGET, subresource: 'status', live: stored(withStatus), applied: { ...partial({}), status: { replicas: 2 } }, manager: 'x', force: false, now: T2 }));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kcm" with subresource "status" using apps/v1: .status.replicas');
  });

  it('the same value is shared ownership, not a conflict', () => {
    const out = apply(created(), partial({ replicas: 1 }), 'other');
    assert.equal(fieldsOf(out, 'other'), '{"f:spec":{"f:replicas":{}}}');
    assert.ok(fieldsOf(out, 'kubectl-client-side-apply', 'Update').includes('f:replicas'));
  });

  it('force takes the field away from its owner', () => {
    const out = apply(created(), partial({ replicas: 3 }), 'other', { force: true });
    assert.equal(spec(out).replicas, 3);
    assert.equal(fieldsOf(out, 'other'), '{"f:spec":{"f:replicas":{}}}');
    assert.ok(!fieldsOf(out, 'kubectl-client-side-apply', 'Update').includes('f:replicas'));
  });

  it('the first apply onto an object without managedFields conflicts with before-first-apply', () => {
    const err = conflictOf(() => apply(stored(deployment()), partial({ replicas: 3 }), 'other'));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
    const out = apply(stored(deployment()), partial({ replicas: 1 }), 'other');
    assert.deepEqual(managedFieldsOf(out).map((e) => `${String(e['operation'])}:${String(e['manager'])}`), ['Apply:other', 'Update:before-first-apply']);
  });
});

describe('apply: removal of fields no longer applied', () => {
  it('removes what the applier dropped when nobody else owns it', () => {
    const first = apply(undefined, deployment(), 'kubectl');
    const body = deployment();
    delete containersOf(body)[0]!.env;
    delete metaOf(body)['labels'];
    const out = apply(first, body, 'kubectl', { now: T1 });
    assert.equal(containers(out)[0]!.env, undefined);
    assert.equal((out['metadata'] as Obj)['labels'], undefined);
    assert.ok(!fieldsOf(out, 'kubectl').includes('MODE'));
  });

  it('keeps it, owned by the other manager only, when another applier owns it too', () => {
    const first = apply(undefined, deployment(), 'kubectl');
    const shared = apply(first, partial({ template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'MODE', value: 'prod' }] }] } } }), 'helper');
    const body = deployment();
    delete containersOf(body)[0]!.env;
    const out = apply(shared, body, 'kubectl', { now: T1 });
    assert.deepEqual(containers(out)[0]!.env, [{ name: 'MODE', value: 'prod' }]);
    assert.ok(!fieldsOf(out, 'kubectl').includes('MODE'));
    assert.ok(fieldsOf(out, 'helper').includes('MODE'));
  });

  it('keeps a field an Update manager owns', () => {
    const first = apply(undefined, deployment(), 'kubectl');
    const edited = stored(fm.update({ ...TARGET, live: first, next: { ...first, spec: { ...spec(first), paused: true } }, manager: 'ed', now: T1 }));
    const applied = apply(edited, { ...deployment(), spec: { ...specOf(deployment()), paused: true } }, 'kubectl', { now: T1 });
    const body = deployment();
    const out = apply(applied, body, 'kubectl', { now: T2 });
    assert.equal(spec(out).paused, true);
  });
});

describe('apply: merge by schema', () => {
  it('merges list-map items by key across two appliers', () => {
    const a = apply(undefined, deployment(), 'a');
    const b = apply(a, partial({ template: { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } } }), 'b');
    assert.deepEqual(containers(b).map((c) => c.name), ['nginx', 'sidecar']);
    assert.ok(fieldsOf(b, 'b').includes('sidecar') && !fieldsOf(b, 'b').includes('nginx'));
    // a re-applies its configuration: b's container stays.
    const again = apply(b, deployment({ image: 'nginx:1.26' }), 'a', { now: T1 });
    assert.deepEqual(containers(again).map((c) => [c.name, c.image]), [['nginx', 'nginx:1.26'], ['sidecar', 'envoy']]);
  });

  it('keys ports by containerPort and the defaulted protocol', () => {
    const body = deployment();
    containersOf(body)[0]!.ports = [{ containerPort: 8080 }];
    const out = apply(undefined, body, 'a');
    assert.ok(fieldsOf(out, 'a').includes('k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}'));
  });

  it('replaces atomic lists and atomic maps whole', () => {
    const withArgs = (args: string[], tolerations: unknown[], nodeSelector: Obj): Obj =>
      partial({ template: { spec: { nodeSelector, tolerations, containers: [{ name: 'nginx', args }] } } });
    const a = apply(undefined, { ...withArgs(['-a', '-b'], [{ key: 'k1' }, { key: 'k2' }], { zone: 'a', disk: 'ssd' }) }, 'a');
    const out = apply(a, withArgs(['-c'], [{ key: 'k3' }], { zone: 'b' }), 'a', { now: T1 });
    const podSpec = spec(out).template.spec;
    assert.deepEqual(podSpec.containers[0]!.args, ['-c']);
    assert.deepEqual(podSpec.tolerations, [{ key: 'k3' }]);
    assert.deepEqual(podSpec.nodeSelector, { zone: 'b' });
    assert.ok(fieldsOf(out, 'a').includes('"f:args":{}') && fieldsOf(out, 'a').includes('"f:tolerations":{}'));
  });

  it('sets are merged and owned by value', () => {
    const a = apply(undefined, { ...partial({}), metadata: { name: 'web', finalizers: ['a/x'] } }, 'a');
    const b = apply(a, { ...partial({}), metadata: { name: 'web', finalizers: ['b/y'] } }, 'b');
    assert.deepEqual((b['metadata'] as Obj)['finalizers'], ['a/x', 'b/y']);
    assert.equal(fieldsOf(b, 'b'), '{"f:metadata":{"f:finalizers":{"v:\\"b/y\\"":{}}}}');
  });

  it('status sent to the main resource is neither owned nor a conflict when status is reset', () => {
    const out = fm.apply({ ...TARGET, resetFields: [['status']], live: undefined, applied: { ...partial({ replicas: 1 }), status: { replicas: 9 } }, manager: 'a', force: false, now: T0 });
    assert.equal(JSON.stringify(entry(out, 'a', 'Apply')!['fieldsV1']), '{"f:spec":{"f:replicas":{}}}');
  });
});

describe('apply: bad bodies', () => {
  const cases: [string, unknown, FieldManagerErrorCode, string][] = [
    ['a list', [], 'APPLY_NOT_OBJECT', 'the apply patch must be a JSON or YAML object'],
    ['a string', 'x', 'APPLY_NOT_OBJECT', 'the apply patch must be a JSON or YAML object'],
    ['no apiVersion or kind', { metadata: { name: 'web' } }, 'APPLY_INVALID_OBJECT_TYPE', 'invalid object type: /, Kind='],
    ['another kind', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' } }, 'APPLY_INVALID_OBJECT_TYPE', 'invalid object type: apps/v1, Kind=StatefulSet'],
    ['another version', { apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'web' } }, 'APPLY_INVALID_OBJECT_TYPE', 'invalid object type: /v1, Kind=Deployment'],
    ['no name', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {} }, 'APPLY_MISSING_NAME', 'metadata.name: Required value: name is required for apply'],
    ['managedFields', { ...partial({}), metadata: { name: 'web', managedFields: [] } }, 'APPLY_MANAGED_FIELDS_SET', 'metadata.managedFields must be nil'],
    ['an unknown field', partial({ replicaz: 1 }), 'APPLY_TYPED_PATCH', 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicaz: field not declared in schema'],
    ['a list where a map belongs', partial({ template: [] }), 'APPLY_TYPED_PATCH', 'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template: expected map, got list'],
    [
      'an item without its key',
      partial({ template: { spec: { containers: [{ image: 'x' }] } } }),
      'APPLY_TYPED_PATCH',
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    ],
    [
      'duplicate keys',
      partial({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } }),
      'APPLY_TYPED_PATCH',
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]',
    ],
  ];
  for (const [name, body, code, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => fm.apply({ ...TARGET, live: undefined, applied: body, manager: 'a', force: false, now: T0 }),
        (e: unknown) => e instanceof FieldManagerError && e.code === code && e.message === message,
      );
      assert.ok([400, 500].includes(FIELD_MANAGER_ERROR_STATUS[code]));
    });
  }

  it('rejects an object nested beyond the depth limit (recursive schema)', () => {
    const tree = new SchemaSet([
      { name: 'x.Tree', description: '', required: [], gvk: [{ group: 'x', version: 'v1', kind: 'Tree' }], properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'ref', ref: 'x.Meta' }, child: { type: 'ref', ref: 'x.Node' } } },
      { name: 'x.Meta', description: '', required: [], properties: { name: { type: 'string' } } },
      { name: 'x.Node', description: '', required: [], properties: { v: { type: 'string' }, child: { type: 'ref', ref: 'x.Node' } } },
    ]);
    const f = new FieldManager({ schemas: tree });
    const nested = (n: number): Obj => {
      let v: Obj = { v: 'leaf' };
      for (let i = 0; i < n; i++) v = { child: v };
      return v;
    };
    const body = (n: number): Obj => ({ apiVersion: 'x/v1', kind: 'Tree', metadata: { name: 't' }, child: nested(n) });
    const ok = f.apply({ apiVersion: 'x/v1', kind: 'Tree', live: undefined, applied: body(200), manager: 'a', force: false, now: T0 });
    assert.ok(managedFieldsOf(ok).length === 1);
    assert.throws(
      () => f.apply({ apiVersion: 'x/v1', kind: 'Tree', live: undefined, applied: body(300), manager: 'a', force: false, now: T0 }),
      (e: unknown) => e instanceof FieldManagerError && e.code === 'TOO_DEEP' && FIELD_MANAGER_ERROR_STATUS[e.code] === 400,
    );
  });
});

describe('apply: transition from client-side apply', () => {
  const csaConfig = deployment();
  const lastApplied = `${JSON.stringify(csaConfig)}\n`;
  const csaCreated = (): Obj => {
    const body = structuredClone(csaConfig);
    (body['metadata'] as Obj)['annotations'] = { [LAST_APPLIED_ANNOTATION]: lastApplied };
    return stored(fm.update({ ...TARGET, live: undefined, next: body, manager: 'kubectl-client-side-apply', now: T0, zeroObject: ZERO_DEPLOYMENT }));
  };

  it('kubectl takes over fields the annotation records, without conflicts, and rewrites the annotation', () => {
    const out = apply(csaCreated(), deployment({ replicas: 3 }), 'kubectl', { now: T1 });
    assert.equal(spec(out).replicas, 3);
    assert.ok(fieldsOf(out, 'kubectl').includes('f:replicas'));
    assert.ok(!fieldsOf(out, 'kubectl-client-side-apply', 'Update').includes('f:replicas'));
    const annotation = ((out['metadata'] as Obj)['annotations'] as Record<string, string>)[LAST_APPLIED_ANNOTATION]!;
    assert.ok(annotation.endsWith('\n'));
    assert.deepEqual(JSON.parse(annotation), deployment({ replicas: 3 }));
    // Go's encoding: keys sorted.
    assert.ok(annotation.startsWith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},"spec":{"replicas":3,'));
  });

  it('a field changed since the last client-side apply still conflicts', () => {
    const live = csaCreated();
    const edited = stored(fm.update({ ...TARGET, live, next: { ...live, spec: { ...spec(live), replicas: 5 } }, manager: 'kubectl-edit', now: T1 }));
    const err = conflictOf(() => apply(edited, deployment({ replicas: 3, image: 'nginx:2' }), 'kubectl', { now: T2 }));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
  });

  it('only the manager named kubectl gets the waiver', () => {
    const err = conflictOf(() => apply(csaCreated(), deployment({ replicas: 3 }), 'my-tool', { now: T1 }));
    assert.equal(err.conflicts.length, 1);
  });

  it('without the annotation on the object, kubectl does not add one', () => {
    const out = apply(apply(undefined, deployment(), 'kubectl'), deployment({ replicas: 2 }), 'kubectl', { now: T1 });
    assert.equal((out['metadata'] as Obj)['annotations'], undefined);
  });
});
