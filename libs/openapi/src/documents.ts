// The OpenAPI v3 documents kube-apiserver serves under /openapi/v3: one per
// group-version (`api/v1`, `apis/apps/v1`), plus the discovery roots (`api`,
// `apis`, `apis/<group>`) and `version`, and the index that lists them with the
// hash of each document's bytes (clients cache by that hash).

import { createHash } from 'node:crypto';
import { groupVersions, type ResourceInfo } from '@logbook/resources';
import type { SchemaSet } from '@logbook/schemas';
import { groupVersionPaths, groupWord } from './paths.ts';
import { closure, namedSchemas, type JsonSchema } from './schema-object.ts';

export interface OpenApiDocument {
  /** The index key: `api/v1`, `apis/apps/v1`, `version`, … */
  readonly key: string;
  readonly bytes: Buffer;
  /** Upper-case hex SHA-512 of bytes (kube's ETag and `?hash=`). */
  readonly hash: string;
}

export interface OpenApiInfo {
  /** The server's gitVersion, e.g. `v1.33.0`. */
  readonly version: string;
}

export function sha512Hex(bytes: Buffer): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

const SECURITY = { securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } };

function doc(info: OpenApiInfo, paths: Record<string, JsonSchema>, schemas: Record<string, JsonSchema>): JsonSchema {
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: info.version },
    paths,
    components: { schemas, ...SECURITY },
  };
}

function encode(key: string, value: unknown): OpenApiDocument {
  const bytes = Buffer.from(JSON.stringify(value));
  return { key, bytes, hash: sha512Hex(bytes) };
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The schema of a kind in `schemas`, if it has one. */
export function kindDefinition(schemas: SchemaSet): (group: string, version: string, kind: string) => string | undefined {
  return (group, version, kind) => schemas.forKind({ group, version, kind })?.name;
}

function discoveryDoc(info: OpenApiInfo, schemas: SchemaSet, path: string, operationId: string, tag: string, response: string): JsonSchema {
  const names = closure([response], schemas);
  const content = Object.fromEntries(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'].map((t) => [t, { schema: { $ref: `#/components/schemas/${response}` } }]));
  const paths = { [path]: { get: { tags: [tag], description: 'get available API versions', operationId, responses: { '200': { description: 'OK', content }, '401': { description: 'Unauthorized' } } } } };
  return doc(info, paths, namedSchemas(names, 'v3', schemas));
}

const VERSION_INFO: JsonSchema = {
  description: 'The version of the server (its build and platform).',
  type: 'object',
  required: ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform'],
  properties: Object.fromEntries(['buildDate', 'compiler', 'emulationMajor', 'emulationMinor', 'gitCommit', 'gitTreeState', 'gitVersion', 'goVersion', 'major', 'minCompatibilityMajor', 'minCompatibilityMinor', 'minor', 'platform'].map((f) => [f, { type: 'string', default: '' }])),
};

/** Every document, built once from the catalogue and the schemas (they do not change while serving). */
export function buildV3Documents(resources: readonly ResourceInfo[], schemas: SchemaSet, info: OpenApiInfo): Map<string, OpenApiDocument> {
  const out = new Map<string, OpenApiDocument>();
  const definitionOf = kindDefinition(schemas);
  const groups = new Set<string>();
  for (const gv of groupVersions(resources)) {
    const inGv = resources.filter((r) => r.group === gv.group && r.version === gv.version);
    const { paths, refs } = groupVersionPaths(gv.group, gv.version, inGv, definitionOf, 'v3');
    const key = gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
    out.set(key, encode(key, doc(info, paths, namedSchemas(closure(refs, schemas), 'v3', schemas))));
    if (gv.group !== '') groups.add(gv.group);
  }
  out.set('api', encode('api', discoveryDoc(info, schemas, '/api/', 'getCoreAPIVersions', 'core', `${META}.APIVersions`)));
  out.set('apis', encode('apis', discoveryDoc(info, schemas, '/apis/', 'getAPIVersions', 'apis', `${META}.APIGroupList`)));
  for (const g of [...groups].sort()) {
    const word = groupWord(g);
    out.set(`apis/${g}`, encode(`apis/${g}`, discoveryDoc(info, schemas, `/apis/${g}/`, `get${word}APIGroup`, word.charAt(0).toLowerCase() + word.slice(1), `${META}.APIGroup`)));
  }
  const versionPaths = {
    '/version/': {
      get: {
        tags: ['version'], description: 'get the version information for this server', operationId: 'getCodeVersion',
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.version.Info' } } } }, '401': { description: 'Unauthorized' } },
      },
    },
  };
  out.set('version', encode('version', doc(info, versionPaths, { 'io.k8s.apimachinery.pkg.version.Info': VERSION_INFO })));
  return out;
}

/** The `/openapi/v3` index: every document's relative URL with its hash. */
export function v3Index(docs: ReadonlyMap<string, OpenApiDocument>): OpenApiDocument {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of [...docs.keys()].sort()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${docs.get(key)!.hash}` };
  return encode('', { paths });
}
