import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateObjectMeta, validateObjectMetaUpdate } from '../src/core/index.ts';
import type { NameRule } from '../src/core/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const SUBDOMAIN_REGEX = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QNAME = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('validateObjectMeta', () => {
  const cases: { name: string; meta: unknown; namespaced?: boolean; rule?: NameRule; want: string[] }[] = [
    { name: 'valid namespaced object', meta: { name: 'web', namespace: 'default', labels: { app: 'web' } }, want: [] },
    { name: 'missing metadata entirely', meta: undefined, want: ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value'] },
    { name: 'bad subdomain name', meta: { name: 'Web_1', namespace: 'default' }, want: [`metadata.name: Invalid value: "Web_1": ${SUBDOMAIN_REGEX}`] },
    { name: 'generateName with trailing dash is fine', meta: { generateName: 'web-', name: 'web-abcde', namespace: 'default' }, want: [] },
    { name: 'bad generateName', meta: { generateName: 'Web-', name: 'x', namespace: 'default' }, want: [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_REGEX}`] },
    { name: 'namespace forbidden on cluster-scoped', meta: { name: 'n1', namespace: 'default' }, namespaced: false, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
    { name: 'bad namespace name', meta: { name: 'a', namespace: 'a.b' }, want: ['metadata.namespace: Invalid value: "a.b": must not contain dots'] },
    { name: 'label key and value', meta: { name: 'a', namespace: 'd', labels: { '-x': 'ok', ok: '-y' } }, want: [
      `metadata.labels: Invalid value: "-x": ${QNAME}`,
      `metadata.labels: Invalid value: "-y": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ] },
    { name: 'annotations over 256 KiB', meta: { name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(256 * 1024) } }, want: ['metadata.annotations: Too long: may not be more than 262144 bytes'] },
    { name: 'negative generation', meta: { name: 'a', namespace: 'd', generation: -1 }, want: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'owner reference fields', meta: { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] }, want: [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ] },
    { name: 'two controllers', meta: { name: 'a', namespace: 'd', ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r1', uid: 'u1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r2', uid: 'u2', controller: true },
    ] }, want: [
      'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r1","uid":"u1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r2","uid":"u2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/r1 and ReplicaSet/r2',
    ] },
    { name: 'event cannot own', meta: { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }, want: [
      'metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner',
    ] },
    { name: 'finalizers', meta: { name: 'a', namespace: 'd', finalizers: ['example.com/x', 'bad name', 'orphan', 'foregroundDeletion'] }, want: [
      'metadata.finalizers: Invalid value: "bad name": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'metadata.finalizers: Invalid value: []string{"example.com/x", "bad name", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
      'metadata.finalizers[1]: Invalid value: "bad name": name is neither a standard finalizer name nor is it fully qualified',
    ] },
    { name: 'managedFields shape', meta: { name: 'a', namespace: 'd', managedFields: [{ manager: 'kubectl\u0007', operation: 'Patch', fieldsType: 'FieldsV2' }, { manager: 'm'.repeat(129), operation: 'Apply' }] }, want: [
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[0].manager: Invalid value: "kubectl\\a": invalid character U+0007 (at position 7)',
      'metadata.managedFields[1].manager: Too long: may not be more than 128 bytes',
    ] },
    { name: 'path-segment rule', meta: { name: 'a/b%', namespace: 'd' }, rule: 'path-segment', want: [
      'metadata.name: Invalid value: "a/b%": may not contain \'/\'', 'metadata.name: Invalid value: "a/b%": may not contain \'%\'',
    ] },
    { name: 'path-segment rejects ..', meta: { name: '..', namespace: 'd' }, rule: 'path-segment', want: ['metadata.name: Invalid value: "..": may not be \'..\''] },
    { name: 'dns1035 label rule', meta: { name: '1web', namespace: 'd' }, rule: 'dns1035-label', want: [
      'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    ] },
  ];
  it('core kinds reject unprefixed non-standard finalizers; custom resources opt out', () => {
    const meta = { name: 'a', namespace: 'd', finalizers: ['kubernetes', 'custom', 'example.com/ok'] };
    assert.deepEqual(msgs(validateObjectMeta(meta, { namespaced: true, nameRule: 'subdomain' })), [
      'metadata.finalizers[1]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    assert.deepEqual(msgs(validateObjectMeta(meta, { namespaced: true, nameRule: 'subdomain', kubeFinalizerRule: false })), []);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...meta, resourceVersion: '1' }, meta)), [
      'metadata.finalizers[1]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(msgs(validateObjectMeta(c.meta, { namespaced: c.namespaced ?? true, nameRule: c.rule ?? 'subdomain' })), c.want);
    });
  }
});

describe('validateObjectMetaUpdate', () => {
  const old = { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5', generation: 3, creationTimestamp: '2025-01-01T00:00:00Z' };
  it('accepts an unchanged object with a resourceVersion', () => {
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old }, old)), []);
  });
  it('rejects changes to immutable fields, a missing resourceVersion and a decremented generation', () => {
    const next = { name: 'b', namespace: 'e', uid: 'u2', generation: 2, creationTimestamp: '2025-02-01T00:00:00Z' };
    assert.deepEqual(msgs(validateObjectMetaUpdate(next, old)), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 2: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "e": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: 2025-02-01 00:00:00 +0000 UTC: field is immutable',
    ]);
  });
  it('renders deletion fields as kube does (Go time, nil pointer as "null")', () => {
    const deleting = { ...old, deletionTimestamp: '2025-03-01T10:20:30Z', deletionGracePeriodSeconds: 30 };
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...old }, deleting)), [
      'metadata.deletionTimestamp: Invalid value: "null": field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: "null": field is immutable',
    ]);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, deletionTimestamp: '2025-03-02T00:00:00.5Z', deletionGracePeriodSeconds: 0 }, deleting)), [
      'metadata.deletionTimestamp: Invalid value: 2025-03-02 00:00:00.5 +0000 UTC: field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: 0: field is immutable',
    ]);
  });
  it('forbids new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2025-03-01T00:00:00Z', finalizers: ['a.io/x'] };
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting)), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
    ]);
    assert.deepEqual(msgs(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)), []);
  });
});
