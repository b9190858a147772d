import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequestInfo } from '@logbook/apimachinery';
import { AUDIT_FLAGS, AuditFlagsError, AuditPolicyError, auditorFromFlags, discardAuditLogger } from '../src/index.ts';
import type { AuditEventList } from '../src/index.ts';
import { FakeClock } from './fake-clock.ts';

const POLICY = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n';
const deps = { readFile: () => POLICY, logger: discardAuditLogger, clock: new FakeClock() };

describe('auditorFromFlags', () => {
  it('is disabled without a policy file or without a backend', () => {
    assert.equal(auditorFromFlags({ 'audit-log-path': '/tmp/x.log' }, deps).enabled, false);
    assert.equal(auditorFromFlags({ 'audit-policy-file': '/p.yaml' }, deps).enabled, false);
  });

  it('writes JSON lines to --audit-log-path (default blocking mode)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-flags-'));
    try {
      const path = join(dir, 'audit.log');
      const auditor = auditorFromFlags({ 'audit-policy-file': '/p.yaml', 'audit-log-path': path, 'audit-log-maxsize': '1' }, deps);
      const rec = auditor.begin({
        requestURI: '/api/v1/namespaces/default/pods', requestInfo: parseRequestInfo('GET', '/api/v1/namespaces/default/pods', new URLSearchParams()),
        user: { username: 'alice' }, headers: {}, remoteAddress: '10.1.1.1', auditID: 'x1',
      });
      assert.equal(await rec.stage('RequestReceived'), true);
      await rec.complete(200);
      await auditor.shutdown();
      const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { stage: string; auditID: string });
      assert.deepEqual(lines.map((l) => [l.auditID, l.stage]), [['x1', 'RequestReceived'], ['x1', 'ResponseComplete']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends webhook batches through the injected transport', async () => {
    const clock = new FakeClock();
    const sent: AuditEventList[] = [];
    const auditor = auditorFromFlags({ 'audit-policy-file': '/p', 'audit-webhook-config-file': '/kc', 'audit-webhook-batch-max-size': '2' }, {
      ...deps, clock, webhookSend: (file) => {
        assert.equal(file, '/kc');
        return (list) => (sent.push(list), Promise.resolve());
      },
    });
    for (const id of ['a', 'b', 'c']) {
      await auditor.begin({ auditID: id, requestURI: '/healthz', requestInfo: parseRequestInfo('GET', '/healthz', new URLSearchParams()), user: { username: 'u' }, headers: {} }).complete(200);
    }
    await clock.advance(0);
    assert.deepEqual(sent.map((l) => l.items.map((e) => e.auditID)), [['a', 'b']]);
    await auditor.shutdown();
    assert.deepEqual(sent.map((l) => l.items.map((e) => e.auditID)), [['a', 'b'], ['c']]);
  });

  it('reports every bad value at once, with kube\'s messages', () => {
    assert.throws(() => auditorFromFlags({
      'audit-policy-file': '/p', 'audit-log-path': '/x', 'audit-log-format': 'xml', 'audit-log-maxage': '-1', 'audit-log-mode': 'batch',
      'audit-log-batch-buffer-size': '0', 'audit-webhook-config-file': '/kc', 'audit-webhook-mode': 'sometimes', 'audit-webhook-truncate-enabled': 'true',
      'audit-webhook-truncate-max-batch-size': '10', 'audit-webhook-initial-backoff': 'soon',
    }, { ...deps, webhookSend: () => () => Promise.resolve() }), (err: unknown) => {
      assert.ok(err instanceof AuditFlagsError);
      assert.deepEqual(err.problems, [
        'invalid audit log format xml, allowed formats are "json,legacy"',
        "--audit-log-maxage -1 can't be a negative number",
        'invalid audit batch log buffer size 0, must be a positive number',
        '--audit-webhook-initial-backoff: invalid duration "soon"',
        'invalid audit webhook mode sometimes, allowed modes are "batch,blocking,blocking-strict"',
        'invalid audit truncate webhook max batch size 10, must be greater than or equal to 102400 (max event size)',
      ]);
      return true;
    });
  });

  it('surfaces policy errors', () => {
    assert.throws(() => auditorFromFlags({ 'audit-policy-file': '/p', 'audit-log-path': '-' }, { ...deps, readFile: () => 'kind: Policy', stdout: { write() {} } }), AuditPolicyError);
  });

  it('lists kube\'s defaults', () => {
    const d = new Map(AUDIT_FLAGS.map((f) => [f.name, f.default]));
    assert.equal(d.get('audit-webhook-batch-max-size'), '400');
    assert.equal(d.get('audit-webhook-batch-max-wait'), '30s');
    assert.equal(d.get('audit-webhook-initial-backoff'), '10s');
    assert.equal(d.get('audit-log-mode'), 'blocking');
    assert.equal(d.get('audit-webhook-mode'), 'batch');
    assert.equal(new Set(AUDIT_FLAGS.map((f) => f.name)).size, AUDIT_FLAGS.length);
  });
});
