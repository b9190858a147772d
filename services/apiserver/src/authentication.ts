// The authentication flags for one replica, as @logbook/authn's chain in
// kube's order: x509 client certificates (--client-ca-file), then bearer
// tokens (--token-auth-file, then service-account JWTs from
// --service-account-*), then anonymous (--anonymous-auth). With a signing key
// the replica also answers TokenRequest (serviceaccounts/<name>/token).
// The front proxy (--requestheader-*) goes first, as in kube; bootstrap
// tokens (--enable-bootstrap-token-auth) and OIDC ID tokens (--oidc-*) join
// the token union after the service accounts.

import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import {
  bootstrapTokenAuthenticator, buildAuthenticator, evaluateTokenRequest, oidcAuthenticator, parseCertificateBundle, parseSigningKey, parseTokenFile,
  parseVerificationKeys, requestHeaderAuthenticator, serviceAccountTokenAuthenticator, tokenFileAuthenticator, x509Authenticator, type FetchJson, type Authenticator, type BoundObject, type LiveObject, type TokenAuthenticator,
} from '@logbook/authn';
import { notFound, StatusError } from '@logbook/apimachinery';
import type { Logger } from '@logbook/raft';
import type { Registry } from '@logbook/registry';
import type { ApiserverConfig } from './config.ts';

const PLURAL: Readonly<Record<string, string>> = { ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

/** Discovery and JWKS documents are small; a bigger answer is refused rather than buffered. */
const MAX_OIDC_DOCUMENT_BYTES = 1 << 20;
const OIDC_FETCH_TIMEOUT_MS = 10_000;

/** GET a JSON document over HTTPS, verified against --oidc-ca-file when given (global fetch cannot take a CA). */
function httpsFetchJson(caPem: string | undefined): FetchJson {
  return (url) => new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'GET', headers: { accept: 'application/json' }, timeout: OIDC_FETCH_TIMEOUT_MS, ...(caPem !== undefined ? { ca: caPem } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_OIDC_DOCUMENT_BYTES) {
          req.destroy(new Error(`response from ${url} exceeds ${MAX_OIDC_DOCUMENT_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url}: ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch (err) {
          reject(new Error(`${url}: invalid JSON`, { cause: err }));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timed out after ${OIDC_FETCH_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The object a token is bound to, read through the registry (the watch caches); undefined when it is gone. */
async function readObject(registry: Registry, kind: string, namespace: string, name: string): Promise<Record<string, unknown> | undefined> {
  const store = registry.lookup('', 'v1', PLURAL[kind] ?? '');
  if (store === undefined) return undefined;
  try {
    const obj: Record<string, unknown> = await store.get({ namespace }, name, '0');
    return obj;
  } catch (err) {
    if (err instanceof StatusError && err.status.code === 404) return undefined;
    throw err;
  }
}

export interface ServiceAccountTokens {
  /** POST serviceaccounts/<name>/token: kube's TokenRequest answer. */
  request(body: unknown, namespace: string, serviceAccount: string): Promise<unknown>;
}

export interface Authentication {
  readonly authenticator: Authenticator;
  readonly tokens: ServiceAccountTokens | undefined;
}

export function buildAuthentication(cfg: ApiserverConfig, logger: Logger, registry: Registry): Authentication {
  const tokens: TokenAuthenticator[] = [];
  if (cfg.tokenAuthFile !== undefined) {
    // Read once at start, as kube-apiserver does; a bad file stops the server with kube's message.
    const entries = parseTokenFile(readFileSync(cfg.tokenAuthFile, 'utf8'), cfg.tokenAuthFile, { warn: (msg) => logger.warn(msg) });
    tokens.push(tokenFileAuthenticator(entries));
  }
  const sa = cfg.serviceAccounts;
  let issuer: ServiceAccountTokens | undefined;
  if (sa !== undefined) {
    const signingPem = sa.signingKeyFile !== undefined ? readFileSync(sa.signingKeyFile, 'utf8') : undefined;
    const keys = sa.keyFiles.flatMap((f) => parseVerificationKeys(readFileSync(f, 'utf8'), f));
    // Without --service-account-key-file the signing key's public half verifies, as kube's defaults arrange.
    if (keys.length === 0 && signingPem !== undefined) keys.push(...parseVerificationKeys(createPublicKey(signingPem).export({ type: 'spki', format: 'pem' }).toString(), sa.signingKeyFile ?? ''));
    const live = async (kind: string, ns: string, name: string): Promise<LiveObject | undefined> => {
      const o = await readObject(registry, kind, ns, name);
      const meta = (o?.metadata ?? {}) as { uid?: string; deletionTimestamp?: string };
      return o === undefined ? undefined : { uid: meta.uid ?? '', ...(meta.deletionTimestamp !== undefined ? { deletionTimestamp: meta.deletionTimestamp } : {}) };
    };
    tokens.push(serviceAccountTokenAuthenticator({ issuers: sa.issuers, keys, apiAudiences: sa.apiAudiences, getObject: live, now: () => Date.now() }));
    if (signingPem !== undefined) {
      const key = parseSigningKey(signingPem, sa.signingKeyFile ?? '');
      issuer = {
        async request(body, namespace, serviceAccount) {
          const account = await live('ServiceAccount', namespace, serviceAccount);
          if (account === undefined) throw notFound({ group: '', resource: 'serviceaccounts' }, serviceAccount);
          return evaluateTokenRequest(body, {
            key, issuer: sa.issuers[0] ?? '', apiAudiences: sa.apiAudiences, maxExpirationSeconds: sa.maxTokenExpirationSeconds,
            namespace, serviceAccount: { name: serviceAccount, uid: account.uid },
            getBoundObject: async (kind, ns, name): Promise<BoundObject | undefined> => {
              const o = await readObject(registry, kind, ns, name);
              if (o === undefined) return undefined;
              const spec = (o.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
              return { uid: ((o.metadata ?? {}) as { uid?: string }).uid ?? '', ...(spec.serviceAccountName !== undefined ? { serviceAccountName: spec.serviceAccountName } : {}), ...(spec.nodeName !== undefined ? { nodeName: spec.nodeName } : {}) };
            },
            nowMs: Date.now(), jti: randomUUID(),
          });
        },
      };
    }
  }
  if (cfg.bootstrapTokenAuth) {
    tokens.push(bootstrapTokenAuthenticator({
      getSecret: async (namespace, name) => (await readObject(registry, 'Secret', namespace, name)),
      now: () => Date.now(),
    }));
  }
  const oidc = cfg.oidc;
  if (oidc !== undefined) {
    tokens.push(oidcAuthenticator({
      issuerUrl: oidc.issuerUrl, clientId: oidc.clientId, usernameClaim: oidc.usernameClaim, requiredClaims: oidc.requiredClaims, signingAlgs: oidc.signingAlgs,
      ...(oidc.usernamePrefix !== undefined ? { usernamePrefix: oidc.usernamePrefix } : {}),
      ...(oidc.groupsClaim !== undefined ? { groupsClaim: oidc.groupsClaim } : {}),
      ...(oidc.groupsPrefix !== undefined ? { groupsPrefix: oidc.groupsPrefix } : {}),
      fetchJson: httpsFetchJson(oidc.caFile !== undefined ? readFileSync(oidc.caFile, 'utf8') : undefined),
      now: () => Date.now(),
    }));
  }
  const rh = cfg.requestHeader;
  const requestHeader = rh === undefined ? undefined : requestHeaderAuthenticator({
    clientCa: parseCertificateBundle(readFileSync(rh.clientCaFile, 'utf8')), allowedNames: rh.allowedNames, usernameHeaders: rh.usernameHeaders,
    uidHeaders: rh.uidHeaders, groupHeaders: rh.groupHeaders, extraHeaderPrefixes: rh.extraHeaderPrefixes, now: () => Date.now(),
  });
  return {
    authenticator: buildAuthenticator({
      ...(requestHeader !== undefined ? { requestHeader } : {}),
      x509: x509Authenticator(), tokens, anonymous: { enabled: cfg.anonymousAuth },
    }),
    tokens: issuer,
  };
}
