import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  certificateApproval, certificateSigning, certificateSubjectRestriction, parseCsrSubject, CsrParseError, type AuthorizeAttributes,
} from '../src/index.ts';
import { attrs, rejectsWith, run } from './attrs.ts';
import { base64, csrRequest } from './csr-fixtures.ts';

const CSR = { group: 'certificates.k8s.io', resource: 'certificatesigningrequests' } as const;

function csr(signerName: string, status: Record<string, unknown> = {}, request = ''): Record<string, unknown> {
  return { metadata: { name: 'csr-1' }, spec: { signerName, request, usages: ['client auth'] }, status };
}

/** An authorizer that allows exactly the listed `verb name` pairs and records every question. */
function grants(...allowed: string[]): { authorize: (a: AuthorizeAttributes) => Promise<boolean>; asked: AuthorizeAttributes[] } {
  const asked: AuthorizeAttributes[] = [];
  return {
    asked,
    authorize: (a) => {
      asked.push(a);
      return Promise.resolve(a.group === 'certificates.k8s.io' && a.resource === 'signers' && allowed.includes(`${a.verb} ${a.name}`));
    },
  };
}

describe('CertificateApproval', () => {
  const cases: { name: string; allowed: string[]; signer: string; ok: boolean }[] = [
    { name: 'exact signer grant', allowed: ['approve example.com/foo'], signer: 'example.com/foo', ok: true },
    { name: 'wildcard grant', allowed: ['approve example.com/*'], signer: 'example.com/foo', ok: true },
    { name: 'grant for another signer', allowed: ['approve example.com/bar'], signer: 'example.com/foo', ok: false },
    { name: 'sign is not approve', allowed: ['sign example.com/foo'], signer: 'example.com/foo', ok: false },
    { name: 'wildcard of another domain', allowed: ['approve other.com/*'], signer: 'example.com/foo', ok: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const g = grants(...c.allowed);
      const plugin = certificateApproval({ authorize: g.authorize });
      const a = attrs({ ...CSR, operation: 'UPDATE', subresource: 'approval', name: 'csr-1', user: 'bob', groups: ['devs'], object: csr(c.signer), oldObject: csr(c.signer) });
      const p = run(() => plugin.validate?.(a));
      if (c.ok) await p;
      else await rejectsWith(p, 403, 'Forbidden', `certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: user not permitted to approve requests with signerName "${c.signer}"`);
      assert.deepEqual(g.asked[0], { user: 'bob', groups: ['devs'], verb: 'approve', group: 'certificates.k8s.io', resource: 'signers', name: c.signer });
    });
  }

  it('judges by the stored signer, not one changed in the request', async () => {
    const plugin = certificateApproval({ authorize: grants('approve easy.com/x').authorize });
    const a = attrs({ ...CSR, operation: 'UPDATE', subresource: 'approval', name: 'csr-1', object: csr('easy.com/x'), oldObject: csr('hard.com/x') });
    await rejectsWith(run(() => plugin.validate?.(a)), 403, 'Forbidden', 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: user not permitted to approve requests with signerName "hard.com/x"');
  });

  it('an authorizer error counts as no, then the wildcard is tried', async () => {
    let calls = 0;
    const plugin = certificateApproval({
      authorize: (a) => {
        calls++;
        return a.name === 'example.com/*' ? Promise.resolve(true) : Promise.reject(new Error('webhook down'));
      },
    });
    const a = attrs({ ...CSR, operation: 'UPDATE', subresource: 'approval', name: 'csr-1', object: csr('example.com/foo'), oldObject: csr('example.com/foo') });
    await run(() => plugin.validate?.(a));
    assert.equal(calls, 2);
  });

  it('ignores other subresources, the server itself, and other resources', async () => {
    const g = grants();
    const plugin = certificateApproval({ authorize: g.authorize });
    for (const over of [{ subresource: 'status' }, { subresource: '' }, { internal: true }, { group: '' }]) {
      await run(() => plugin.validate?.(attrs({ ...CSR, operation: 'UPDATE', subresource: 'approval', name: 'csr-1', object: csr('a/b'), oldObject: csr('a/b'), ...over })));
    }
    assert.equal(g.asked.length, 0);
  });
});

describe('CertificateSigning', () => {
  const issued = { certificate: base64('-----BEGIN CERTIFICATE-----\n...') };
  const approved = { conditions: [{ type: 'Approved', status: 'True', reason: 'r' }] };
  const cases: { name: string; old: Record<string, unknown>; new: Record<string, unknown>; allowed: string[]; error: boolean; asks: boolean }[] = [
    { name: 'issuing without sign is refused', old: {}, new: issued, allowed: ['approve example.com/foo'], error: true, asks: true },
    { name: 'issuing with sign', old: {}, new: issued, allowed: ['sign example.com/foo'], error: false, asks: true },
    { name: 'issuing with wildcard sign', old: {}, new: issued, allowed: ['sign example.com/*'], error: false, asks: true },
    { name: 'changing conditions through status needs sign', old: {}, new: approved, allowed: [], error: true, asks: true },
    { name: 'unchanged certificate and conditions: no check', old: { ...issued, ...approved }, new: { ...issued, ...approved }, allowed: [], error: false, asks: false },
    { name: 'empty list equals absent conditions', old: {}, new: { conditions: [] }, allowed: [], error: false, asks: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const g = grants(...c.allowed);
      const plugin = certificateSigning({ authorize: g.authorize });
      const a = attrs({ ...CSR, operation: 'UPDATE', subresource: 'status', name: 'csr-1', object: csr('example.com/foo', c.new), oldObject: csr('example.com/foo', c.old) });
      const p = run(() => plugin.validate?.(a));
      if (!c.error) await p;
      else await rejectsWith(p, 403, 'Forbidden', 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: user not permitted to sign requests with signerName "example.com/foo"');
      assert.equal(g.asked.length > 0, c.asks);
      if (c.asks) assert.equal(g.asked[0]?.verb, 'sign');
    });
  }
});

describe('CertificateSubjectRestriction', () => {
  const plugin = certificateSubjectRestriction();
  const FORBIDDEN = 'certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed';
  const cases: { name: string; signer: string; subject: string; error?: string }[] = [
    { name: 'system:masters via the client signer', signer: 'kubernetes.io/kube-apiserver-client', subject: 'CN=eve, O=system:masters', error: FORBIDDEN },
    { name: 'system:masters among other orgs', signer: 'kubernetes.io/kube-apiserver-client', subject: 'CN=eve, O=dev, O=system:masters', error: FORBIDDEN },
    { name: 'other groups', signer: 'kubernetes.io/kube-apiserver-client', subject: 'CN=bob, O=system:admin' },
    { name: 'system:masters as CN only', signer: 'kubernetes.io/kube-apiserver-client', subject: 'CN=system:masters' },
    { name: 'another signer', signer: 'kubernetes.io/kube-apiserver-client-kubelet', subject: 'CN=eve, O=system:masters' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const a = attrs({ ...CSR, object: csr(c.signer, {}, await csrRequest(c.subject)) });
      const p = run(() => plugin.validate?.(a));
      if (c.error === undefined) await p;
      else await rejectsWith(p, 403, 'Forbidden', c.error);
    });
  }

  const bad: { name: string; request: unknown; message: string }[] = [
    { name: 'not PEM', request: base64('hello'), message: 'PEM block type must be CERTIFICATE REQUEST' },
    { name: 'a certificate, not a request', request: base64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), message: 'PEM block type must be CERTIFICATE REQUEST' },
    { name: 'garbage DER', request: base64('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'), message: 'x509: malformed certificate request' },
    { name: 'missing request', request: undefined, message: 'PEM block type must be CERTIFICATE REQUEST' },
  ];
  for (const b of bad) {
    it(`unparsable request: ${b.name}`, async () => {
      const obj = csr('kubernetes.io/kube-apiserver-client');
      (obj['spec'] as Record<string, unknown>)['request'] = b.request;
      await rejectsWith(run(() => plugin.validate?.(attrs({ ...CSR, object: obj }))), 403, 'Forbidden',
        `certificatesigningrequests.certificates.k8s.io "csr-1" is forbidden: failed to parse CSR: ${b.message}`);
    });
  }

  it('parseCsrSubject reads CN and every O in order', async () => {
    assert.deepEqual(parseCsrSubject(await csrRequest('CN=system:node:n1, O=system:nodes, O=x')), { commonName: 'system:node:n1', organization: ['system:nodes', 'x'] });
    assert.throws(() => parseCsrSubject(42), CsrParseError);
  });
});
