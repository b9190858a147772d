import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '@logbook/apimachinery';
import { createAuditor, formatEventLine, NOOP_RECORDER, parseAuditPolicy } from '../src/index.ts';
import type { AuditBackend, AuditEvent, AuditLevel, AuditRequest } from '../src/index.ts';
import { FakeClock } from './fake-clock.ts';

class MemoryBackend implements AuditBackend {
  readonly events: AuditEvent[] = [];
  result = true;
  processEvents(events: readonly AuditEvent[]): Promise<boolean> {
    this.events.push(...events);
    return Promise.resolve(this.result);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(level: AuditLevel, extra = '') {
  const policy = parseAuditPolicy(`apiVersion: audit.k8s.io/v1\nkind: Policy\n${extra}rules:\n- level: ${level}\n`);
  const backend = new MemoryBackend();
  const clock = new FakeClock();
  const auditor = createAuditor({ policy, backend, clock, newAuditID: () => 'generated-id' });
  return { auditor, backend, clock };
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-token-value';

function request(method: string, uri: string, more: Partial<AuditRequest> = {}): AuditRequest {
  const [path = '', query = ''] = uri.split('?');
  return {
    auditID: 'a1b2',
    requestURI: uri,
    requestInfo: parseRequestInfo(method, path, new URLSearchParams(query)),
    user: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['x'] } },
    headers: {
      'user-agent': 'kubectl/v1.33.0 (linux/amd64)',
      authorization: `Bearer ${TOKEN}`,
      cookie: `session=${TOKEN}`,
      'x-remote-user': 'mallory',
      'impersonate-user': 'bob',
      'x-forwarded-for': '10.0.0.1, bogus, 10.0.0.2',
      'x-real-ip': '10.0.0.1',
    },
    remoteAddress: '::ffff:192.168.1.5',
    ...more,
  };
}

const POD = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', resourceVersion: '42', managedFields: [{ manager: 'kubectl' }], annotations: { note: TOKEN.slice(0, 3) } },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};

async function createPod(level: AuditLevel, extra = '') {
  const s = setup(level, extra);
  const rec = s.auditor.begin(request('POST', '/api/v1/namespaces/default/pods?fieldManager=kubectl'));
  assert.equal(await rec.stage('RequestReceived'), true);
  rec.setAuthorizationDecision('allow', 'RBAC: allowed by ClusterRoleBinding "admin"');
  rec.setRequestObject(POD);
  rec.addAnnotation('pod-security.kubernetes.io/enforce-policy', 'privileged:latest');
  await s.clock.advance(1.5);
  assert.equal(await rec.complete(201, POD), true);
  return s.backend.events;
}

describe('the recorder', () => {
  it('records exactly the fields of each level', async () => {
    const expectFields: Record<Exclude<AuditLevel, 'None'>, { req: boolean; res: boolean }> = {
      Metadata: { req: false, res: false },
      Request: { req: true, res: false },
      RequestResponse: { req: true, res: true },
    };
    for (const [level, want] of Object.entries(expectFields) as [Exclude<AuditLevel, 'None'>, { req: boolean; res: boolean }][]) {
      const events = await createPod(level);
      assert.deepEqual(events.map((e) => e.stage), ['RequestReceived', 'ResponseComplete'], level);
      const [received, done] = events as [AuditEvent, AuditEvent];
      assert.equal(done.level, level);
      assert.equal('requestObject' in done, want.req, `${level} requestObject`);
      assert.equal('responseObject' in done, want.res, `${level} responseObject`);
      assert.equal('requestObject' in received, false);
      assert.equal('responseStatus' in received, false);
      assert.equal('annotations' in received, false);
    }
  });

  it('builds kube\'s event shape', async () => {
    const [, done] = (await createPod('Metadata')) as [AuditEvent, AuditEvent];
    assert.deepEqual(done, {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: 'a1b2', stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods?fieldManager=kubectl', verb: 'create',
      user: { username: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['x'] } },
      sourceIPs: ['10.0.0.1', '10.0.0.2', '192.168.1.5'],
      userAgent: 'kubectl/v1.33.0 (linux/amd64)',
      objectRef: { resource: 'pods', namespace: 'default', name: 'p', uid: 'pod-uid', apiVersion: 'v1', resourceVersion: '42' },
      responseStatus: { metadata: {}, code: 201 },
      requestReceivedTimestamp: '2026-01-02T03:04:05.678900Z',
      stageTimestamp: '2026-01-02T03:04:05.680400Z',
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "admin"',
        'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
      },
    });
    assert.deepEqual(Object.keys(done.objectRef ?? {}), ['resource', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion']);
  });

  it('never copies Authorization, cookies or other headers into an event, at any level or format', async () => {
    for (const level of ['Metadata', 'Request', 'RequestResponse'] as const) {
      for (const ev of await createPod(level)) {
        for (const format of ['json', 'legacy'] as const) {
          const line = formatEventLine(ev, format);
          assert.ok(!line.includes(TOKEN), `${level}/${format} leaks the token`);
          assert.ok(!/authorization"|cookie|mallory|impersonate-user/i.test(line), `${level}/${format} copies a header: ${line}`);
        }
      }
    }
  });

  it('omits managedFields when the policy says so, without touching the caller\'s object', async () => {
    const [, done] = (await createPod('RequestResponse', 'omitManagedFields: true\n')) as [AuditEvent, AuditEvent];
    const req = done.requestObject as { metadata: Record<string, unknown> };
    const res = done.responseObject as { metadata: Record<string, unknown> };
    assert.equal('managedFields' in req.metadata, false);
    assert.equal('managedFields' in res.metadata, false);
    assert.equal(POD.metadata.managedFields.length, 1);
  });

  it('snapshots the request object when it is set', async () => {
    const s = setup('Request');
    const rec = s.auditor.begin(request('PUT', '/api/v1/namespaces/default/configmaps/c'));
    const body = { metadata: { name: 'c' }, data: { a: '1' } };
    rec.setRequestObject(body);
    body.data.a = 'mutated by admission';
    await rec.complete(200, body);
    assert.deepEqual((s.backend.events[0]?.requestObject as typeof body).data, { a: '1' });
  });

  it('logs request bodies only for verbs that have one, and never a watch response', async () => {
    const s = setup('RequestResponse');
    const get = s.auditor.begin(request('GET', '/api/v1/namespaces/default/pods/p'));
    get.setRequestObject({ kind: 'GetOptions' });
    await get.complete(200, POD);
    const watch = s.auditor.begin(request('GET', '/api/v1/namespaces/default/pods?watch=true'));
    assert.equal(await watch.stage('ResponseStarted'), true);
    await watch.complete(200, { kind: 'Pod' });
    const [getEv, started, watchEv] = s.backend.events;
    assert.equal(getEv?.requestObject, undefined);
    assert.deepEqual(getEv?.responseObject, POD);
    assert.equal(started?.stage, 'ResponseStarted');
    assert.equal(started?.responseStatus, undefined);
    assert.equal(watchEv?.verb, 'watch');
    assert.equal(watchEv?.responseObject, undefined);
  });

  it('copies only the bounded fields of a Status into responseStatus', async () => {
    const s = setup('Metadata');
    const rec = s.auditor.begin(request('GET', '/api/v1/namespaces/default/pods/x'));
    await rec.complete(404, {
      kind: 'Status', apiVersion: 'v1', metadata: { resourceVersion: '9' }, status: 'Failure', message: 'pods "x" not found',
      reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404, extra: 'ignored',
    });
    assert.deepEqual(s.backend.events[0]?.responseStatus, {
      metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404,
    });
  });

  it('emits Panic with a 500 and nothing after it', async () => {
    const s = setup('Metadata');
    const rec = s.auditor.begin(request('GET', '/api/v1/namespaces/default/pods'));
    await rec.panic(new Error('boom'));
    await rec.complete(200);
    assert.equal(s.backend.events.length, 1);
    assert.equal(s.backend.events[0]?.stage, 'Panic');
    assert.deepEqual(s.backend.events[0]?.responseStatus, { metadata: {}, status: 'Failure', message: "APIServer panic'd: boom", reason: 'InternalError', code: 500 });
  });

  it('skips omitted stages and emits each stage once', async () => {
    const s = setup('Metadata', 'omitStages: [RequestReceived, ResponseStarted]\n');
    const rec = s.auditor.begin(request('GET', '/api/v1/pods?watch=1'));
    await rec.stage('RequestReceived');
    await rec.stage('ResponseStarted');
    await rec.complete(200);
    await rec.complete(200);
    assert.deepEqual(s.backend.events.map((e) => e.stage), ['ResponseComplete']);
  });

  it('records the impersonated user and non-resource requests without objectRef', async () => {
    const s = setup('Metadata');
    const rec = s.auditor.begin(request('GET', '/healthz', { auditID: undefined as unknown as string, headers: {}, remoteAddress: '127.0.0.1' }));
    rec.setImpersonatedUser({ username: 'bob', groups: ['ops'] });
    await rec.complete(200);
    const ev = s.backend.events[0];
    assert.equal(ev?.auditID, 'generated-id');
    assert.equal(ev?.objectRef, undefined);
    assert.equal(ev?.userAgent, undefined);
    assert.deepEqual(ev?.sourceIPs, ['127.0.0.1']);
    assert.deepEqual(ev?.impersonatedUser, { username: 'bob', groups: ['ops'] });
  });

  it('truncates a long User-Agent as kube does', async () => {
    const s = setup('Metadata');
    await s.auditor.begin(request('GET', '/healthz', { headers: { 'User-Agent': 'x'.repeat(2000) } })).complete(200);
    assert.equal(s.backend.events[0]?.userAgent, 'x'.repeat(1024) + '...TRUNCATED');
  });

  it('level None returns the shared no-op recorder and emits nothing', async () => {
    const s = setup('None');
    const rec = s.auditor.begin(request('GET', '/api/v1/pods'));
    assert.equal(rec, NOOP_RECORDER);
    rec.setRequestObject(POD);
    assert.equal(await rec.stage('RequestReceived'), true);
    assert.equal(await rec.complete(200, POD), true);
    assert.equal(s.backend.events.length, 0);
  });

  it('passes a strict backend\'s failure back to the server', async () => {
    const s = setup('Metadata');
    s.backend.result = false;
    assert.equal(await s.auditor.begin(request('GET', '/api/v1/pods')).stage('RequestReceived'), false);
  });

  it('renders kube\'s legacy line', async () => {
    const [received] = (await createPod('Metadata')) as [AuditEvent];
    assert.equal(formatEventLine({ ...received, impersonatedUser: { username: 'bob' } }, 'legacy'),
      '2026-01-02T03:04:05.6789Z AUDIT: id="a1b2" stage="RequestReceived" ip="10.0.0.1" method="create" user="alice" ' +
      'groups="\\"devs\\",\\"system:authenticated\\"" as="bob" asgroups="<lookup>" user-agent="kubectl/v1.33.0 (linux/amd64)" ' +
      'namespace="default" uri="/api/v1/namespaces/default/pods?fieldManager=kubectl" response="<deferred>"\n');
  });
});
