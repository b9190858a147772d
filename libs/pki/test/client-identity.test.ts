import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { clientIdentity } from '../src/index.ts';

/** The fields of Node's getPeerCertificate() result that matter here. */
function peer(subject: Record<string, string | string[]>): PeerCertificate {
  return { subject, issuer: { CN: 'ca' } } as unknown as PeerCertificate;
}

const cases: readonly (readonly [string, Parameters<typeof clientIdentity>[0], ReturnType<typeof clientIdentity>])[] = [
  ['CN and one O (Node gives strings)', peer({ CN: 'jane', O: 'devs' }), { user: 'jane', groups: ['devs'] }],
  ['several O (Node gives an array)', peer({ CN: 'kubernetes-admin', O: ['system:masters', 'devs'] }), { user: 'kubernetes-admin', groups: ['system:masters', 'devs'] }],
  ['no O: no groups', peer({ CN: 'system:kube-scheduler' }), { user: 'system:kube-scheduler', groups: [] }],
  ['several CN: the last, as Go reads it', peer({ CN: ['first', 'last'], O: 'g' }), { user: 'last', groups: ['g'] }],
  ['other attributes are ignored', peer({ CN: 'u', OU: 'unit', C: 'DE' }), { user: 'u', groups: [] }],
  ['empty CN: not authenticated', peer({ CN: '', O: 'system:masters' }), undefined],
  ['no CN: not authenticated', peer({ O: 'system:masters' }), undefined],
  ['no certificate (Node gives {})', {}, undefined],
  ['undefined', undefined, undefined],
];

for (const [name, input, want] of cases) {
  test(`clientIdentity: ${name}`, () => {
    assert.deepEqual(clientIdentity(input), want);
  });
}
