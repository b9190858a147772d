// The Swagger 2.0 document (`/openapi/v2`): every group-version's paths in
// one document, definitions under #/definitions. Built from the same path
// layout as v3, with each operation turned into Swagger 2's shape (a `body`
// parameter instead of requestBody, `type` beside each parameter instead of a
// schema, one schema per response and the media types in consumes/produces).

import { groupVersions, type ResourceInfo } from '@logbook/resources';
import type { SchemaSet } from '@logbook/schemas';
import { kindDefinition } from './documents.ts';
import { groupVersionPaths } from './paths.ts';
import { closure, namedSchemas, type JsonSchema } from './schema-object.ts';

type Json = Record<string, unknown>;

function v2Parameter(p: Json): Json {
  const { schema, ...rest } = p as { schema?: Json } & Json;
  return { ...rest, ...(schema ?? {}) };
}

function firstSchema(content: unknown): { types: string[]; schema: unknown } {
  const c = (content ?? {}) as Record<string, { schema?: unknown }>;
  const types = Object.keys(c);
  return { types, schema: types.length > 0 ? c[types[0]!]!.schema : undefined };
}

function v2Operation(op: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(op)) {
    if (k === 'requestBody' || k === 'responses' || k === 'parameters') continue;
    out[k] = v;
  }
  const params = ((op.parameters ?? []) as Json[]).map(v2Parameter);
  const body = op.requestBody as { content?: unknown; required?: boolean } | undefined;
  if (body !== undefined) {
    const { types, schema } = firstSchema(body.content);
    params.unshift({ name: 'body', in: 'body', ...(body.required === true ? { required: true } : {}), schema });
    out.consumes = types;
  } else {
    out.consumes = ['*/*'];
  }
  if (params.length > 0) out.parameters = params;
  const responses: Json = {};
  let produces: string[] = [];
  for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, { description: string; content?: unknown }>)) {
    const { types, schema } = firstSchema(r.content);
    if (types.length > 0) produces = types;
    responses[code] = { description: r.description, ...(schema !== undefined ? { schema } : {}) };
  }
  out.produces = produces;
  out.schemes = ['https'];
  out.responses = responses;
  return out;
}

export function buildV2Document(resources: readonly ResourceInfo[], schemas: SchemaSet, info: { version: string }): JsonSchema {
  const paths: Json = {};
  const refs = new Set<string>();
  const definitionOf = kindDefinition(schemas);
  for (const gv of groupVersions(resources)) {
    const inGv = resources.filter((r) => r.group === gv.group && r.version === gv.version);
    const built = groupVersionPaths(gv.group, gv.version, inGv, definitionOf, 'v2');
    for (const r of built.refs) refs.add(r);
    for (const [path, item] of Object.entries(built.paths)) {
      const out: Json = {};
      for (const [k, v] of Object.entries(item)) {
        out[k] = k === 'parameters' ? (v as Json[]).map(v2Parameter) : v2Operation(v as Json);
      }
      paths[path] = out;
    }
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: info.version },
    paths,
    definitions: namedSchemas(closure(refs, schemas), 'v2', schemas),
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}
