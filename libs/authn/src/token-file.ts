// --token-auth-file: a CSV of token,user,uid[,"group1,group2"]. Read once at
// start; a malformed file stops the server with kube's message. Warnings
// name the record number, never the token.

import { AuthnError } from './authn-error.ts';
import { NONE, authOk, type AuthResult, type TokenAuthenticator } from './authenticator.ts';
import { CsvParseError, parseCsv } from './csv.ts';
import { userInfo, type UserInfo } from './user-info.ts';

export interface WarnLogger {
  warn(msg: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

export function parseTokenFile(text: string, path: string, logger?: WarnLogger): ReadonlyMap<string, UserInfo> {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvParseError) throw new AuthnError('invalid-token-file', err.message, { cause: err });
    throw err;
  }
  const tokens = new Map<string, UserInfo>();
  let recordNum = 0;
  for (const { fields } of records) {
    if (fields.length < 3) {
      throw new AuthnError('invalid-token-file', `token file '${path}' must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    }
    recordNum++;
    const [token = '', name = '', uid = ''] = fields;
    if (token === '') {
      logger?.warn(`empty token has been found in token file '${path}', record number '${recordNum}'`);
      continue;
    }
    if (tokens.has(token)) logger?.warn(`duplicate token has been found in token file '${path}', record number '${recordNum}'`);
    const groups = fields.length >= 4 ? (fields[3] ?? '').split(',') : [];
    tokens.set(token, userInfo(name, { uid, groups }));
  }
  return tokens;
}

export function tokenFileAuthenticator(tokens: ReadonlyMap<string, UserInfo>): TokenAuthenticator {
  return {
    authenticateToken(token: string): Promise<AuthResult> {
      const user = tokens.get(token);
      return Promise.resolve(user === undefined ? NONE : authOk(user));
    },
  };
}
