import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelector, SelectorError, escapeFieldValue, parseFieldSelector } from '../src/index.ts';

describe('parseFieldSelector: accepted', () => {
  const table: ReadonlyArray<readonly [string, string, ReadonlyArray<readonly [string, string, string]>]> = [
    ['', '', []],
    ['a=b', 'a=b', [['a', '=', 'b']]],
    ['a==b', 'a=b', [['a', '=', 'b']]],
    ['a!=b', 'a!=b', [['a', '!=', 'b']]],
    ['e==f,c!=d,a=b', 'a=b,c!=d,e=f', [['a', '=', 'b'], ['c', '!=', 'd'], ['e', '=', 'f']]],
    [',a=b,', 'a=b', [['a', '=', 'b']]],
    ['a=', 'a=', [['a', '=', '']]],
    ['metadata.name=x', 'metadata.name=x', [['metadata.name', '=', 'x']]],
    ['a=b\\,c', 'a=b\\,c', [['a', '=', 'b,c']]],
    ['a=b\\=c', 'a=b\\=c', [['a', '=', 'b=c']]],
    ['a=b\\\\c', 'a=b\\\\c', [['a', '=', 'b\\c']]],
    ['a=b!', 'a=b!', [['a', '=', 'b!']]],
    ['spec.nodeName=,status.phase!=Running', 'spec.nodeName=,status.phase!=Running', [['spec.nodeName', '=', ''], ['status.phase', '!=', 'Running']]],
    ['=x', '=x', [['', '=', 'x']]],
  ];
  for (const [input, canonical, reqs] of table) {
    it(JSON.stringify(input), () => {
      const s = parseFieldSelector(input);
      assert.equal(s.toString(), canonical);
      assert.deepEqual(s.requirements.map((r) => [r.field, r.operator, r.value]), reqs);
    });
  }
});

describe('parseFieldSelector: rejected', () => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a<b', "invalid selector: 'a<b'; can't understand 'a<b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\!', 'invalid field selector: invalid escape sequence: \\!'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a!=b=', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [input, message] of table) {
    it(JSON.stringify(input), () => {
      assert.throws(() => parseFieldSelector(input), (err: unknown) => err instanceof SelectorError && err.code === 'invalidFieldSelector' && err.message === message);
    });
  }
});

describe('FieldSelector behaviour', () => {
  const table: ReadonlyArray<readonly [string, Record<string, string>, boolean]> = [
    ['', {}, true],
    ['metadata.name=x', { 'metadata.name': 'x' }, true],
    ['metadata.name=x', { 'metadata.name': 'y' }, false],
    ['metadata.name!=x', { 'metadata.name': 'y' }, true],
    ['metadata.name!=x', {}, true],
    ['spec.nodeName=', {}, true],
    ['spec.nodeName!=', {}, false],
    ['a=1,b=2', { a: '1', b: '2' }, true],
    ['a=1,b=2', { a: '1', b: '3' }, false],
    ['constructor=', {}, true],
  ];
  for (const [sel, fields, want] of table) {
    it(`${JSON.stringify(sel)} ${JSON.stringify(fields)} → ${want}`, () => assert.equal(parseFieldSelector(sel).matches(fields), want));
  }

  it('exact name and namespace', () => {
    const s = parseFieldSelector('metadata.namespace==ns1,metadata.name=p');
    assert.equal(s.exactName(), 'p');
    assert.equal(s.exactNamespace(), 'ns1');
    assert.equal(parseFieldSelector('metadata.name!=p').exactName(), undefined);
    assert.equal(FieldSelector.everything().exactName(), undefined);
  });

  it('checkSupported names the first unsupported field', () => {
    const supported = new Set(['metadata.name', 'metadata.namespace']);
    parseFieldSelector('metadata.name=a').checkSupported(supported);
    assert.throws(() => parseFieldSelector('metadata.name=a,spec.foo=b').checkSupported(supported), (err: unknown) => err instanceof SelectorError && err.message === 'field label not supported: spec.foo');
  });

  it('escapeFieldValue round-trips', () => {
    for (const v of ['plain', 'a,b', 'a=b', 'a\\b', ',=\\', '']) {
      assert.equal(parseFieldSelector(`f=${escapeFieldValue(v)}`).requiresExactMatch('f'), v);
    }
  });
});
