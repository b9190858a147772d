// Bodies recorded from kubectl 1.33 `create <kind>` (scripts/capture-kubectl.ts)
// and the JSON each must decode to (checked by hand against what kubectl's
// JSON for the same command carries, minus Go's empty structs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeKubeProtobuf } from '@logbook/kube-protobuf';

const dir = new URL('./fixtures/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.b64')).map((f) => f.slice(0, -'.b64'.length));

test('every kubectl create command has a recorded body', () => {
  assert.equal(names.length, 16);
});

for (const name of names) {
  test(`${name} decodes to its golden JSON`, () => {
    const body = Buffer.from(readFileSync(new URL(`${name}.b64`, dir), 'utf8').trim(), 'base64');
    const want = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Record<string, unknown>;
    const got = decodeKubeProtobuf(body);
    assert.deepEqual(got.object, want);
    assert.equal(got.apiVersion, want['apiVersion']);
    assert.equal(got.kind, want['kind']);
  });
}

test('the contract body for `create ns x` is the bare namespace (empty spec/status are unset)', () => {
  const got = decodeKubeProtobuf(Buffer.from('azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBeBIAGgAiACoAMgA4AEIAEgAaAgoA', 'base64'));
  assert.deepEqual(got, { apiVersion: 'v1', kind: 'Namespace', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } } });
});

test('pointer zeros survive: PDB minAvailable 0, quota pods "0"', () => {
  const pdb = JSON.parse(readFileSync(new URL('kubectl-pdb.json', dir), 'utf8')) as { spec: { minAvailable: unknown } };
  assert.equal(pdb.spec.minAvailable, 0);
  const secret = JSON.parse(readFileSync(new URL('kubectl-secret.json', dir), 'utf8')) as { data: Record<string, string> };
  assert.deepEqual(secret.data, { empty: '', password: Buffer.from('hunter2').toString('base64') });
});
