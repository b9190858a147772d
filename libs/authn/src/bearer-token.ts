// Bearer tokens from the Authorization header, and from the WebSocket
// subprotocol browsers use in its place. A token that no token authenticator
// recognises is an error, not "not mine": a client that sent a credential and
// got it wrong must see 401, never be served as anonymous.

import { NONE, authError, type AuthRequest, type AuthResult, type Authenticator, type TokenAuthenticator } from './authenticator.ts';
import { WEBSOCKET_BEARER_PROTOCOL_PREFIX, firstHeader, type HeaderMap } from './headers.ts';

export const INVALID_BEARER_TOKEN = 'invalid bearer token';

export function bearerTokenAuthenticator(tokens: TokenAuthenticator): Authenticator {
  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      const header = firstHeader(req.headers, 'authorization').trim();
      if (header === '') return NONE;
      // Go splits on single spaces: "Bearer  x" has an empty token and is not a bearer credential.
      const parts = header.split(' ');
      if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer') return NONE;
      const token = parts[1] ?? '';
      if (token === '') return NONE;
      return orInvalid(await tokens.authenticateToken(token, req.audiences));
    },
  };
}

export function websocketProtocolAuthenticator(tokens: TokenAuthenticator): Authenticator {
  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      if (!isWebSocketRequest(req.headers)) return NONE;
      let token: string | undefined;
      let found = false;
      for (const value of req.headers.get('sec-websocket-protocol') ?? []) {
        for (const p of value.split(',')) {
          const protocol = p.trim();
          if (!protocol.startsWith(WEBSOCKET_BEARER_PROTOCOL_PREFIX)) continue;
          if (found) return authError('multiple base64.bearer.authorization tokens specified');
          found = true;
          token = decodeBase64Url(protocol.slice(WEBSOCKET_BEARER_PROTOCOL_PREFIX.length));
        }
      }
      if (!found) return NONE;
      if (token === undefined || token === '') return authError(INVALID_BEARER_TOKEN);
      return orInvalid(await tokens.authenticateToken(token, req.audiences));
    },
  };
}

function orInvalid(r: AuthResult): AuthResult {
  return r.kind === 'none' ? authError(INVALID_BEARER_TOKEN) : r;
}

function isWebSocketRequest(headers: HeaderMap): boolean {
  const connection = (headers.get('connection') ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
  return connection.includes('upgrade') && firstHeader(headers, 'upgrade').toLowerCase() === 'websocket';
}

/** Unpadded base64url, strictly: anything else is not a token. */
function decodeBase64Url(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url').toString('utf8');
}
