import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, FieldManagerError, decodePE, encodePE, fieldPE, keyPE, pathString } from '@logbook/fieldmanager';
import type { Path } from '@logbook/fieldmanager';

const f = fieldPE;
const p = (...names: string[]): Path => names.map(f);

describe('path elements', () => {
  const table = [
    { pe: f('image'), key: 'f:image', str: '.image' },
    { pe: keyPE([['protocol', 'TCP'], ['containerPort', 80]]), key: 'k:{"containerPort":80,"protocol":"TCP"}', str: '[containerPort=80,protocol="TCP"]' },
    { pe: keyPE([['name', 'a<b']]), key: 'k:{"name":"a\\u003cb"}', str: '[name="a\\u003cb"]' },
    { pe: { kind: 'value', value: 'foregroundDeletion' } as const, key: 'v:"foregroundDeletion"', str: '[="foregroundDeletion"]' },
    { pe: { kind: 'index', index: 3 } as const, key: 'i:3', str: '[3]' },
  ];
  for (const t of table) {
    it(`encodes and decodes ${t.key}`, () => {
      assert.equal(encodePE(t.pe), t.key);
      assert.equal(encodePE(decodePE(t.key)), t.key);
      assert.equal(pathString([t.pe]), t.str);
    });
  }
  for (const bad of ['x:foo', 'k:[1]', 'k:{nope', 'v:{', 'i:-1', 'i:01', '']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => decodePE(bad), (e: unknown) => e instanceof FieldManagerError && e.code === 'BAD_FIELDS_V1');
    });
  }
});

describe('FieldSet fieldsV1', () => {
  it('writes kube order: "." first, fields before keys before values, each sorted', () => {
    const c = (n: string): Path => [...p('spec', 'containers'), keyPE([['name', n]])];
    const s = FieldSet.of(
      p('spec', 'replicas'),
      [...c('b')],
      [...c('b'), f('image')],
      [...c('a')],
      [...c('a'), f('name')],
      p('metadata', 'labels'),
      p('metadata', 'labels', 'app'),
      [...p('metadata', 'finalizers'), { kind: 'value', value: 'x' }],
      p('metadata', 'finalizers', 'zz'),
    );
    const json = JSON.stringify(s.toFieldsV1());
    assert.equal(
      json,
      '{"f:metadata":{"f:finalizers":{"f:zz":{},"v:\\"x\\"":{}},"f:labels":{".":{},"f:app":{}}},' +
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"a\\"}":{".":{},"f:name":{}},"k:{\\"name\\":\\"b\\"}":{".":{},"f:image":{}}},"f:replicas":{}}}',
    );
    assert.ok(FieldSet.fromFieldsV1(JSON.parse(json)).equals(s));
  });

  it('decodes a member with "." and children, and a bare member', () => {
    const s = FieldSet.fromFieldsV1({ 'f:a': { '.': {}, 'f:b': {} }, 'f:c': {} });
    assert.deepEqual(s.paths().map(pathString), ['.a', '.c', '.a.b']);
  });

  for (const [name, bad] of [
    ['array', []],
    ['string leaf', { 'f:a': 'x' }],
    ['null leaf', { 'f:a': null }],
    ['bad prefix', { 'z:a': {} }],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(() => FieldSet.fromFieldsV1(bad), (e: unknown) => e instanceof FieldManagerError && e.code === 'BAD_FIELDS_V1');
    });
  }

  it('rejects fieldsV1 nested beyond the depth limit', () => {
    let v: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) v = { 'f:a': v };
    assert.throws(() => FieldSet.fromFieldsV1(v), (e: unknown) => e instanceof FieldManagerError && e.code === 'TOO_DEEP');
  });
});

describe('FieldSet algebra', () => {
  const a = FieldSet.of(p('x'), p('x', 'y'), p('z'));
  const b = FieldSet.of(p('x'));
  it('difference is member-wise: children of a removed member stay', () => {
    assert.deepEqual(a.difference(b).paths().map(pathString), ['.z', '.x.y']);
  });
  it('recursiveDifference drops the whole subtree', () => {
    assert.deepEqual(a.recursiveDifference(b).paths().map(pathString), ['.z']);
  });
  it('intersection and union', () => {
    assert.deepEqual(a.intersection(FieldSet.of(p('x', 'y'), p('q'))).paths().map(pathString), ['.x.y']);
    assert.equal(b.union(FieldSet.of(p('q'))).paths().length, 2);
    assert.ok(new FieldSet().empty());
    assert.ok(!a.empty());
  });
});
