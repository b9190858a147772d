// Properties of apply over random configurations of a small schema with every
// kind of node: scalars, a struct, a granular map, a keyed list, a set and an
// atomic list.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldManager, FieldSet } from '@logbook/fieldmanager';
import type { Path } from '@logbook/fieldmanager';
import { SchemaSet } from '@logbook/schemas';
import type { Definition } from '@logbook/schemas';

const def = (name: string, properties: Definition['properties'], extra: Partial<Definition> = {}): Definition => ({ name, description: '', required: [], properties, ...extra });
const schemas = new SchemaSet([
  def('t.Thing', { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'ref', ref: 't.Meta' }, spec: { type: 'ref', ref: 't.Spec' } }, {
    gvk: [{ group: 't', version: 'v1', kind: 'Thing' }],
  }),
  def('t.Meta', { name: { type: 'string' }, labels: { type: 'map', values: { type: 'string' } } }),
  def('t.Spec', {
    a: { type: 'integer' },
    b: { type: 'string' },
    m: { type: 'map', values: { type: 'string' } },
    sub: { type: 'ref', ref: 't.Sub' },
    items: { type: 'array', items: { type: 'ref', ref: 't.Item' }, listType: 'map', listMapKeys: ['name'] },
    tags: { type: 'array', items: { type: 'string' }, listType: 'set' },
    args: { type: 'array', items: { type: 'string' } },
  }),
  def('t.Sub', { p: { type: 'string' }, q: { type: 'string' } }),
  def('t.Item', { name: { type: 'string' }, v: { type: 'integer' }, w: { type: 'string' } }),
]);
const fm = new FieldManager({ schemas });
const TARGET = { apiVersion: 't/v1', kind: 'Thing' } as const;

const small = fc.constantFrom('x', 'y', 'z');
const uniqueBy = <T>(arr: fc.Arbitrary<T[]>, key: (t: T) => string): fc.Arbitrary<T[]> =>
  arr.map((xs) => xs.filter((x, i) => xs.findIndex((y) => key(y) === key(x)) === i));
const spec = fc.record(
  {
    a: fc.integer({ min: 0, max: 2 }),
    b: small,
    m: fc.dictionary(small, small, { maxKeys: 3 }),
    sub: fc.record({ p: small, q: small }, { requiredKeys: [] }),
    items: uniqueBy(fc.array(fc.record({ name: small, v: fc.integer({ min: 0, max: 2 }), w: small }, { requiredKeys: ['name'] }), { maxLength: 3 }), (i) => i.name),
    tags: uniqueBy(fc.array(small, { maxLength: 3 }), (t) => t),
    args: fc.array(small, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const config = fc.record({ labels: fc.option(fc.dictionary(small, small, { maxKeys: 2 }), { nil: undefined }), spec }).map(({ labels, spec: s }) => ({
  apiVersion: 't/v1',
  kind: 'Thing',
  metadata: labels === undefined ? { name: 'n' } : { name: 'n', labels },
  spec: s,
}));

type Obj = Record<string, unknown>;
const at = (n: number): Date => new Date(Date.UTC(2025, 0, 1, 0, n));
const apply = (live: Obj | undefined, applied: Obj, manager: string, now: Date, force = true): Obj =>
  fm.apply({ ...TARGET, live, applied, manager, force, now });

function managedSets(obj: Obj): Map<string, FieldSet> {
  const out = new Map<string, FieldSet>();
  const entries = ((obj['metadata'] as Obj)['managedFields'] ?? []) as Obj[];
  for (const e of entries) out.set(`${String(e['operation'])}:${String(e['manager'])}`, FieldSet.fromFieldsV1(e['fieldsV1']));
  return out;
}

/** The value at a path, undefined when absent. */
function valueAt(obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (const pe of path) {
    if (cur === undefined || cur === null) return undefined;
    if (pe.kind === 'field') cur = (cur as Obj)[pe.name];
    else if (pe.kind === 'key') cur = (cur as Obj[]).find((item) => pe.fields.every(([k, v]) => item[k] === v));
    else if (pe.kind === 'value') cur = (cur as unknown[]).includes(pe.value) ? pe.value : undefined;
    else cur = (cur as unknown[])[pe.index];
  }
  return cur;
}

describe('apply properties', () => {
  it('applying the same configuration twice is a no-op (object, owners and times)', () => {
    fc.assert(
      fc.property(config, config, (other, mine) => {
        const live = apply(undefined, other, 'other', at(1));
        const once = apply(live, mine, 'me', at(2));
        const twice = apply(once, mine, 'me', at(3), false);
        assert.deepEqual(twice, once);
      }),
      { numRuns: 150 },
    );
  });

  it('every owned field exists, and nothing the applier dropped stays without an owner', () => {
    fc.assert(
      fc.property(config, config, config, (first, others, second) => {
        const a0 = apply(undefined, first, 'me', at(1));
        const b = apply(a0, others, 'other', at(2));
        const a2 = apply(b, second, 'me', at(3));
        const finalSets = managedSets(a2);
        for (const set of finalSets.values()) {
          for (const p of set.paths()) assert.notEqual(valueAt(a2, p), undefined, `owned path missing`);
        }
        const before = managedSets(a0).get('Apply:me') ?? new FieldSet();
        const after = finalSets.get('Apply:me') ?? new FieldSet();
        for (const p of before.difference(after).paths()) {
          const owned = [...finalSets.values()].some((s) => s.has(p));
          if (!owned) assert.equal(valueAt(a2, p), undefined, `dropped, unowned path still present`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
