// ValidatingAdmissionWebhook against real HTTPS webhooks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import { validatingWebhookAdmission, type WebhookAdmissionOptions } from '../src/index.ts';
import { attrs, configuration, makePki, options, startWebhookServer, webhook, type Pki, type WebhookServer } from './helpers.ts';

let pki: Pki;
let srv: WebhookServer;
before(async () => {
  pki = await makePki();
  srv = await startWebhookServer(pki);
});
after(async () => { await srv.close(); });

function hook(name: string, path: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return webhook(name, { clientConfig: { url: `${srv.url}${path}`, caBundle: pki.caBundle }, ...over });
}

function plugin(hooks: Record<string, unknown>[], over: Partial<WebhookAdmissionOptions> = {}) {
  return validatingWebhookAdmission(options({ validating: [configuration('ValidatingWebhookConfiguration', 'cfg', hooks)], ...over }));
}

async function rejection(p: void | Promise<void>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to be refused');
}

describe('validating webhooks', () => {
  it('sends kube\'s AdmissionReview v1 and allows', async () => {
    const a = attrs({ dryRun: false });
    await plugin([hook('allow.x.io', '/allow')]).validate!(a);
    const got = srv.received.find((r) => r.path.startsWith('/allow'))!;
    assert.equal(got.path, '/allow?timeout=10s');
    assert.equal(got.review.apiVersion, 'admission.k8s.io/v1');
    assert.equal(got.review.kind, 'AdmissionReview');
    const r = got.review.request;
    assert.deepEqual(r['kind'], { group: '', version: 'v1', kind: 'Pod' });
    assert.deepEqual(r['resource'], { group: '', version: 'v1', resource: 'pods' });
    assert.deepEqual(r['requestKind'], r['kind']);
    assert.deepEqual(r['requestResource'], r['resource']);
    assert.equal(r['subResource'], undefined);
    assert.equal(r['name'], 'p');
    assert.equal(r['namespace'], 'default');
    assert.equal(r['operation'], 'CREATE');
    assert.deepEqual(r['userInfo'], { username: 'alice', groups: ['devs', 'system:authenticated'] });
    assert.equal((r['object'] as { kind: string }).kind, 'Pod');
    assert.equal(r['oldObject'], null);
    assert.equal(r['dryRun'], false);
    assert.deepEqual(r['options'], { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' });
    assert.equal(typeof r['uid'], 'string');
  });

  it('a DELETE sends the stored object as oldObject and DeleteOptions', async () => {
    srv.received.length = 0;
    await plugin([hook('del.x.io', '/del')]).validate!(attrs({ operation: 'DELETE', subresource: '' }));
    const r = srv.received[0]!.review.request;
    assert.equal(r['object'], null);
    assert.equal((r['oldObject'] as { kind: string }).kind, 'Pod');
    assert.deepEqual(r['options'], { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' });
  });

  it('refuses with the webhook\'s message, kube\'s prefix and code rules', async () => {
    srv.on('/deny', () => ({ response: { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'no pods on Fridays' } } }));
    srv.on('/deny-bare', () => ({ response: { allowed: false } }));
    srv.on('/deny-reason', () => ({ response: { allowed: false, status: { code: 200, reason: 'NotFound' } } }));
    let e = await rejection(plugin([hook('deny.x.io', '/deny')]).validate!(attrs()));
    assert.equal(e.code, 403);
    assert.equal(e.reason, 'Forbidden');
    assert.equal(e.message, 'admission webhook "deny.x.io" denied the request: no pods on Fridays');
    e = await rejection(plugin([hook('bare.x.io', '/deny-bare')]).validate!(attrs()));
    assert.equal(e.code, 400, 'a refusal without a code is a 400');
    assert.equal(e.message, 'admission webhook "bare.x.io" denied the request without explanation');
    e = await rejection(plugin([hook('reason.x.io', '/deny-reason')]).validate!(attrs()));
    assert.equal(e.code, 400, 'codes below 400 are raised to 400');
    assert.equal(e.message, 'admission webhook "reason.x.io" denied the request: NotFound');
  });

  it('passes warnings on and prefixes audit annotations with the webhook name', async () => {
    srv.on('/warn', () => ({ response: { allowed: true, warnings: ['deprecated field', ''], auditAnnotations: { checked: 'yes' } } }));
    const a = attrs();
    await plugin([hook('warn.x.io', '/warn')]).validate!(a);
    assert.deepEqual(a.warnings, ['deprecated field']);
    assert.equal(a.annotations.get('warn.x.io/checked'), 'yes');
  });

  it('a validating webhook may not patch', async () => {
    srv.on('/vpatch', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: Buffer.from('[]').toString('base64') } }));
    const e = await rejection(plugin([hook('vp.x.io', '/vpatch')]).validate!(attrs()));
    assert.equal(e.code, 500);
    assert.equal(e.message, 'Internal error occurred: failed calling webhook "vp.x.io": received invalid webhook response: validating webhook may not return response.patch');
  });

  const failures: [string, string, () => unknown, string][] = [
    ['5xx with a text body', '/500', () => ({ status: 500, contentType: 'text/plain', body: 'boom\n' }),
      'failed to call webhook: an error on the server ("boom") has prevented the request from succeeding'],
    ['503 without a Status', '/503', () => ({ status: 503, body: '{}' }), 'failed to call webhook: the server is currently unable to handle the request'],
    ['a Status body on a 4xx', '/401', () => ({ status: 401, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'who are you' }) }),
      'failed to call webhook: who are you'],
    ['invalid JSON', '/badjson', () => ({ body: '{"response": nope' }), 'failed to call webhook: couldn\'t get version/kind; json parse error: '],
    ['an empty body', '/empty', () => ({ body: '' }), 'failed to call webhook: 0-length response with status code: 200 and content type: application/json'],
    ['a non-JSON content type', '/html', () => ({ contentType: 'text/html', body: '<html>' }), 'failed to call webhook: serializer for text/html doesn\'t exist'],
    ['the wrong uid', '/uid', () => ({ response: { uid: 'someone-else', allowed: true } }), 'received invalid webhook response: expected response.uid='],
    ['no response', '/noresp', () => ({ body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }) }), 'received invalid webhook response: webhook response was absent'],
    ['the wrong kind', '/kind', () => ({ body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: 'uid-1', allowed: true } }) }),
      'received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview'],
    ['allowed of the wrong type', '/type', () => ({ response: { allowed: 'yes' } }),
      'failed to call webhook: json: cannot unmarshal string into Go struct field AdmissionResponse.response.allowed of type bool'],
  ];
  for (const [name, path, reply, text] of failures) {
    it(`${name}: 500 under Fail, allowed with a failed-open annotation under Ignore`, async () => {
      srv.on(path, reply as never);
      const e = await rejection(plugin([hook('f.x.io', path)]).validate!(attrs()));
      assert.equal(e.code, 500);
      assert.equal(e.reason, 'InternalError');
      assert.ok(e.message.startsWith(`Internal error occurred: failed calling webhook "f.x.io": ${text}`), e.message);
      const a = attrs();
      await plugin([hook('i.x.io', path, { failurePolicy: 'Ignore' })]).validate!(a);
      assert.equal(a.annotations.get('failed-open.validating.webhook.admission.k8s.io/round_0_index_0'), 'i.x.io');
    });
  }

  it('a slow webhook is cut off at timeoutSeconds under both policies', async () => {
    srv.on('/slow', () => ({ delayMs: 3000, response: { allowed: false } }));
    const started = Date.now();
    const [fail, ignore] = await Promise.allSettled([
      plugin([hook('slow.x.io', '/slow', { timeoutSeconds: 1 })]).validate!(attrs()),
      plugin([hook('slow.x.io', '/slow', { timeoutSeconds: 1, failurePolicy: 'Ignore' })]).validate!(attrs()),
    ]);
    assert.ok(Date.now() - started < 2500, 'neither call waited for the webhook');
    assert.equal(ignore.status, 'fulfilled');
    assert.equal(fail.status, 'rejected');
    const e = (fail).reason as StatusError;
    assert.equal(e.code, 500);
    assert.equal(e.message, `Internal error occurred: failed calling webhook "slow.x.io": failed to call webhook: Post "${srv.url}/slow?timeout=1s": context deadline exceeded`);
  });

  it('an untrusted serving certificate is a call failure, handled per failurePolicy', async () => {
    const untrusted = (policy: string) => webhook('tls.x.io', { clientConfig: { url: `${srv.url}/tls`, caBundle: pki.otherCaBundle }, failurePolicy: policy });
    const e = await rejection(plugin([untrusted('Fail')]).validate!(attrs()));
    assert.equal(e.message, `Internal error occurred: failed calling webhook "tls.x.io": failed to call webhook: Post "${srv.url}/tls?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`);
    await plugin([untrusted('Ignore')]).validate!(attrs());
  });

  it('a connection refused reads as Go\'s dial error', async () => {
    const e = await rejection(plugin([webhook('down.x.io', { clientConfig: { url: 'https://127.0.0.1:1/x', caBundle: pki.caBundle } })]).validate!(attrs()));
    assert.match(e.message, /failed calling webhook "down\.x\.io": failed to call webhook: Post "https:\/\/127\.0\.0\.1:1\/x\?timeout=10s": dial tcp 127\.0\.0\.1:1: connect: connection refused$/);
  });

  it('calls webhooks in parallel and reports the first refusal in webhook order', async () => {
    srv.on('/p1', () => ({ delayMs: 400, response: { allowed: false, status: { message: 'one' } } }));
    srv.on('/p2', () => ({ delayMs: 400, response: { allowed: false, status: { message: 'two' } } }));
    const started = Date.now();
    const e = await rejection(plugin([hook('p1.x.io', '/p1'), hook('p2.x.io', '/p2')]).validate!(attrs()));
    assert.ok(Date.now() - started < 750, 'the two calls overlapped');
    assert.equal(e.message, 'admission webhook "p1.x.io" denied the request: one');
  });

  it('dry runs: sideEffects None/NoneOnDryRun are called, Unknown/Some refused whatever the policy, absent is a call failure', async () => {
    await plugin([hook('none.x.io', '/allow', { sideEffects: 'NoneOnDryRun' })]).validate!(attrs({ dryRun: true }));
    for (const se of ['Unknown', 'Some']) {
      srv.received.length = 0;
      const e = await rejection(plugin([hook('se.x.io', '/allow', { sideEffects: se, failurePolicy: 'Ignore' })]).validate!(attrs({ dryRun: true })));
      assert.equal(e.code, 400);
      assert.equal(e.reason, 'BadRequest');
      assert.equal(e.message, 'admission webhook "se.x.io" does not support dry run');
      assert.equal(srv.received.length, 0, 'the webhook was not called');
    }
    const e = await rejection(plugin([hook('nil.x.io', '/allow', { sideEffects: undefined })]).validate!(attrs({ dryRun: true })));
    assert.equal(e.message, 'Internal error occurred: failed calling webhook "nil.x.io": Webhook SideEffects is nil');
    await plugin([hook('nil.x.io', '/allow', { sideEffects: 'Some' })]).validate!(attrs({ dryRun: false }));
  });

  it('dry-run requests say so in the review', async () => {
    srv.received.length = 0;
    await plugin([hook('dry.x.io', '/allow')]).validate!(attrs({ dryRun: true }));
    const r = srv.received[0]!.review.request;
    assert.equal(r['dryRun'], true);
    assert.deepEqual(r['options'], { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', dryRun: ['All'] });
  });

  it('selectors and rules decide who is called', async () => {
    srv.received.length = 0;
    const reader = (await import('./helpers.ts')).namespaces({ default: { team: 'a' } });
    const p = plugin([
      hook('ns.x.io', '/ns', { namespaceSelector: { matchLabels: { team: 'b' } } }),
      hook('obj.x.io', '/obj', { objectSelector: { matchLabels: { app: 'web' } } }),
      hook('rule.x.io', '/rule', { rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }),
      hook('yes.x.io', '/yes', { namespaceSelector: { matchLabels: { team: 'a' } } }),
    ], { reader });
    await p.validate!(attrs());
    assert.deepEqual(srv.received.map((r) => r.path.split('?')[0]), ['/yes']);
  });

  it('a missing namespace is kube\'s 404 once a rule matches', async () => {
    const p = plugin([hook('ns.x.io', '/ns', { namespaceSelector: { matchLabels: { team: 'b' } } })]);
    const e = await rejection(p.validate!(attrs({ namespace: 'nowhere' })));
    assert.equal(e.code, 404);
    assert.equal(e.message, 'namespaces "nowhere" not found');
  });

  it('matchConditions: false skips, an error fails closed (403) or is skipped under Ignore', async () => {
    srv.received.length = 0;
    const seen: string[] = [];
    const evaluate: WebhookAdmissionOptions['evaluateMatchConditions'] = (conditions, request) => {
      seen.push(`${conditions[0]!.name}:${request.operation}`);
      if (conditions[0]!.name === 'skip') return Promise.resolve(false);
      return Promise.resolve(new Error('no such key: foo'));
    };
    const mc = (name: string) => [{ name, expression: 'object.foo == 1' }];
    await plugin([hook('skip.x.io', '/allow', { matchConditions: mc('skip') })], { evaluateMatchConditions: evaluate }).validate!(attrs());
    await plugin([hook('ign.x.io', '/allow', { matchConditions: mc('err'), failurePolicy: 'Ignore' })], { evaluateMatchConditions: evaluate }).validate!(attrs());
    assert.equal(srv.received.length, 0);
    const e = await rejection(plugin([hook('err.x.io', '/allow', { matchConditions: mc('err') })], { evaluateMatchConditions: evaluate }).validate!(attrs()));
    assert.equal(e.code, 403);
    assert.equal(e.message, 'pods "p" is forbidden: no such key: foo');
    assert.deepEqual(seen, ['skip:CREATE', 'err:CREATE', 'err:CREATE']);
  });

  it('a webhook that speaks no known AdmissionReview version fails the call', async () => {
    const e = await rejection(plugin([hook('v.x.io', '/allow', { admissionReviewVersions: ['v2'] })]).validate!(attrs()));
    assert.equal(e.message, 'Internal error occurred: failed calling webhook "v.x.io": could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)');
  });

  it('v1beta1: sent when it is the only version the webhook takes; uid is not checked', async () => {
    srv.received.length = 0;
    srv.on('/beta', () => ({ body: JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { allowed: false, status: { message: 'old school' } } }) }));
    const e = await rejection(plugin([hook('b.x.io', '/beta', { admissionReviewVersions: ['v1beta1'] })]).validate!(attrs()));
    assert.equal(e.message, 'admission webhook "b.x.io" denied the request: old school');
    assert.equal(srv.received[0]!.review.apiVersion, 'admission.k8s.io/v1beta1');
  });

  it('service references are dialled through resolveService and verified as <name>.<namespace>.svc', async () => {
    srv.received.length = 0;
    const asked: string[] = [];
    const resolveService = (ns: string, name: string, port: number): URL => {
      asked.push(`${ns}/${name}:${port}`);
      return new URL(`https://127.0.0.1:${srv.port}`);
    };
    const svcHook = webhook('svc.x.io', { clientConfig: { service: { namespace: 'webhooks', name: 'hook', path: '/svc' }, caBundle: pki.caBundle } });
    await plugin([svcHook], { resolveService }).validate!(attrs());
    assert.deepEqual(asked, ['webhooks/hook:443']);
    assert.equal(srv.received[0]!.path, '/svc?timeout=10s');
    const wrongName = webhook('svc2.x.io', { clientConfig: { service: { namespace: 'other', name: 'hook', path: '/svc' }, caBundle: pki.caBundle } });
    const e = await rejection(plugin([wrongName], { resolveService }).validate!(attrs()));
    assert.match(e.message, /failed to call webhook: Post "https:\/\/hook\.other\.svc:443\/svc\?timeout=10s": tls: failed to verify certificate: x509: certificate is valid for .*hook\.webhooks\.svc.*, not hook\.other\.svc$/);
  });

  it('an aborted request stops the calls and is not failed open', async () => {
    srv.on('/hang', () => ({ delayMs: 5000, response: { allowed: true } }));
    const ac = new AbortController();
    const p = plugin([hook('hang.x.io', '/hang')]).validate!(attrs(), ac.signal);
    setTimeout(() => ac.abort(), 100);
    const e = await rejection(p);
    assert.match(e.message, /failed to call webhook: Post ".*\/hang\?timeout=10s": context canceled$/);
    const already = new AbortController();
    already.abort();
    const t = await rejection(plugin([hook('hang.x.io', '/hang', { failurePolicy: 'Ignore' })]).validate!(attrs(), already.signal));
    assert.equal(t.code, 504);
    assert.equal(t.message, 'Timeout: request did not complete within requested timeout');
  });

  it('a broken configuration fails closed with a 500', async () => {
    const e = await rejection(plugin([webhook('broken.x.io', { clientConfig: {} })]).validate!(attrs()));
    assert.equal(e.code, 500);
    assert.match(e.message, /^Internal error occurred: invalid webhook configuration "cfg": webhooks\[0\]\.clientConfig: exactly one of url or service is required$/);
  });

  it('a response over the size bound is a failed call', async () => {
    srv.on('/huge', () => ({ response: { allowed: true, auditAnnotations: { big: 'x'.repeat(4096) } } }));
    const e = await rejection(plugin([hook('huge.x.io', '/huge')], { maxResponseBytes: 1024 }).validate!(attrs()));
    assert.equal(e.message, 'Internal error occurred: failed calling webhook "huge.x.io": failed to call webhook: response body exceeds the limit of 1024 bytes');
  });
});
