import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldPath, aggregateMessage, field, type FieldError } from '../src/index.ts';

describe('FieldPath', () => {
  const table: ReadonlyArray<readonly [FieldPath, string]> = [
    [FieldPath.root('metadata'), 'metadata'],
    [FieldPath.root('metadata').child('labels').key('foo'), 'metadata.labels[foo]'],
    [FieldPath.root('spec').child('containers').index(0).child('image'), 'spec.containers[0].image'],
    [FieldPath.root('spec', 'template', 'spec'), 'spec.template.spec'],
    [FieldPath.root('a').index(1).index(2).key('k').child('b', 'c'), 'a[1][2][k].b.c'],
  ];
  for (const [p, want] of table) it(want, () => assert.equal(p.toString(), want));
});

describe('FieldError messages', () => {
  const p = FieldPath.root('spec', 'x');
  const table: ReadonlyArray<readonly [FieldError, string, string]> = [
    [field.required(p), 'FieldValueRequired', 'spec.x: Required value'],
    [field.required(p, 'must be set'), 'FieldValueRequired', 'spec.x: Required value: must be set'],
    [field.invalid(p, 'v"1', 'bad'), 'FieldValueInvalid', 'spec.x: Invalid value: "v\\"1": bad'],
    [field.invalid(p, -1, 'must be greater than or equal to 0'), 'FieldValueInvalid', 'spec.x: Invalid value: -1: must be greater than or equal to 0'],
    [field.invalid(p, true, 'no'), 'FieldValueInvalid', 'spec.x: Invalid value: true: no'],
    [field.invalid(p, null, 'no'), 'FieldValueInvalid', 'spec.x: Invalid value: null: no'],
    [field.invalid(p, ['a', 'b'], 'no'), 'FieldValueInvalid', 'spec.x: Invalid value: ["a","b"]: no'],
    [field.invalid(p, { k: 1 }, 'no'), 'FieldValueInvalid', 'spec.x: Invalid value: {"k":1}: no'],
    [field.invalid(p, 'x', ''), 'FieldValueInvalid', 'spec.x: Invalid value: "x"'],
    [field.typeInvalid(p, 'x', 'must be integer'), 'FieldValueTypeInvalid', 'spec.x: Invalid value: "x": must be integer'],
    [field.notSupported(p, 'Maybe', ['Always', 'Never']), 'FieldValueNotSupported', 'spec.x: Unsupported value: "Maybe": supported values: "Always", "Never"'],
    [field.notSupported(p, 'Maybe', []), 'FieldValueNotSupported', 'spec.x: Unsupported value: "Maybe"'],
    [field.duplicate(p, 'a'), 'FieldValueDuplicate', 'spec.x: Duplicate value: "a"'],
    [field.forbidden(p, 'may not be set'), 'FieldValueForbidden', 'spec.x: Forbidden: may not be set'],
    [field.tooLong(p, 63), 'FieldValueTooLong', 'spec.x: Too long: may not be more than 63 bytes'],
    [field.tooLong(p, 1), 'FieldValueTooLong', 'spec.x: Too long: may not be more than 1 byte'],
    [field.tooLong(p, -1), 'FieldValueTooLong', 'spec.x: Too long: value is too long'],
    [field.tooMany(p, 12, 10), 'FieldValueTooMany', 'spec.x: Too many: 12: must have at most 10 items'],
    [field.tooMany(p, -1, 1), 'FieldValueTooMany', 'spec.x: Too many: must have at most 1 item'],
    [field.tooMany(p, 3, -1), 'FieldValueTooMany', 'spec.x: Too many: 3: has too many items'],
    [field.notFound(p, 'cm'), 'FieldValueNotFound', 'spec.x: Not found: "cm"'],
    [field.internalError(p, new Error('oops')), 'InternalError', 'spec.x: Internal error: oops'],
    [field.invalid('resourceVersion', '\t\u0001', 'x'), 'FieldValueInvalid', 'resourceVersion: Invalid value: "\\t\\x01": x'],
    [field.invalid(undefined, 'k', 'x'), 'FieldValueInvalid', '<nil>: Invalid value: "k": x'],
  ];
  for (const [e, type, message] of table) {
    it(message, () => {
      assert.equal(e.type, type);
      assert.equal(e.message(), message);
      assert.equal(e.body(), message.slice(e.field.length + 2));
    });
  }
});

describe('aggregateMessage', () => {
  const a = field.required('a');
  const b = field.forbidden('b', 'no');
  it('none', () => assert.equal(aggregateMessage([]), undefined));
  it('one is bare', () => assert.equal(aggregateMessage([a]), 'a: Required value'));
  it('several are bracketed', () => assert.equal(aggregateMessage([a, b]), '[a: Required value, b: Forbidden: no]'));
  it('duplicates collapse, even to one', () => {
    assert.equal(aggregateMessage([a, field.required('a')]), 'a: Required value');
    assert.equal(aggregateMessage([a, b, a]), '[a: Required value, b: Forbidden: no]');
  });
});
