// The Table envelope: metadata, versions, includeObject, headers, and kube's default NAME / CREATED AT table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rowsFor, tableFor, type KubeObjectLike } from '../src/index.ts';
import { info, NOW } from './fixtures.ts';

const CM = info('', 'v1', 'ConfigMap', 'configmaps');
const ROLE = info('rbac.authorization.k8s.io', 'v1', 'Role', 'roles');
const cm = (name: string): KubeObjectLike =>
  ({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name, namespace: 'default', resourceVersion: '42', uid: 'u', creationTimestamp: '2024-12-31T23:59:00Z', labels: { a: 'b' } }, data: { k: 'v' } }) as KubeObjectLike;

describe('tableFor', () => {
  it('one object: metadata carries its resourceVersion; rows carry PartialObjectMetadata by default', () => {
    const t = tableFor(CM, [cm('a')], { now: NOW });
    assert.equal(t.kind, 'Table');
    assert.equal(t.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(t.metadata, { resourceVersion: '42' });
    assert.deepEqual(t.rows, [{
      cells: ['a', 1, '60s'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a', namespace: 'default', resourceVersion: '42', uid: 'u', creationTimestamp: '2024-12-31T23:59:00Z', labels: { a: 'b' } } },
    }]);
  });

  it('a list carries the list metadata as given', () => {
    const t = tableFor(CM, [cm('a'), cm('b')], { now: NOW, listMeta: { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 } });
    assert.deepEqual(t.metadata, { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 });
    assert.deepEqual(t.rows.map((r) => r.cells[0]), ['a', 'b']);
    assert.deepEqual(tableFor(CM, [], { now: NOW, listMeta: { resourceVersion: '7' } }).rows, []);
  });

  it('v1beta1 tables and their partial metadata say v1beta1', () => {
    const t = tableFor(CM, [cm('a')], { now: NOW, version: 'v1beta1' });
    assert.equal(t.apiVersion, 'meta.k8s.io/v1beta1');
    assert.equal((t.rows[0]?.object as { apiVersion: string }).apiVersion, 'meta.k8s.io/v1beta1');
  });

  it('includeObject None omits the object; Object embeds it whole', () => {
    const [none] = rowsFor(CM, [cm('a')], { now: NOW, includeObject: 'None' });
    assert.equal(none !== undefined && 'object' in none, false);
    const obj = cm('a');
    const [full] = rowsFor(CM, [obj], { now: NOW, includeObject: 'Object' });
    assert.equal(full?.object, obj);
  });

  it('headers: false sends columnDefinitions as null (watch events after the first)', () => {
    assert.equal(tableFor(CM, [cm('a')], { now: NOW, headers: false }).columnDefinitions, null);
    assert.equal(JSON.stringify(tableFor(CM, [], { now: NOW, headers: false })).includes('"columnDefinitions":null'), true);
  });
});

describe('default table convertor (kinds without a printer)', () => {
  it('prints Name and Created At (date, RFC 3339 UTC)', () => {
    const t = tableFor(ROLE, [{ metadata: { name: 'reader', creationTimestamp: '2024-06-01T10:20:30Z' } }], { now: NOW });
    assert.deepEqual(t.columnDefinitions?.map((c) => [c.name, c.type, c.format, c.priority]), [['Name', 'string', 'name', 0], ['Created At', 'date', '', 0]]);
    assert.deepEqual(t.rows[0]?.cells, ['reader', '2024-06-01T10:20:30Z']);
  });
  it('normalises offsets and fractions to UTC seconds; a missing timestamp is Go\'s zero time', () => {
    const rows = rowsFor(ROLE, [
      { metadata: { name: 'a', creationTimestamp: '2024-06-01T12:20:30.5+02:00' } },
      { metadata: { name: 'b' } },
    ], { now: NOW });
    assert.deepEqual(rows.map((r) => r.cells), [['a', '2024-06-01T10:20:30Z'], ['b', '0001-01-01T00:00:00Z']]);
  });
});
