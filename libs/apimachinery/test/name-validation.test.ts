import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FieldPath, GENERATE_NAME_ALPHABET, generateName, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue,
  validateAnnotations, validateDNS1123SubdomainName, validateLabels,
} from '../src/index.ts';

const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LVALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isDNS1123Subdomain', () => {
  for (const ok of ['a', 'abc', 'a-b', 'a.b', '0', 'a1.b2.c3', 'x'.repeat(253)]) it(`accepts ${ok.slice(0, 20)}`, () => assert.deepEqual(isDNS1123Subdomain(ok), []));
  const bad: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['', [SUBDOMAIN]], ['A', [SUBDOMAIN]], ['-a', [SUBDOMAIN]], ['a-', [SUBDOMAIN]], ['a..b', [SUBDOMAIN]], ['a_b', [SUBDOMAIN]], ['.a', [SUBDOMAIN]],
    ['x'.repeat(254), ['must be no more than 253 characters']],
    ['X'.repeat(254), ['must be no more than 253 characters', SUBDOMAIN]],
  ];
  for (const [v, want] of bad) it(`rejects ${JSON.stringify(v.slice(0, 20))}`, () => assert.deepEqual(isDNS1123Subdomain(v), want));
});

describe('isDNS1123Label', () => {
  for (const ok of ['a', 'a-b', '1a', 'x'.repeat(63)]) it(`accepts ${ok.slice(0, 20)}`, () => assert.deepEqual(isDNS1123Label(ok), []));
  const bad: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['a.b', ['must not contain dots']], ['', [LABEL]], ['A', [LABEL]], ['a_b', [LABEL]],
    ['x'.repeat(64), ['must be no more than 63 characters']],
  ];
  for (const [v, want] of bad) it(`rejects ${JSON.stringify(v.slice(0, 20))}`, () => assert.deepEqual(isDNS1123Label(v), want));
});

describe('isQualifiedName (label and annotation keys)', () => {
  for (const ok of ['a', 'A', 'a.b_c-d', 'example.com/Name', 'k8s.io/app', 'x'.repeat(63)]) it(`accepts ${ok.slice(0, 20)}`, () => assert.deepEqual(isQualifiedName(ok), []));
  const bad: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['', ['name part must be non-empty', `name part ${QNAME}`]],
    ['-a', [`name part ${QNAME}`]],
    ['/a', ['prefix part must be non-empty']],
    ['Example.com/a', [`prefix part ${SUBDOMAIN}`]],
    ['a/', ['name part must be non-empty', `name part ${QNAME}`]],
    ['a/b/c', [`a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ['x'.repeat(64), ['name part must be no more than 63 characters']],
  ];
  for (const [v, want] of bad) it(`rejects ${JSON.stringify(v.slice(0, 20))}`, () => assert.deepEqual(isQualifiedName(v), want));
});

describe('isValidLabelValue', () => {
  for (const ok of ['', 'a', 'A-b_c.d', 'x'.repeat(63)]) it(`accepts ${JSON.stringify(ok.slice(0, 20))}`, () => assert.deepEqual(isValidLabelValue(ok), []));
  const bad: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['-a', [LVALUE]], ['a b', [LVALUE]], ['a/b', [LVALUE]], ['é', [LVALUE]],
    ['x'.repeat(64), ['must be no more than 63 characters']],
  ];
  for (const [v, want] of bad) it(`rejects ${JSON.stringify(v.slice(0, 20))}`, () => assert.deepEqual(isValidLabelValue(v), want));
});

describe('object-level validators', () => {
  const labels = FieldPath.root('metadata', 'labels');
  it('labels: errors at metadata.labels with the bad key or value', () => {
    assert.deepEqual(validateLabels({ ok: 'fine', '-bad': 'x', app: 'a b' }, labels).map((e) => e.message()), [
      `metadata.labels: Invalid value: "-bad": name part ${QNAME}`,
      `metadata.labels: Invalid value: "a b": ${LVALUE}`,
    ]);
    assert.deepEqual(validateLabels({}, labels), []);
  });

  it('annotations: keys checked lower-cased, total size capped at 256 KiB', () => {
    const ann = FieldPath.root('metadata', 'annotations');
    assert.deepEqual(validateAnnotations({ 'Example.com/Key': 'v' }, ann), []);
    assert.deepEqual(validateAnnotations({ big: 'x'.repeat(256 * 1024 - 3) }, ann), []);
    assert.deepEqual(validateAnnotations({ big: 'x'.repeat(256 * 1024 - 2) }, ann).map((e) => e.message()), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
    assert.deepEqual(validateAnnotations({ 'a b': '' }, ann).map((e) => e.message()), [`metadata.annotations: Invalid value: "a b": name part ${QNAME}`]);
  });

  it('names', () => {
    assert.deepEqual(validateDNS1123SubdomainName('Web', FieldPath.root('metadata', 'name')).map((e) => e.message()), [`metadata.name: Invalid value: "Web": ${SUBDOMAIN}`]);
  });
});

describe('generateName', () => {
  it('appends 5 characters from kube\'s alphabet chosen by the injected randomness', () => {
    const picks = [0, 1, 2, 25, 26];
    let i = 0;
    assert.equal(generateName('web-', () => picks[i++] ?? 0), 'web-bcd89');
  });

  it('truncates the prefix to 58 characters', () => {
    const name = generateName('p'.repeat(70), () => 3);
    assert.equal(name, 'p'.repeat(58) + 'fffff');
    assert.equal(name.length, 63);
    assert.equal(generateName('p'.repeat(58), () => 0).length, 63);
  });

  it('refuses randomness outside the alphabet', () => {
    assert.equal(GENERATE_NAME_ALPHABET.length, 27);
    assert.throws(() => generateName('x-', () => 27), RangeError);
    assert.throws(() => generateName('x-', () => -1), RangeError);
    assert.throws(() => generateName('x-', () => 0.5), RangeError);
  });
});
