import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bodyDiagnostics, MAX_STRICT_ERRORS } from '@logbook/apimachinery';
import { decodeBody, MAX_YAML_DUPLICATE_DEPTH } from '../src/body.ts';
import { MAX_DUPLICATE_SCAN_DEPTH, scanJsonDuplicates } from '../src/json-syntax.ts';

const paths = (json: string): string[] => scanJsonDuplicates(json).duplicates.map((d) => d.path);

describe('JSON duplicate keys', () => {
  it('reports each repeated key by its strict path, in document order', () => {
    const cases: [string, string[]][] = [
      ['{"a":1}', []],
      ['{}', []],
      ['{"a":1,"a":2}', ['a']],
      ['{"metadata":{"name":"x","name":"y"}}', ['metadata.name']],
      // list elements as [i]; map keys joined with '.' like struct fields (sigs.k8s.io/json's path form)
      ['{"spec":{"containers":[{"name":"a"},{"name":"b","image":"i","image":"j"}]}}', ['spec.containers[1].image']],
      ['{"metadata":{"labels":{"app":"x","app":"y"}}}', ['metadata.labels.app']],
      ['[[{"k":1,"k":2}]]', ['[0][0].k']],
      // a key repeated three times is reported once; the same key in sibling objects is no repeat
      ['{"a":1,"a":2,"a":3,"b":[{"x":1},{"x":2}]}', ['a']],
      // escapes are compared decoded: "\u0061" is "a"
      ['{"a":1,"\\u0061":2}', ['a']],
      // quotes, colons and braces inside strings are not structure
      ['{"s":"{\\"a\\":1,\\"a\\":2}","t":"a:[,]"}', []],
      ['{"s":"x\\\\","s":"y"}', ['s']],
      // interleaved with nesting: the repeat at the outer level comes after the inner one
      ['{"a":{"b":1,"b":2},"a":3}', ['a.b', 'a']],
      [' { "a" : 1 ,\n "a" : 2 } ', ['a']],
    ];
    for (const [json, want] of cases) {
      JSON.parse(json); // every case is valid JSON
      assert.deepEqual(paths(json), want, json);
    }
  });

  it('records where the repeat sits among its siblings', () => {
    const d = scanJsonDuplicates('{"spec":{"a":1,"b":2,"a":3,"c":4}}').duplicates;
    assert.deepEqual(d, [{ path: 'spec.a', segments: ['spec', 'a'], after: 2 }]);
  });

  it('stops at MAX_STRICT_ERRORS repeats', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',');
    assert.equal(scanJsonDuplicates(`{${keys}}`).duplicates.length, MAX_STRICT_ERRORS);
  });

  it('skips objects deeper than its limit instead of growing without bound', () => {
    const depth = MAX_DUPLICATE_SCAN_DEPTH + 50;
    const deep = `${'{"a":'.repeat(depth)}{"x":1,"x":2}${'}'.repeat(depth)}`;
    const scan = scanJsonDuplicates(deep);
    assert.equal(scan.truncated, true);
    assert.deepEqual(scan.duplicates, []);
    const shallow = `${'{"a":'.repeat(10)}{"x":1,"x":2}${'}'.repeat(10)}`;
    assert.deepEqual(scanJsonDuplicates(shallow), { duplicates: [{ path: `${'a.'.repeat(10)}x`, segments: [...Array<string>(10).fill('a'), 'x'], after: 1 }], truncated: false });
  });

  it('decodeBody keeps the last value and carries the repeats, invisible to JSON and spread', () => {
    const body = decodeBody('application/json', Buffer.from('{"kind":"ConfigMap","data":{"a":"1","a":"2"},"kind":"Secret"}'));
    assert.deepEqual(body, { kind: 'Secret', data: { a: '2' } });
    assert.deepEqual(bodyDiagnostics(body)?.duplicateFields.map((d) => d.path), ['data.a', 'kind']);
    assert.equal(bodyDiagnostics(body)?.syntax, 'json');
    assert.equal(JSON.stringify(body), '{"kind":"Secret","data":{"a":"2"}}');
    assert.deepEqual(Object.keys(body), ['kind', 'data']);
    assert.equal(bodyDiagnostics({ ...body }), undefined);
  });

  it('a body without repeats carries empty diagnostics; a missing content type is JSON', () => {
    const body = decodeBody(undefined, Buffer.from('{"a":{"b":[1,2]}}'));
    assert.deepEqual(bodyDiagnostics(body), { syntax: 'json', duplicateFields: [], yamlErrors: [] });
    assert.equal(bodyDiagnostics(null), undefined);
    assert.equal(bodyDiagnostics({}), undefined);
  });

  it('scans a 1 MiB body in bounded time', () => {
    const items = Array.from({ length: 4000 }, (_, i) => ({ name: `c${i}`, image: 'nginx', env: [{ name: 'A', value: 'x'.repeat(200) }], ports: [{ containerPort: 80 }] }));
    items.push({ name: 'last', image: 'a', env: [], ports: [] });
    const text = JSON.stringify({ kind: 'List', items }).replace('"image":"a"', '"image":"a","image":"b"');
    assert.ok(text.length > 1 << 20);
    const start = performance.now();
    assert.deepEqual(paths(text), [`items[${items.length - 1}].image`]);
    // ≈5 ms on one core; the bound only catches an accidental quadratic.
    assert.ok(performance.now() - start < 1000);
  });
});

describe('YAML duplicate keys', () => {
  const yamlErrors = (text: string): readonly string[] | undefined => bodyDiagnostics(decodeBody('application/yaml', Buffer.from(text)))?.yamlErrors;

  it('reports goyaml strict lines: the line of the repeated value, nested ones first', () => {
    const cases: [string, string[]][] = [
      ['a: 1\nb: 2\n', []],
      ['a: 1\na: 2\n', ['line 2: key "a" already set in map']],
      ['metadata:\n  name: x\n  name: y\n', ['line 3: key "name" already set in map']],
      ['spec:\n  containers:\n  - name: a\n    image: i\n    image: j\n', ['line 5: key "image" already set in map']],
      // the repeat's value starts on the next line: that line is named
      ['spec:\n  a: 1\nspec:\n  b: 2\n', ['line 4: key "spec" already set in map']],
      // the value of the repeat is decoded (and complained about) before the repeat itself
      ['s:\n  x: 1\ns:\n  q: 1\n  q: 2\n', ['line 5: key "q" already set in map', 'line 4: key "s" already set in map']],
      // YAML 1.1: `y` and `yes` are the boolean true, and goyaml prints the key as Go's %#v does
      ['y: 1\nyes: 2\n', ['line 2: key true already set in map']],
      // keys compare as decoded scalars: 1 and "1" differ, "a" and a do not
      ['1: x\n"1": y\n', []],
      ['a: x\n"a": y\n', ['line 2: key "a" already set in map']],
      ['a: 1\na: 2\na: 3\n', ['line 2: key "a" already set in map', 'line 3: key "a" already set in map']],
      ['x: {a: 1, a: 2}\n', ['line 1: key "a" already set in map']],
      ['k: "q\\"uote"\n"k": 2\n', ['line 2: key "k" already set in map']],
    ];
    for (const [text, want] of cases) assert.deepEqual(yamlErrors(text), want, text);
  });

  it('keeps the last value, as goyaml does outside strict mode', () => {
    assert.deepEqual(decodeBody('application/yaml', Buffer.from('a: 1\nb: {c: 1, c: 2}\na: 3\n')), { a: 3, b: { c: 2 } });
  });

  it('a repeated key inside a later document of the stream is ignored, as kube reads only the first', () => {
    assert.deepEqual(yamlErrors('a: 1\n---\nb: 1\nb: 2\n'), []);
  });

  it('stops at MAX_STRICT_ERRORS lines; nesting up to the parser limit is walked', () => {
    const many = Array.from({ length: 150 }, (_, i) => `k${i}: 1\nk${i}: 2\n`).join('');
    assert.equal(yamlErrors(many)?.length, MAX_STRICT_ERRORS);
    // The yaml parser gives up (a 400) before MAX_YAML_DUPLICATE_DEPTH; the walk's own bound is a backstop.
    assert.ok(MAX_YAML_DUPLICATE_DEPTH >= 500);
    const depth = 500;
    const deep = `${'['.repeat(depth)}{a: 1, a: 2}${']'.repeat(depth)}`;
    assert.deepEqual(yamlErrors(`x: ${deep}\n`), ['line 1: key "a" already set in map']);
  });

  it('JSON sent as YAML is YAML: its repeats come as goyaml lines', () => {
    assert.deepEqual(yamlErrors('{"a": 1,\n "a": 2}'), ['line 2: key "a" already set in map']);
  });
});
