import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_TOKENS, escapeToken, keyPrefixForSubject, subjectForKey } from '../src/index.ts';

const P = 'logbook.events';

test('subjectForKey: the registry layout and its exceptions', () => {
  const table: Array<[string, string]> = [
    ['/registry/pods/default/nginx', 'logbook.events.pods.default'],
    ['/registry/namespaces/kube-system', 'logbook.events.namespaces'],
    ['/registry/apps/deployments/default/web', 'logbook.events.apps.deployments.default'],
    ['/registry/apiextensions.k8s.io/customresourcedefinitions/foos.example.com', 'logbook.events.apiextensions%2Ek8s%2Eio.customresourcedefinitions'],
    ['/registry/example.com/widgets/ns-1/w', 'logbook.events.example%2Ecom.widgets.ns-1'],
    // Trailing slash: a directory-like key; its parent is the subject.
    ['/registry/pods/default/', 'logbook.events.pods'],
    // Empty segment: a lone %.
    ['/registry/pods//x', 'logbook.events.pods.%'],
    // Wildcards, whitespace, %, non-ASCII: escaped.
    ['/registry/a*b/c>d/x', 'logbook.events.a%2Ab.c%3Ed'],
    ['/registry/a b/\tc/x', 'logbook.events.a%20b.%09c'],
    ['/registry/50%/x', 'logbook.events.50%25'],
    ['/registry/caf\u00e9/x', 'logbook.events.caf%C3%A9'],
    // A leading underscore is escaped so data never lands on a control subject.
    ['/registry/_cursor/x', 'logbook.events.%5Fcursor'],
    ['/registry/a_b/x', 'logbook.events.a_b'],
    // Not a registry object.
    ['/registry/pods', 'logbook.events._other'],
    ['/registry/', 'logbook.events._other'],
    ['/other/pods/default/x', 'logbook.events._other'],
    ['registry/pods/a/b', 'logbook.events._other'],
    ['foo', 'logbook.events._other'],
  ];
  for (const [key, subject] of table) assert.equal(subjectForKey(P, key), subject, key);
});

test('subjectForKey takes bytes, including bytes that are not UTF-8', () => {
  const key = Uint8Array.from([...new TextEncoder().encode('/registry/x'), 0xff, 0x00, ...new TextEncoder().encode('/n')]);
  assert.equal(subjectForKey(P, key), 'logbook.events.x%FF%00');
  assert.equal(subjectForKey('p', new TextEncoder().encode('/registry/pods/ns/n')), 'p.pods.ns');
});

test('escaped tokens never contain a raw separator, wildcard, space or lone %', () => {
  for (let b = 0; b < 256; b++) {
    const t = escapeToken(Uint8Array.of(0x61, b));
    assert.doesNotMatch(t, /[.*>\s]/, `byte ${b}`);
    assert.doesNotMatch(t, /%(?![0-9A-F]{2})/, `byte ${b}`);
  }
  assert.equal(escapeToken(new Uint8Array(0)), '%');
});

test('keyPrefixForSubject inverts the mapping', () => {
  const keys = ['/registry/pods/default/nginx', '/registry/apiextensions.k8s.io/crds/x', '/registry/50%/x', '/registry/pods//x', '/registry/_x/y/z', '/registry/caf\u00e9/n/x'];
  for (const key of keys) {
    const subject = subjectForKey(P, key);
    const prefix = keyPrefixForSubject(P, subject);
    assert.ok(prefix !== undefined, subject);
    const text = new TextDecoder().decode(prefix);
    assert.ok(key.startsWith(text), `${key} under ${text}`);
    assert.equal(subjectForKey(P, `${text}name`), subject);
  }
  assert.equal(keyPrefixForSubject(P, `${P}.${CONTROL_TOKENS.other}`), undefined);
  assert.equal(keyPrefixForSubject(P, `${P}.${CONTROL_TOKENS.cursor}`), undefined);
  assert.equal(keyPrefixForSubject(P, 'elsewhere.pods'), undefined);
  assert.equal(keyPrefixForSubject(P, `${P}.bad%zz`), undefined);
});
