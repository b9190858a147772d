// A real ApiServer over MemoryStorage on loopback with TLS and an admin
// client certificate: the whole front end (routing, decoding, the registry)
// as kubectl reaches it, for tests that send raw requests.

import { request } from 'node:https';
import { MemoryStorage } from '@logbook/apistorage';
import { generateCa, issueClientCert, issueServingCert, type CertAndKey } from '@logbook/pki';
import { Registry } from '@logbook/registry';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { ApiServer, ApiserverMetrics, HealthEndpoints, versionInfo } from '../src/index.ts';

export interface Reply {
  readonly code: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface TlsApiServer extends AsyncDisposable {
  call(method: string, path: string, body?: string | Uint8Array, contentType?: string): Promise<Reply>;
}

export async function startTlsApiServer(opts: { maxBodyBytes?: number } = {}): Promise<TlsApiServer> {
  const now = new Date();
  const ca: CertAndKey = await generateCa({ commonName: 'test-ca', now, validityDays: 1 });
  const serving = await issueServingCert(ca, { commonName: 'apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 1 });
  const admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'], now, validityDays: 1 });
  const storage = new MemoryStorage();
  let n = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => storage, schemas: builtinSchemas(),
    env: { now: () => Date.now(), uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, randomInt: () => 0 },
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  const ok = { name: 'ping', check: () => Promise.resolve() };
  const server = new ApiServer({
    registry, resources: catalogue(), tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem },
    serverAddress: '127.0.0.1:6443',
    version: versionInfo({ gitVersion: 'v1.33.0', gitCommit: '', gitTreeState: '', buildDate: '1970-01-01T00:00:00Z', platform: 'linux/amd64', goVersion: 'node', compiler: 'logbook' }),
    schemas: builtinSchemas,
    health: new HealthEndpoints({ checks: { healthz: [ok], livez: [ok], readyz: [ok] } }),
    metrics: new ApiserverMetrics(), maxRequestsInflight: 0, maxMutatingRequestsInflight: 0, minRequestTimeoutSeconds: 1800, requestTimeoutMs: 60_000,
    maxBodyBytes: opts.maxBodyBytes ?? 3 * 1024 * 1024, random: () => 0,
  });
  const port = await server.listen(0, '127.0.0.1');
  return {
    call(method, path, body, contentType = 'application/json') {
      return new Promise((resolve, reject) => {
        const req = request({
          host: '127.0.0.1', port, method, path, ca: ca.certPem, servername: 'localhost', cert: admin.certPem, key: admin.keyPem,
          headers: body !== undefined ? { 'Content-Type': contentType, 'Content-Length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength) } : {},
        }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    async [Symbol.asyncDispose]() {
      await server.close();
    },
  };
}
