// The authentication flags for one replica, as @logbook/authn's chain in
// kube's order: x509 client certificates (--client-ca-file), then bearer
// tokens (--token-auth-file, then service-account JWTs from
// --service-account-*), then anonymous (--anonymous-auth). With a signing key
// the replica also answers TokenRequest (serviceaccounts/<name>/token).
// Bootstrap tokens, OIDC and the front proxy exist in libs/authn and are not
// wired to their flags yet.

import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  buildAuthenticator, evaluateTokenRequest, parseSigningKey, parseTokenFile, parseVerificationKeys, serviceAccountTokenAuthenticator,
  tokenFileAuthenticator, x509Authenticator, type Authenticator, type BoundObject, type LiveObject, type TokenAuthenticator,
} from '@logbook/authn';
import { notFound, StatusError } from '@logbook/apimachinery';
import type { Logger } from '@logbook/raft';
import type { Registry } from '@logbook/registry';
import type { ApiserverConfig } from './config.ts';

const PLURAL: Readonly<Record<string, string>> = { ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

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
  return { authenticator: buildAuthenticator({ x509: x509Authenticator(), tokens, anonymous: { enabled: cfg.anonymousAuth } }), tokens: issuer };
}
