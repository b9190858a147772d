// Round-trip properties over a small schema holding every kind of field the
// engine distinguishes: scalars, maps, structs, lists merged by key, primitive
// lists merged as sets, and atomic lists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Definition, SchemaSet } from '@logbook/schemas';
import { applyStrategicMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from '../src/index.ts';

const defs: Definition[] = [
  {
    name: 'test.Root', description: '', required: [], properties: {
      s: { type: 'string' }, n: { type: 'integer' },
      labels: { type: 'map', values: { type: 'string' } },
      sub: { type: 'ref', ref: 'test.Sub' },
      items: { type: 'array', items: { type: 'ref', ref: 'test.Item' }, patchStrategy: 'merge', patchMergeKey: 'name' },
      set: { type: 'array', items: { type: 'string' }, patchStrategy: 'merge' },
      atomic: { type: 'array', items: { type: 'integer' } },
      atomicItems: { type: 'array', items: { type: 'ref', ref: 'test.Item' } },
      // Set only by "the server" in three-way tests.
      serverOwned: { type: 'string' },
    },
  },
  { name: 'test.Sub', description: '', required: [], properties: { a: { type: 'string' }, b: { type: 'boolean' }, labels: { type: 'map', values: { type: 'string' } } } },
  {
    name: 'test.Item', description: '', required: [], properties: {
      name: { type: 'string' }, v: { type: 'integer' },
      tags: { type: 'array', items: { type: 'string' }, patchStrategy: 'merge' },
      sub: { type: 'ref', ref: 'test.Sub' },
    },
  },
];
const schemas = new SchemaSet(defs);

const word = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const uniqueWords = fc.uniqueArray(word, { maxLength: 5 });
const labels = fc.dictionary(word, fc.constantFrom('1', '2'), { maxKeys: 4 });
const sub = fc.record({ a: word, b: fc.boolean(), labels }, { requiredKeys: [] });
const item = (name: string) => fc.record({ name: fc.constant(name), v: fc.integer({ min: 0, max: 3 }), tags: uniqueWords, sub }, { requiredKeys: ['name'] });
const items = uniqueWords.chain((names) => fc.tuple(...names.map(item)));
const root = fc.record({
  s: word, n: fc.integer({ min: 0, max: 3 }), labels, sub, items, set: uniqueWords,
  atomic: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
  atomicItems: fc.array(item('x'), { maxLength: 3 }),
}, { requiredKeys: [] });

// Generated dictionaries may have a null prototype; the engine returns plain objects.
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

test('two-way: applying createTwoWayMergePatch(original, modified) to original yields modified', () => {
  fc.assert(fc.property(root, root, (original, modified) => {
    const patch = createTwoWayMergePatch(original, modified, schemas, 'test.Root');
    assert.deepStrictEqual(applyStrategicMergePatch(original, patch, schemas, 'test.Root'), plain(modified));
  }), { numRuns: 400 });
});

test('two-way: the patch of a document against itself is empty', () => {
  fc.assert(fc.property(root, (doc) => {
    assert.deepStrictEqual(createTwoWayMergePatch(doc, doc, schemas, 'test.Root'), {});
  }), { numRuns: 100 });
});

test('three-way: with current equal to original, the patch applied to current yields modified', () => {
  fc.assert(fc.property(root, root, (original, modified) => {
    const patch = createThreeWayMergePatch(original, modified, original, schemas, 'test.Root');
    assert.deepStrictEqual(applyStrategicMergePatch(original, patch, schemas, 'test.Root'), plain(modified));
  }), { numRuns: 400 });
});

test('three-way: a field only the server set survives', () => {
  fc.assert(fc.property(root, root, word, (original, modified, owned) => {
    const current = { ...(plain(original) as object), serverOwned: owned };
    const patch = createThreeWayMergePatch(original, modified, current, schemas, 'test.Root');
    assert.deepStrictEqual(applyStrategicMergePatch(current, patch, schemas, 'test.Root'), { ...(plain(modified) as object), serverOwned: owned });
  }), { numRuns: 300 });
});

test('applying arbitrary JSON as a patch raises only StrategicMergeError', () => {
  const directive = fc.constantFrom('$patch', '$retainKeys', '$setElementOrder/items', '$deleteFromPrimitiveList/set', '$setElementOrder/set', 'items', 'set', 'labels', 'name', 'sub');
  const junk = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, 'delete', 'replace', 'merge', 'a', 1, true), fc.array(tie('value'), { maxLength: 3 }), tie('obj')),
    obj: fc.dictionary(directive, tie('value'), { maxKeys: 4 }),
  })).obj;
  fc.assert(fc.property(root, junk, (original, patch) => {
    try {
      applyStrategicMergePatch(original, patch, schemas, 'test.Root');
    } catch (err) {
      assert.equal((err as Error).name, 'StrategicMergeError', String(err));
    }
  }), { numRuns: 1000 });
});
