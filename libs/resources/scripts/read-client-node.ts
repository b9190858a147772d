// Reads the REST operations out of the installed @kubernetes/client-node: its
// generated request factories carry each operation's HTTP method and path
// template, and its response processors' declarations carry the model type the
// operation answers with. Those two facts are all the catalogue derivation needs.

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ClientOperation {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  /** The model the response deserialises into (`V1Pod`, `V1Scale`, `string`). */
  readonly responseType: string;
}

export interface ClientPackage {
  readonly name: string;
  readonly version: string;
  /** The Kubernetes release the package's OpenAPI spec came from (`release-1.36`). */
  readonly specVersion: string;
  readonly operations: readonly ClientOperation[];
}

export class ClientPackageError extends Error {
  readonly code = 'CLIENT_PACKAGE_UNREADABLE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientPackageError';
  }
}

const PACKAGE = '@kubernetes/client-node';

/** Locates the package as installed for this workspace package. */
export function locateClientPackage(fromDir: string): string {
  const require = createRequire(join(fromDir, 'package.json'));
  try {
    return dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch (error: unknown) {
    throw new ClientPackageError(`${PACKAGE} is not installed for ${fromDir}`, { cause: error });
  }
}

// One factory method: `async name(args) { … localVarPath = '/api/…' … HttpMethod.GET`.
// Methods are matched one at a time, up to the next method, so a path never
// pairs with another operation's HTTP method.
const FACTORY_METHOD = /^ {4}async (\w+)\(/gm;
const PATH_LITERAL = /const localVarPath = '([^']+)'/;
const HTTP_METHOD = /makeRequestContext\(localVarPath, HttpMethod\.([A-Z]+)\)/;
const RESPONSE_DECL = /^ {4}(\w+)WithHttpInfo\(response: ResponseContext\): Promise<HttpInfo<([\w<>[\]{ }:;|]+)>>;/gm;

function factorySection(source: string, file: string): string {
  const start = source.indexOf('RequestFactory extends BaseAPIRequestFactory');
  const end = source.indexOf('ResponseProcessor {');
  if (start < 0 || end < start) throw new ClientPackageError(`${file}: no request factory found`);
  return source.slice(start, end);
}

function readOperations(jsSource: string, dtsSource: string, file: string): ClientOperation[] {
  const responseTypes = new Map<string, string>();
  for (const m of dtsSource.matchAll(RESPONSE_DECL)) responseTypes.set(m[1] ?? '', m[2] ?? '');
  const section = factorySection(jsSource, file);
  const starts = [...section.matchAll(FACTORY_METHOD)];
  const operations: ClientOperation[] = [];
  starts.forEach((m, i) => {
    const name = m[1] ?? '';
    const body = section.slice(m.index, starts[i + 1]?.index ?? section.length);
    const path = PATH_LITERAL.exec(body)?.[1];
    const method = HTTP_METHOD.exec(body)?.[1];
    const responseType = responseTypes.get(name);
    if (path === undefined || method === undefined || responseType === undefined) {
      throw new ClientPackageError(`${file}: operation ${name} lacks a path, method or response type`);
    }
    operations.push({ name, method, path, responseType });
  });
  return operations;
}

/** Every REST operation of every generated API class in the package. */
export function readClientPackage(packageDir: string): ClientPackage {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  if (manifest.name !== PACKAGE || typeof manifest.version !== 'string') {
    throw new ClientPackageError(`${packageDir} does not hold ${PACKAGE}`);
  }
  const apisDir = join(packageDir, 'dist', 'gen', 'apis');
  const files = readdirSync(apisDir).filter((f) => /^[A-Z]\w*Api\.js$/.test(f)).sort();
  const operations: ClientOperation[] = [];
  for (const file of files) {
    const js = readFileSync(join(apisDir, file), 'utf8');
    const dts = readFileSync(join(apisDir, file.replace(/\.js$/, '.d.ts')), 'utf8');
    operations.push(...readOperations(js, dts, file));
  }
  if (operations.length === 0) throw new ClientPackageError(`${apisDir}: no operations found`);
  // The API classes carry no spec header; every model does.
  const model = readFileSync(join(packageDir, 'dist', 'gen', 'models', 'V1Pod.js'), 'utf8');
  const specVersion = /OpenAPI spec version: (\S+)/.exec(model)?.[1];
  if (specVersion === undefined) throw new ClientPackageError(`${packageDir}: no OpenAPI spec version in models/V1Pod.js`);
  return { name: PACKAGE, version: manifest.version, specVersion, operations };
}
