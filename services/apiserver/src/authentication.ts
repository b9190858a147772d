// The authentication flags for one replica, as @logbook/authn's chain in
// kube's order: x509 client certificates (--client-ca-file), then bearer
// tokens (--token-auth-file), then anonymous (--anonymous-auth). The
// service-account, bootstrap-token, OIDC and front-proxy authenticators
// exist in libs/authn and are not wired to their flags yet.

import { readFileSync } from 'node:fs';
import { buildAuthenticator, parseTokenFile, tokenFileAuthenticator, x509Authenticator, type Authenticator, type TokenAuthenticator } from '@logbook/authn';
import type { Logger } from '@logbook/raft';
import type { ApiserverConfig } from './config.ts';

export function buildAuthentication(cfg: ApiserverConfig, logger: Logger): Authenticator {
  const tokens: TokenAuthenticator[] = [];
  if (cfg.tokenAuthFile !== undefined) {
    // Read once at start, as kube-apiserver does; a bad file stops the server with kube's message.
    const entries = parseTokenFile(readFileSync(cfg.tokenAuthFile, 'utf8'), cfg.tokenAuthFile, { warn: (msg) => logger.warn(msg) });
    tokens.push(tokenFileAuthenticator(entries));
  }
  return buildAuthenticator({ x509: x509Authenticator(), tokens, anonymous: { enabled: cfg.anonymousAuth } });
}
