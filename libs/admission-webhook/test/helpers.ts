// Test helpers: an AdmissionAttributes builder, webhook configuration
// builders and a real HTTPS webhook server with a certificate from @logbook/pki.

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCa, issueServingCert, type CertAndKey } from '@logbook/pki';
import { MemoryObjectReader } from '@logbook/admission';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionOperation } from '@logbook/registry';
import type { WebhookAdmissionOptions } from '../src/index.ts';

export interface RecordedAttrs extends AdmissionAttributes {
  readonly warnings: string[];
  readonly annotations: Map<string, string>;
}

export function pod(name = 'p', labels: Record<string, string> = {}): Record<string, unknown> & { metadata: Record<string, unknown> } {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

export function attrs(over: Partial<Omit<AdmissionAttributes, 'addWarning' | 'addAuditAnnotation' | 'addCompanionWrite'>> = {}): RecordedAttrs {
  const warnings: string[] = [];
  const annotations = new Map<string, string>();
  const operation: AdmissionOperation = over.operation ?? 'CREATE';
  return {
    operation, group: '', version: 'v1', kind: 'Pod', resource: 'pods', subresource: '', namespace: 'default', name: 'p',
    dryRun: false, ctx: { user: 'alice', groups: ['devs', 'system:authenticated'], verb: 'create', resource: 'pods', auditId: 'a1' },
    object: pod(), oldObject: undefined,
    ...over,
    warnings, annotations,
    addWarning: (m) => warnings.push(m),
    addAuditAnnotation: (k, v) => annotations.set(k, v),
    addCompanionWrite: () => { throw new Error('webhooks make no companion writes'); },
  };
}

export function namespaces(entries: Record<string, Record<string, string>> = { default: {} }): MemoryObjectReader {
  return new MemoryObjectReader(Object.entries(entries).map(([name, labels]) => [{ group: '', resource: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }] as const));
}

export const ALL_RULE = { operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] };

export function webhook(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, rules: [ALL_RULE], sideEffects: 'None', admissionReviewVersions: ['v1'], ...over };
}

export function configuration(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', name: string, webhooks: readonly Record<string, unknown>[]): KubeObject {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name }, webhooks };
}

export function options(over: Partial<WebhookAdmissionOptions> & { mutating?: KubeObject[]; validating?: KubeObject[] } = {}): WebhookAdmissionOptions {
  let n = 0;
  const { mutating = [], validating = [], ...rest } = over;
  return {
    configs: () => ({ mutating, validating }),
    reader: namespaces(),
    resolveService: () => { throw new Error('no services in this test'); },
    evaluateMatchConditions: () => Promise.resolve(true),
    newUid: () => `uid-${++n}`,
    ...rest,
  };
}

// ---------------------------------------------------------------- HTTPS server

export interface Reply {
  readonly status?: number;
  readonly contentType?: string;
  /** Raw body; when absent, `response` is wrapped into an AdmissionReview v1 with the request's uid. */
  readonly body?: string;
  readonly response?: Record<string, unknown>;
  readonly delayMs?: number;
}

export interface Received {
  readonly path: string;
  readonly review: { apiVersion: string; kind: string; request: Record<string, unknown> };
}

export interface WebhookServer {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  /** Sets how each path answers. */
  on(path: string, handler: (review: Received['review']) => Reply): void;
  close(): Promise<void>;
}

export interface Pki {
  readonly ca: CertAndKey;
  readonly serving: CertAndKey;
  readonly caBundle: string;
  /** A second, unrelated CA: trusting it must fail verification. */
  readonly otherCaBundle: string;
}

export async function makePki(): Promise<Pki> {
  const now = new Date();
  const ca = await generateCa({ commonName: 'webhook-ca', now, validityDays: 1 });
  const other = await generateCa({ commonName: 'other-ca', now, validityDays: 1 });
  const serving = await issueServingCert(ca, { commonName: 'webhook', dnsNames: ['localhost', 'hook.webhooks.svc'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
  return { ca, serving, caBundle: Buffer.from(ca.certPem).toString('base64'), otherCaBundle: Buffer.from(other.certPem).toString('base64') };
}

export async function startWebhookServer(pki: Pki): Promise<WebhookServer> {
  const handlers = new Map<string, (review: Received['review']) => Reply>();
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer({ cert: pki.serving.certPem, key: pki.serving.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['review'];
      const path = req.url ?? '';
      received.push({ path, review });
      const handler = handlers.get(path.split('?')[0]!);
      const reply: Reply = handler !== undefined ? handler(review) : { response: { allowed: true } };
      const body = reply.body ?? JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request['uid'], ...reply.response } });
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
        res.end(body);
      };
      if (reply.delayMs === undefined) send();
      else {
        const t = setTimeout(() => { timers.delete(t); send(); }, reply.delayMs);
        timers.add(t);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    received,
    on: (path, handler) => { handlers.set(path, handler); },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** base64 of a JSON patch, as a webhook sends it. */
export function patchB64(ops: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(ops)).toString('base64');
}
