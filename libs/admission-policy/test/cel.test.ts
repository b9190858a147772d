import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCel, CostMeter, fromCelValue, toCelInput, CelExpressionError, COST_LIMIT_MESSAGE, PER_CALL_COST_LIMIT } from '../src/index.ts';

const VARS = ['object', 'oldObject', 'request'];
const object = toCelInput({
  metadata: { name: 'web-1', labels: { app: 'web' } },
  spec: { replicas: 3, ratio: 0.5, ports: [443, 80, 8080], image: 'registry.example.com/web:v1.2' },
});

function run(expression: string, limit = PER_CALL_COST_LIMIT): unknown {
  const p = compileCel(expression, { variables: VARS });
  if (p instanceof CelExpressionError) return p;
  const r = p.evaluate({ object, oldObject: null, request: toCelInput({ operation: 'CREATE' }) }, new CostMeter(limit));
  return r.ok ? fromCelValue(r.value) : r.error;
}

const cases: readonly (readonly [string, unknown])[] = [
  // variables, JSON numbers as int and double
  ['object.spec.replicas + 1', 4],
  ['object.spec.ratio * 2.0', 1],
  ['oldObject == null', true],
  ["request.operation == 'CREATE'", true],
  // macros
  ["has(object.metadata.labels) && has(object.metadata.labels.app)", true],
  ['has(object.spec.missing)', false],
  ['object.spec.ports.all(p, p > 0)', true],
  ['object.spec.ports.exists(p, p == 80)', true],
  ['object.spec.ports.exists_one(p, p > 100)', false],
  ['object.spec.ports.map(p, p * 2)', [886, 160, 16160]],
  ['object.spec.ports.filter(p, p < 1000)', [443, 80]],
  ['object.spec.ports.map(p, p > 100, p)', [443, 8080]],
  // strings extension
  ["'WeB'.lowerAscii() + 'x'.upperAscii()", 'webX'],
  ["'a,b,c'.split(',')", ['a', 'b', 'c']],
  ["['a', 'b'].join('-')", 'a-b'],
  ["'  pad '.trim()", 'pad'],
  ["object.spec.image.indexOf(':')", 24],
  ["object.spec.image.substring(0, 8)", 'registry'],
  ["'a-b-c'.replace('-', '+')", 'a+b+c'],
  ["object.spec.image.startsWith('registry.example.com/')", true],
  // regex
  ["object.metadata.name.matches('^web-[0-9]+$')", true],
  ["object.spec.image.find('v[0-9.]+')", 'v1.2'],
  ["'a1b22c333'.findAll('[0-9]+')", ['1', '22', '333']],
  ["'a1b22c333'.findAll('[0-9]+', 2)", ['1', '22']],
  // lists library
  ['object.spec.ports.isSorted()', false],
  ['[1, 2, 2, 5].isSorted()', true],
  ['object.spec.ports.sum()', 8603],
  ['object.spec.ports.min()', 80],
  ["['b', 'a', 'c'].max()", 'c'],
  ['object.spec.ports.indexOf(80)', 1],
  ['[1, 2, 1].lastIndexOf(1)', 2],
  ['[1, 2].indexOf(9)', -1],
  // quantity library
  ["quantity('1Gi').isGreaterThan(quantity('1000Mi'))", true],
  ["quantity('500m').isLessThan(quantity('1'))", true],
  ["quantity('1k').compareTo(quantity('1000'))", 0],
  ["quantity('2Ki').asInteger()", 2048],
  ["quantity('1.5').isInteger()", false],
  ["quantity('1.5').asApproximateFloat()", 1.5],
  ["quantity('-3').sign()", -1],
  ["quantity('1').add(quantity('500m')).compareTo(quantity('1.5'))", 0],
  ["quantity('1Gi').sub(1).asInteger()", 1073741823],
  ["isQuantity('10Mi') && !isQuantity('10 Mi') && !isQuantity('')", true],
  ["type(1) == int && type('') == string", true],
];

for (const [expression, want] of cases) {
  test(`evaluates ${expression}`, () => {
    assert.deepEqual(run(expression), want);
  });
}

const runtimeErrors: readonly (readonly [string, string])[] = [
  ['object.spec.nope', 'no such key: nope'],
  ['1 / 0', 'division by zero'],
  ['5 % 0', 'modulus by zero'],
  ['[].min()', 'min called on empty list'],
  ["quantity('abc')", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ["quantity('1.5').asInteger()", 'cannot convert value to integer'],
  ["'x'.find('[')", 'error parsing regexp: '],
];

for (const [expression, want] of runtimeErrors) {
  test(`runtime error of ${expression}`, () => {
    const r = run(expression);
    assert.ok(r instanceof CelExpressionError, `expected an error, got ${String(r)}`);
    assert.equal(r.code, 'EvaluationFailed');
    assert.ok(r.message.startsWith(want), r.message);
  });
}

const compileErrors: readonly (readonly [string, string])[] = [
  ['foo + 1', "compilation failed: ERROR: <input>:1:1: undeclared reference to 'foo' (in container '')\n | foo + 1\n | ^"],
  ['object.spec.x == params.y', "compilation failed: ERROR: <input>:1:18: undeclared reference to 'params' (in container '')\n | object.spec.x == params.y\n | .................^"],
  ['nosuch(object)', "compilation failed: ERROR: <input>:1:1: undeclared reference to 'nosuch' (in container '')\n | nosuch(object)\n | ^"],
  ['variables.missing', "compilation failed: ERROR: <input>:1:10: undefined field 'missing'\n | variables.missing\n | .........^"],
  ['object.a +\n  zzz', "compilation failed: ERROR: <input>:2:3: undeclared reference to 'zzz' (in container '')\n |   zzz\n | ..^"],
];

for (const [expression, want] of compileErrors) {
  test(`compile error of ${JSON.stringify(expression)}`, () => {
    const r = compileCel(expression, { variables: [...VARS, 'variables'] });
    assert.ok(r instanceof CelExpressionError);
    assert.equal(r.code, 'CompileFailed');
    assert.equal(r.message, want);
  });
}

test('a syntax error is reported with position and caret', () => {
  const r = compileCel('object.spec.replicas >', { variables: VARS });
  assert.ok(r instanceof CelExpressionError);
  assert.match(r.message, /^compilation failed: ERROR: <input>:1:\d+: Syntax error: .+\n \| object\.spec\.replicas >\n \| \.+\^$/);
});

test('comprehension variables and shadowing compile', () => {
  assert.equal(run('[1, 2].all(object, object > 0)'), true);
  assert.equal(run('[[1], [2]].all(l, l.all(x, x > 0))'), true);
});

test('an expression over its cost limit fails with cel-go\'s message', () => {
  const big = toCelInput(Array.from({ length: 2000 }, (_, i) => i));
  const p = compileCel('object.all(x, object.all(y, x >= 0))', { variables: ['object'] });
  assert.ok(!(p instanceof CelExpressionError));
  const meter = new CostMeter(PER_CALL_COST_LIMIT);
  const r = p.evaluate({ object: big }, meter);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.message, COST_LIMIT_MESSAGE);
  assert.equal(!r.ok && r.error.code, 'CostLimitExceeded');
  assert.ok(meter.spent <= PER_CALL_COST_LIMIT + 1000, `spent ${meter.spent}`);
});

test('error absorption cannot hide a cost overrun', () => {
  const r = run("true || [1, 2, 3].map(x, 'abcdefghij'.lowerAscii()).size() > 0", 5);
  // `true || ...` short-circuits: nothing was spent, so no overrun.
  assert.equal(r, true);
  const r2 = run("[1, 2, 3, 4, 5, 6].exists(x, x > 100) || true", 5);
  assert.ok(r2 instanceof CelExpressionError);
  assert.equal(r2.message, COST_LIMIT_MESSAGE);
});

test('cost is charged for work done', () => {
  const p = compileCel('object.spec.ports.map(p, p + 1).size()', { variables: ['object'] });
  assert.ok(!(p instanceof CelExpressionError));
  const meter = new CostMeter(1000);
  assert.equal(p.evaluate({ object }, meter).ok, true);
  assert.ok(meter.spent >= 6, `spent ${meter.spent}`);
});

test('toCelInput rejects values JSON cannot hold', () => {
  assert.throws(() => toCelInput(() => 1), TypeError);
  assert.throws(() => new CostMeter(-1), RangeError);
});

test('an overlong expression is refused at compile time', () => {
  const r = compileCel(`${'1 + '.repeat(2000)}1`, { variables: [] });
  assert.ok(r instanceof CelExpressionError && r.code === 'CompileFailed');
});
