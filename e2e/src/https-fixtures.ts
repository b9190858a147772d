// The servers a security test talks to besides the apiserver, all real HTTPS
// on loopback: an OpenID issuer (discovery document, JWKS, tokens signed with
// jose), and JSON endpoints for authorization, admission and audit webhooks.
// Every server records what it was sent; every answer can be delayed.

import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { generateCa, issueClientCert, issueServingCert, type CertAndKey } from '@logbook/pki';

/** Request bodies a fixture keeps; older ones are dropped (a test reads the recent ones). */
const MAX_RECORDED = 1_000;
/** A fixture reads at most this much of a request (webhooks send AdmissionReviews and event batches). */
const MAX_REQUEST_BYTES = 8 << 20;

export interface Pki {
  readonly ca: CertAndKey;
  /** Serving certificate for 127.0.0.1 and localhost. */
  readonly serving: CertAndKey;
  client(commonName: string, organizations?: readonly string[]): Promise<CertAndKey>;
}

export async function makePki(name: string): Promise<Pki> {
  const now = new Date();
  const ca = await generateCa({ commonName: `${name}-ca`, now, validityDays: 2 });
  const serving = await issueServingCert(ca, { commonName: `${name}-server`, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], now, validityDays: 2 });
  return { ca, serving, client: (cn, orgs = []) => issueClientCert(ca, { commonName: cn, organizations: orgs, now, validityDays: 2 }) };
}

export interface JsonReply {
  readonly status?: number;
  readonly body: unknown;
  readonly delayMs?: number;
}

export interface Recorded {
  readonly path: string;
  readonly body: unknown;
}

/** An HTTPS server answering JSON from a handler; `requests` holds what it received, newest last. */
export class JsonHttpsServer {
  readonly requests: Recorded[];
  readonly #server: Server;
  #port = 0;

  private constructor(server: Server, requests: Recorded[]) {
    this.#server = server;
    this.requests = requests;
  }

  static async start(tls: CertAndKey, handler: (path: string, body: unknown) => JsonReply | Promise<JsonReply>): Promise<JsonHttpsServer> {
    const recorded: Recorded[] = [];
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_REQUEST_BYTES) req.destroy();
        else chunks.push(c);
      });
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          // Keep the text.
        }
        // Without the query: kube-apiserver adds ?timeout= to webhook calls.
        const path = (req.url ?? '/').split('?')[0]!;
        recorded.push({ path, body });
        if (recorded.length > MAX_RECORDED) recorded.shift();
        void (async () => {
          const reply = await handler(path, body);
          if (reply.delayMs !== undefined) await new Promise((r) => setTimeout(r, reply.delayMs));
          if (res.destroyed) return;
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(reply.body));
        })();
      });
    });
    const self = new JsonHttpsServer(server, recorded);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.#port = (server.address() as AddressInfo).port;
    return self;
  }

  get url(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** An OpenID issuer: discovery at /.well-known/openid-configuration, keys at /keys, tokens minted here. */
export class OidcIssuer {
  readonly server: JsonHttpsServer;
  readonly #key: CryptoKey;

  private constructor(server: JsonHttpsServer, key: CryptoKey) {
    this.server = server;
    this.#key = key;
  }

  static async start(tls: CertAndKey): Promise<OidcIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'e2e-1', alg: 'RS256', use: 'sig' };
    let issuer = '';
    const server = await JsonHttpsServer.start(tls, (path) => {
      if (path === '/.well-known/openid-configuration') return { body: { issuer, jwks_uri: `${issuer}/keys`, id_token_signing_alg_values_supported: ['RS256'] } };
      if (path === '/keys') return { body: { keys: [jwk] } };
      return { status: 404, body: {} };
    });
    issuer = server.url;
    return new OidcIssuer(server, privateKey);
  }

  get url(): string {
    return this.server.url;
  }

  /** An ID token; `key` signs it instead of the issuer's own (a forgery). */
  async token(claims: Record<string, unknown>, o: { audience: string; issuer?: string; expiresInSeconds?: number; key?: CryptoKey }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'e2e-1' })
      .setIssuer(o.issuer ?? this.url)
      .setAudience(o.audience)
      .setIssuedAt(now - 60)
      .setExpirationTime(now + (o.expiresInSeconds ?? 600))
      .sign(o.key ?? this.#key);
  }
}

/** A kubeconfig for a webhook the apiserver calls (authorization, audit). */
export function webhookKubeconfig(server: string, caPem: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: hook', '  cluster:', `    server: ${server}`, `    certificate-authority-data: ${ca}`,
    'users:', '- name: apiserver', '  user: {}',
    'contexts:', '- name: hook', '  context:', '    cluster: hook', '    user: apiserver',
    'current-context: hook', '',
  ].join('\n');
}

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTPS request to the apiserver with exactly the credentials given (no kubectl in between). */
export function rawRequest(url: string, o: { caPem: string; method?: string; headers?: Record<string, string>; cert?: CertAndKey; body?: string }): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: o.method ?? 'GET', ca: o.caPem, headers: { accept: 'application/json', ...(o.headers ?? {}) },
      ...(o.cert !== undefined ? { cert: o.cert.certPem, key: o.cert.keyPem } : {}),
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
