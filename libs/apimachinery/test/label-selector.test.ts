import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSelector, SelectorError, fromLabelSelector, parseLabelSelector } from '../src/index.ts';

const KEY_RULE = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: accepted, with canonical form', () => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['', ''], ['   ', ''],
    ['a=b', 'a=b'], ['a==b', 'a==b'], ['a!=b', 'a!=b'], ['a = b', 'a=b'],
    ['a in (x,y)', 'a in (x,y)'], ['a in (y, x)', 'a in (x,y)'], ['a notin (x)', 'a notin (x)'], ['a in ()', 'a in ()'],
    ['a in (,x)', 'a in (,x)'], ['a in (x,)', 'a in (,x)'],
    ['a', 'a'], ['!a', '!a'], [' ! a ', '!a'], ['a>1', 'a>1'], ['a<5', 'a<5'],
    ['a=', 'a='], ['a=,b!=', 'a=,b!='],
    ['z=1,a=2', 'a=2,z=1'], ['x=a,y in (in,notin)', 'x=a,y in (in,notin)'],
    ['example.com/key=v.1_2-3', 'example.com/key=v.1_2-3'],
    ['\tapp\n=\rweb , tier in (fe,be) ', 'app=web,tier in (be,fe)'],
    ['env in (prod),env notin (dev)', 'env in (prod),env notin (dev)'],
  ];
  for (const [input, canonical] of table) {
    it(JSON.stringify(input), () => assert.equal(parseLabelSelector(input).toString(), canonical));
  }
});

describe('parseLabelSelector: rejected, with kube\'s message', () => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=a,,y', "found ',', expected: identifier after ','"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['x<>1', "unable to parse requirement: found '>', expected: identifier"],
    ['x=a=b', "found '=', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x>a', 'unable to parse requirement: values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    // Gt/Lt bounds must also be valid label values, so negative bounds are refused.
    ['a<-5', `unable to parse requirement: values[0][a]: Invalid value: "-5": ${VALUE_RULE}`],
    ['x<1.5', 'unable to parse requirement: values[0]: Invalid value: "1.5": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${KEY_RULE}`],
    ['a/b/c', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${KEY_RULE.replace('name part ', '')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_RULE}`],
    ["a in (x,-y)", `unable to parse requirement: values[0][a]: Invalid value: "-y": ${VALUE_RULE}`],
    ['a>x-', `unable to parse requirement: [values[0]: Invalid value: "x-": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "x-": ${VALUE_RULE}]`],
    [`a=${'v'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ];
  for (const [input, message] of table) {
    it(JSON.stringify(input), () => {
      assert.throws(() => parseLabelSelector(input), (err: unknown) => {
        assert.ok(err instanceof SelectorError);
        assert.equal(err.code, 'invalidLabelSelector');
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});

describe('LabelSelector.matches', () => {
  const table: ReadonlyArray<readonly [string, Record<string, string>, boolean]> = [
    ['', {}, true], ['', { a: 'b' }, true],
    ['a=b', { a: 'b' }, true], ['a=b', { a: 'c' }, false], ['a=b', {}, false],
    ['a==b', { a: 'b' }, true],
    ['a!=b', { a: 'c' }, true], ['a!=b', {}, true], ['a!=b', { a: 'b' }, false],
    ['a in (x,y)', { a: 'y' }, true], ['a in (x,y)', { a: 'z' }, false], ['a in (x,y)', {}, false],
    ['a notin (x,y)', { a: 'z' }, true], ['a notin (x,y)', {}, true], ['a notin (x,y)', { a: 'x' }, false],
    ['a', { a: '' }, true], ['a', { b: '1' }, false],
    ['!a', {}, true], ['!a', { a: 'x' }, false],
    ['a>1', { a: '2' }, true], ['a>1', { a: '1' }, false], ['a>1', { a: 'x' }, false], ['a>1', {}, false],
    ['a<1', { a: '-3' }, true], ['a<1', { a: '+0' }, true], ['a<1', { a: '1' }, false],
    ['a>9007199254740993', { a: '9007199254740994' }, true],
    ['a=', { a: '' }, true], ['a=', {}, false],
    ['a=b,c', { a: 'b', c: '' }, true], ['a=b,c', { a: 'b' }, false],
    ['constructor', {}, false], ['toString=x', {}, false],
  ];
  for (const [sel, labels, want] of table) {
    it(`${JSON.stringify(sel)} ${JSON.stringify(labels)} → ${want}`, () => assert.equal(parseLabelSelector(sel).matches(labels), want));
  }

  it('nothing() matches nothing, everything() everything', () => {
    assert.equal(LabelSelector.nothing().matches({}), false);
    assert.equal(LabelSelector.everything().matches({ a: 'b' }), true);
  });

  it('requiresExactMatch', () => {
    assert.equal(parseLabelSelector('a=b,c in (d)').requiresExactMatch('a'), 'b');
    assert.equal(parseLabelSelector('a=b,c in (d)').requiresExactMatch('c'), 'd');
    assert.equal(parseLabelSelector('a in (b,c)').requiresExactMatch('a'), undefined);
    assert.equal(parseLabelSelector('a!=b').requiresExactMatch('a'), undefined);
  });
});

describe('fromLabelSelector (metav1.LabelSelector)', () => {
  it('null selects nothing, {} everything', () => {
    assert.equal(fromLabelSelector(null).matches({}), false);
    assert.equal(fromLabelSelector(undefined).matches({}), false);
    assert.ok(fromLabelSelector({}).isEmpty());
    assert.ok(fromLabelSelector({ matchLabels: {}, matchExpressions: [] }).matches({ x: 'y' }));
  });

  it('combines matchLabels and matchExpressions', () => {
    const s = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }, { key: 'canary', operator: 'DoesNotExist' }, { key: 'env', operator: 'Exists' }, { key: 'zone', operator: 'NotIn', values: ['a'] }],
    });
    assert.equal(s.toString(), 'app=web,!canary,env,tier in (be,fe),zone notin (a)');
    assert.ok(s.matches({ app: 'web', tier: 'fe', env: 'x' }));
    assert.ok(!s.matches({ app: 'web', tier: 'fe', env: 'x', canary: '1' }));
    assert.ok(!s.matches({ app: 'web', tier: 'fe', env: 'x', zone: 'a' }));
  });

  const bad: ReadonlyArray<readonly [Parameters<typeof fromLabelSelector>[0], string]> = [
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] }, '"Equals" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] }, 'values: Invalid value: ["b"]: values set must be empty for exists and does not exist'],
    [{ matchLabels: { '-a': 'b' } }, `key: Invalid value: "-a": ${KEY_RULE}`],
    [{ matchLabels: { a: 'b c' } }, `values[0][a]: Invalid value: "b c": ${VALUE_RULE}`],
  ];
  for (const [spec, message] of bad) {
    it(`rejects: ${message.slice(0, 60)}`, () => {
      assert.throws(() => fromLabelSelector(spec), (err: unknown) => err instanceof SelectorError && err.message === message);
    });
  }
});
