// Reads a kubeconfig the way client-go's clientcmd does for the apiserver's
// webhook configurations (--authorization-webhook-config-file and friends):
// the current-context picks one cluster and one user; `*-data` fields carry
// base64 PEM, the file forms are paths relative to the kubeconfig's directory.
// Only what a TLS client needs is returned; everything is validated here, once,
// so a bad file fails at start-up with the file and the field named.

import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { PkiError } from './pki-error.ts';

export interface KubeconfigConnection {
  /** The cluster's server URL, as written. */
  readonly server: string;
  readonly caData?: Buffer;
  readonly certData?: Buffer;
  readonly keyData?: Buffer;
  readonly token?: string;
  readonly insecureSkipTLSVerify: boolean;
  readonly tlsServerName?: string;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads and validates the kubeconfig at `path`; every error names the file. */
export async function readKubeconfig(path: string): Promise<KubeconfigConnection> {
  const text = await readOrThrow(path, `kubeconfig ${path}`);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new PkiError('invalid-argument', `kubeconfig ${path}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  return parseKubeconfig(doc, path);
}

/** The validation half of readKubeconfig, for a document already parsed; file references resolve against `path`'s directory. */
export async function parseKubeconfig(doc: unknown, path: string): Promise<KubeconfigConnection> {
  const bad = (msg: string): PkiError => new PkiError('invalid-argument', `kubeconfig ${path}: ${msg}`);
  if (!isObj(doc)) throw bad('not a kubeconfig (expected a mapping at the top level)');
  // clientcmd has no "first context" fallback: without current-context the
  // merged configuration is empty and the webhook refuses to start.
  const current = doc['current-context'];
  if (typeof current !== 'string' || current === '') throw bad('current-context is not set');
  const context = namedEntry(doc, 'contexts', 'context', current, bad);
  const clusterName = stringField(context, 'cluster', `context "${current}"`, bad);
  if (clusterName === undefined || clusterName === '') throw bad(`context "${current}" has no cluster`);
  const cluster = namedEntry(doc, 'clusters', 'cluster', clusterName, bad);
  const userName = stringField(context, 'user', `context "${current}"`, bad) ?? '';
  // A context without a user is legal: the webhook is then called anonymously (TLS only).
  const user: Obj = userName === '' ? {} : namedEntry(doc, 'users', 'user', userName, bad);

  const where = `cluster "${clusterName}"`;
  const server = stringField(cluster, 'server', where, bad);
  if (server === undefined || server === '') throw bad(`no server found for ${where}`);
  try {
    new URL(server);
  } catch (err) {
    throw new PkiError('invalid-argument', `kubeconfig ${path}: ${where} server ${JSON.stringify(server)} is not a URL`, { cause: err });
  }
  const insecure = cluster['insecure-skip-tls-verify'];
  if (insecure !== undefined && typeof insecure !== 'boolean') throw bad(`${where} insecure-skip-tls-verify must be a boolean`);
  const base = dirname(resolve(path));
  const caData = await pemField(cluster, 'certificate-authority', where, base, path, bad);
  if (insecure === true && caData !== undefined) throw bad(`${where}: specifying a root certificates file with the insecure flag is not allowed`);
  const tlsServerName = stringField(cluster, 'tls-server-name', where, bad);

  const uwhere = `user "${userName}"`;
  const certData = await pemField(user, 'client-certificate', uwhere, base, path, bad);
  const keyData = await pemField(user, 'client-key', uwhere, base, path, bad);
  if (certData !== undefined && keyData === undefined) throw bad(`client-key-data or client-key must be specified for ${uwhere} to use the clientCert authentication method`);
  if (keyData !== undefined && certData === undefined) throw bad(`client-certificate-data or client-certificate must be specified for ${uwhere} to use the clientCert authentication method`);
  let token = stringField(user, 'token', uwhere, bad);
  const tokenFile = stringField(user, 'tokenFile', uwhere, bad);
  // As clientcmd: an inline token wins over tokenFile.
  if ((token === undefined || token === '') && tokenFile !== undefined && tokenFile !== '') {
    const file = isAbsolute(tokenFile) ? tokenFile : resolve(base, tokenFile);
    token = (await readOrThrow(file, `kubeconfig ${path}: ${uwhere} tokenFile ${file}`)).trim();
  }

  return {
    server,
    insecureSkipTLSVerify: insecure === true,
    ...(caData === undefined ? {} : { caData }),
    ...(certData === undefined ? {} : { certData }),
    ...(keyData === undefined ? {} : { keyData }),
    ...(token === undefined || token === '' ? {} : { token }),
    ...(tlsServerName === undefined || tlsServerName === '' ? {} : { tlsServerName }),
  };
}

function namedEntry(doc: Obj, list: string, inner: string, name: string, bad: (m: string) => PkiError): Obj {
  const items = doc[list];
  if (items !== undefined && items !== null && !Array.isArray(items)) throw bad(`${list} must be a list`);
  for (const item of (items ?? []) as unknown[]) {
    if (isObj(item) && item['name'] === name) {
      const body = item[inner];
      if (body === undefined || body === null) return {};
      if (!isObj(body)) throw bad(`${inner} "${name}": ${inner} must be a mapping`);
      return body;
    }
  }
  throw bad(`${inner} "${name}" not found in ${list}`);
}

function stringField(obj: Obj, key: string, where: string, bad: (m: string) => PkiError): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`${where} ${key} must be a string`);
  return v;
}

/** `<key>-data` (base64) or `<key>` (a file path); both at once is clientcmd's validation error. */
async function pemField(obj: Obj, key: string, where: string, base: string, path: string, bad: (m: string) => PkiError): Promise<Buffer | undefined> {
  const data = stringField(obj, `${key}-data`, where, bad);
  const file = stringField(obj, key, where, bad);
  const hasData = data !== undefined && data !== '';
  const hasFile = file !== undefined && file !== '';
  if (hasData && hasFile) throw bad(`${key}-data and ${key} are both specified for ${where}`);
  if (hasData) {
    // Buffer.from(…, 'base64') skips junk silently; a strict check catches a pasted PEM or a truncated value.
    const compact = data.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw bad(`${where} ${key}-data is not valid base64`);
    const buf = Buffer.from(compact, 'base64');
    if (buf.length === 0) throw bad(`${where} ${key}-data is empty`);
    return buf;
  }
  if (hasFile) {
    const abs = isAbsolute(file) ? file : resolve(base, file);
    const buf = await readOrThrowBuffer(abs, `kubeconfig ${path}: ${where} ${key} ${abs}`);
    if (buf.length === 0) throw bad(`${where} ${key} ${abs} is empty`);
    return buf;
  }
  return undefined;
}

async function readOrThrowBuffer(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new PkiError('io', `${what}: ${(err as Error).message}`, { cause: err });
  }
}

async function readOrThrow(file: string, what: string): Promise<string> {
  return (await readOrThrowBuffer(file, what)).toString('utf8');
}
