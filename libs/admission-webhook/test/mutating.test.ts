// MutatingAdmissionWebhook against real HTTPS webhooks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import { mutatingWebhookAdmission, type WebhookAdmissionOptions } from '../src/index.ts';
import { attrs, configuration, makePki, options, patchB64, startWebhookServer, webhook, type Pki, type WebhookServer } from './helpers.ts';

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

function plugin(configs: KubeObject[], over: Partial<WebhookAdmissionOptions> = {}) {
  return mutatingWebhookAdmission(options({ mutating: configs, ...over }));
}

const cfg = (name: string, hooks: Record<string, unknown>[]) => configuration('MutatingWebhookConfiguration', name, hooks);

async function rejection(p: void | Promise<void>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to be refused');
}

const labels = (o: unknown) => (o as { metadata: { labels?: Record<string, string> } }).metadata.labels;

describe('mutating webhooks', () => {
  it('applies a JSON patch to the admitted object in place and records the mutation', async () => {
    srv.on('/label', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/injected', value: 'yes' }]) } }));
    const a = attrs();
    const obj = a.object;
    await plugin([cfg('c', [hook('label.x.io', '/label')])]).admit!(a);
    assert.equal(a.object, obj, 'same object reference');
    assert.deepEqual(labels(a.object), { injected: 'yes' });
    assert.deepEqual(JSON.parse(a.annotations.get('mutation.webhook.admission.k8s.io/round_0_index_0')!), { configuration: 'c', webhook: 'label.x.io', mutated: true });
  });

  it('calls webhooks in configuration-name order, each seeing the previous patch', async () => {
    srv.received.length = 0;
    srv.on('/a', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/a', value: '1' }]) } }));
    srv.on('/b', (review) => {
      const seen = labels(review.request['object']) ?? {};
      return { response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/b', value: seen['a'] === '1' ? 'after-a' : 'alone' }]) } };
    });
    const a = attrs();
    await plugin([cfg('zz', [hook('b.x.io', '/b')]), cfg('aa', [hook('a.x.io', '/a')])]).admit!(a);
    assert.deepEqual(srv.received.map((r) => r.path.split('?')[0]), ['/a', '/b']);
    assert.deepEqual(labels(a.object), { a: '1', b: 'after-a' });
  });

  it('a patch that rewrites a value to itself is no mutation', async () => {
    srv.on('/same', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'replace', path: '/metadata/name', value: 'p' }]) } }));
    const a = attrs();
    await plugin([cfg('c', [hook('same.x.io', '/same')])]).admit!(a);
    assert.equal((JSON.parse(a.annotations.get('mutation.webhook.admission.k8s.io/round_0_index_0')!) as { mutated: boolean }).mutated, false);
  });

  const badPatches: [string, Record<string, unknown>, string][] = [
    ['a patch that does not apply', { patchType: 'JSONPatch', patch: patchB64([{ op: 'replace', path: '/spec/nothing/here', value: 1 }]) }, 'Internal error occurred: '],
    ['a patch that is not JSON', { patchType: 'JSONPatch', patch: Buffer.from('not json').toString('base64') }, 'Internal error occurred: '],
    ['a patch that is not a list', { patchType: 'JSONPatch', patch: Buffer.from('{}').toString('base64') }, 'Internal error occurred: json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['a patch that changes the kind', { patchType: 'JSONPatch', patch: patchB64([{ op: 'replace', path: '/kind', value: 'Service' }]) }, 'Internal error occurred: admission webhook "bad.x.io" may not change the object\'s apiVersion or kind'],
    ['a patch that removes metadata', { patchType: 'JSONPatch', patch: patchB64([{ op: 'remove', path: '/metadata' }]) }, 'Internal error occurred: admission webhook "bad.x.io" returned a patch that does not leave an object with metadata'],
  ];
  for (const [name, response, text] of badPatches) {
    it(`${name} is a 500 even under Ignore, and the object is untouched`, async () => {
      srv.on('/bad', () => ({ response: { allowed: true, ...response } }));
      const a = attrs();
      const before = structuredClone(a.object);
      const e = await rejection(plugin([cfg('c', [hook('bad.x.io', '/bad', { failurePolicy: 'Ignore' })])]).admit!(a));
      assert.equal(e.code, 500);
      assert.ok(e.message.startsWith(text), e.message);
      assert.deepEqual(a.object, before);
    });
  }

  const protocol: [string, Record<string, unknown>, string][] = [
    ['patch without patchType', { patch: patchB64([]) }, 'received invalid webhook response: webhook returned response.patch but not response.patchType'],
    ['patchType without patch', { patchType: 'JSONPatch' }, 'received invalid webhook response: webhook returned response.patchType but not response.patch'],
    ['an unknown patchType', { patchType: 'MergePatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/x', value: 'y' }]) }, 'unsupported patch type "MergePatch"'],
    ['a patch that is not base64', { patchType: 'JSONPatch', patch: '!!!' }, 'failed to call webhook: illegal base64 data at input byte 0'],
  ];
  for (const [name, response, text] of protocol) {
    it(`${name}: a failed call (500 under Fail, failed open under Ignore)`, async () => {
      srv.on('/proto', () => ({ response: { allowed: true, ...response } }));
      const e = await rejection(plugin([cfg('c', [hook('pr.x.io', '/proto')])]).admit!(attrs()));
      assert.equal(e.message, `Internal error occurred: failed calling webhook "pr.x.io": ${text}`);
      const a = attrs();
      await plugin([cfg('c', [hook('pr.x.io', '/proto', { failurePolicy: 'Ignore' })])]).admit!(a);
      assert.equal(a.annotations.get('failed-open.mutation.webhook.admission.k8s.io/round_0_index_0'), 'pr.x.io');
    });
  }

  it('a DELETE may not be patched', async () => {
    srv.on('/delpatch', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/x', value: 'y' }]) } }));
    const e = await rejection(plugin([cfg('c', [hook('d.x.io', '/delpatch')])]).admit!(attrs({ operation: 'DELETE' })));
    assert.equal(e.message, 'Internal error occurred: admission webhook "d.x.io" attempted to modify the object, which is not supported for this operation');
  });

  it('refusals stop the chain; later webhooks are not called', async () => {
    srv.received.length = 0;
    srv.on('/no', () => ({ response: { allowed: false, status: { code: 422, reason: 'Invalid', message: 'bad image' } } }));
    const e = await rejection(plugin([cfg('a', [hook('no.x.io', '/no')]), cfg('b', [hook('later.x.io', '/later')])]).admit!(attrs()));
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'admission webhook "no.x.io" denied the request: bad image');
    assert.deepEqual(srv.received.map((r) => r.path.split('?')[0]), ['/no']);
  });

  it('a slow webhook under Ignore is skipped after timeoutSeconds and the next one still runs', async () => {
    srv.received.length = 0;
    srv.on('/slow', () => ({ delayMs: 3000, response: { allowed: false } }));
    srv.on('/next', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/next', value: 'ran' }]) } }));
    const a = attrs();
    const started = Date.now();
    await plugin([cfg('a', [hook('slow.x.io', '/slow', { timeoutSeconds: 1, failurePolicy: 'Ignore' }), hook('next.x.io', '/next')])]).admit!(a);
    assert.ok(Date.now() - started < 2500);
    assert.deepEqual(labels(a.object), { next: 'ran' });
    assert.equal(a.annotations.get('failed-open.mutation.webhook.admission.k8s.io/round_0_index_0'), 'slow.x.io');
  });

  it('reinvocation: IfNeeded webhooks run again once when a later webhook changed the object', async () => {
    srv.received.length = 0;
    let firstCalls = 0;
    // "first" copies label b into label copied-b; it can only see b on its second call.
    srv.on('/first', (review) => {
      firstCalls++;
      const b = labels(review.request['object'])?.['b'];
      if (b === undefined) return { response: { allowed: true } };
      return { response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/copied-b', value: b }]) } };
    });
    srv.on('/setb', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/b', value: 'x' }]) } }));
    srv.on('/never', () => ({ response: { allowed: true } }));
    const a = attrs();
    await plugin([cfg('a', [
      hook('first.x.io', '/first', { reinvocationPolicy: 'IfNeeded' }),
      hook('never.x.io', '/never'),
      hook('setb.x.io', '/setb', { reinvocationPolicy: 'IfNeeded' }),
    ])]).admit!(a);
    assert.equal(firstCalls, 2);
    // kube's rule: first's change in the second round marks setb (invoked after the last change), which
    // comes later in the list, so it runs again too; never.x.io (policy Never) does not.
    assert.deepEqual(srv.received.map((r) => r.path.split('?')[0]), ['/first', '/never', '/setb', '/first', '/setb']);
    assert.deepEqual(labels(a.object), { b: 'x', 'copied-b': 'x' });
    assert.equal((JSON.parse(a.annotations.get('mutation.webhook.admission.k8s.io/round_1_index_0')!) as { mutated: boolean }).mutated, true);
  });

  it('reinvocation: nothing runs twice when no later webhook changed the object', async () => {
    srv.received.length = 0;
    srv.on('/setb', () => ({ response: { allowed: true, patchType: 'JSONPatch', patch: patchB64([{ op: 'add', path: '/metadata/labels/b', value: 'x' }]) } }));
    await plugin([cfg('a', [
      hook('setb.x.io', '/setb', { reinvocationPolicy: 'IfNeeded' }),
      hook('quiet.x.io', '/quiet', { reinvocationPolicy: 'IfNeeded' }),
    ])]).admit!(attrs());
    assert.deepEqual(srv.received.map((r) => r.path.split('?')[0]), ['/setb', '/quiet'], 'a webhook\'s own change does not reinvoke it');
  });

  it('dry run: a webhook with side effects refuses the request, before any call', async () => {
    srv.received.length = 0;
    const e = await rejection(plugin([cfg('a', [hook('se.x.io', '/label', { sideEffects: 'Unknown' })])]).admit!(attrs({ dryRun: true })));
    assert.equal(e.message, 'admission webhook "se.x.io" does not support dry run');
    assert.equal(srv.received.length, 0);
  });

  it('no configurations: nothing is called and nothing changes', async () => {
    const a = attrs();
    const before = structuredClone(a.object);
    await plugin([]).admit!(a);
    assert.deepEqual(a.object, before);
    assert.equal(a.annotations.size, 0);
  });
});
