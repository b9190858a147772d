import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { parse as parseYaml } from 'yaml';
import { buildV2Document, encodeSwaggerProtobuf, encodeV2Protobuf, gnosticType, sha512Hex, V2ProtobufError, type V2ProtobufErrorCode } from '../src/index.ts';

// Decoded gnostic messages, as protobufjs hands them back (proto field names kept).
interface NamedAny { name: string; value: { yaml: string } }
interface PbSchema {
  _ref?: string;
  description?: string;
  format?: string;
  required?: string[];
  type?: { value: string[] };
  items?: { schema: PbSchema[] };
  properties?: { additional_properties: { name: string; value: PbSchema }[] };
  additional_properties?: { schema?: PbSchema; boolean?: boolean };
  vendor_extension?: NamedAny[];
  enum?: { yaml: string }[];
  default?: { yaml: string };
}
interface PbQuery { name: string; in: string; type?: string; description?: string; required?: boolean; unique_items?: boolean }
interface PbParam { parameter?: { body_parameter?: { name: string; schema: PbSchema }; non_body_parameter?: { query_parameter_sub_schema?: PbQuery; path_parameter_sub_schema?: PbQuery } }; json_reference?: { _ref: string } }
interface PbOperation {
  operation_id?: string;
  parameters?: PbParam[];
  responses: { response_code: { name: string; value: { response?: { description: string; schema?: { schema?: PbSchema } }; json_reference?: { _ref: string } } }[] };
  vendor_extension?: NamedAny[];
}
type PbPathItem = Partial<Record<'get' | 'put' | 'post' | 'delete' | 'patch', PbOperation>> & { parameters?: PbParam[] };
interface PbDocument {
  swagger: string;
  info: { title: string; version: string };
  paths: { path: { name: string; value: PbPathItem }[] };
  definitions: { additional_properties: { name: string; value: PbSchema }[] };
  security_definitions?: { additional_properties: { name: string; value: { api_key_security?: { name: string; in: string } } }[] };
  security?: { additional_properties: { name: string; value: { value?: string[] } }[] }[];
}

type Json = Record<string, unknown>;

function decode(bytes: Uint8Array): PbDocument {
  const type = gnosticType('Document');
  return type.toObject(type.decode(bytes), { arrays: false, defaults: false }) as PbDocument;
}

/** The value of an `x-*` extension, read as kube-openapi reads it: YAML text parsed by a YAML 1.1 parser. */
function ext(named: NamedAny[] | undefined, key: string): unknown {
  const hit = (named ?? []).find((e) => e.name === key);
  return hit === undefined ? undefined : parseYaml(hit.value.yaml, { version: '1.1' });
}

const swagger = buildV2Document(catalogue(), builtinSchemas(), { version: 'v1.33.0' });
const json = JSON.parse(JSON.stringify(swagger)) as { paths: Record<string, Json>; definitions: Record<string, Json> };
const doc = decode(encodeSwaggerProtobuf(swagger));
const definitions = new Map(doc.definitions.additional_properties.map((d) => [d.name, d.value]));
const paths = new Map(doc.paths.path.map((p) => [p.name, p.value]));

/** Every schema keyword kubectl's kube-openapi parser reads, compared field by field with the JSON. */
function sameSchema(pb: PbSchema, js: Json, at: string): void {
  assert.equal(pb._ref, js.$ref, `${at} $ref`);
  assert.equal(pb.description, js.description === '' ? undefined : js.description, `${at} description`);
  assert.equal(pb.format, js.format, `${at} format`);
  assert.deepEqual(pb.required, js.required, `${at} required`);
  assert.deepEqual(pb.type?.value, js.type === undefined ? undefined : [js.type].flat(), `${at} type`);
  const props = js.properties as Record<string, Json> | undefined;
  assert.deepEqual(pb.properties?.additional_properties.map((p) => p.name), props === undefined ? undefined : Object.keys(props), `${at} properties`);
  for (const p of pb.properties?.additional_properties ?? []) sameSchema(p.value, props![p.name]!, `${at}.${p.name}`);
  if (js.items !== undefined) sameSchema(pb.items!.schema[0]!, js.items as Json, `${at}[]`);
  else assert.equal(pb.items, undefined, `${at} items`);
  const extra = js.additionalProperties;
  if (typeof extra === 'boolean') assert.equal(pb.additional_properties?.boolean, extra, `${at} additionalProperties`);
  else if (extra !== undefined) sameSchema(pb.additional_properties!.schema!, extra as Json, `${at}{}`);
  else assert.equal(pb.additional_properties, undefined, `${at} additionalProperties`);
  assert.deepEqual(pb.enum?.map((e) => parseYaml(e.yaml, { version: '1.1' }) as unknown), js.enum, `${at} enum`);
  assert.deepEqual(pb.default === undefined ? undefined : parseYaml(pb.default.yaml, { version: '1.1' }), js.default, `${at} default`);
  const xKeys = Object.keys(js).filter((k) => k.startsWith('x-'));
  assert.deepEqual(pb.vendor_extension?.map((e) => e.name), xKeys.length === 0 ? undefined : xKeys, `${at} extensions`);
  for (const k of xKeys) assert.deepEqual(ext(pb.vendor_extension, k), js[k], `${at} ${k}`);
}

test('every definition and path of the JSON document is there, in the same order, with the same schema', () => {
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.33.0' });
  assert.deepEqual([...definitions.keys()], Object.keys(json.definitions));
  assert.deepEqual([...paths.keys()], Object.keys(json.paths));
  assert.ok(definitions.size > 400, `only ${definitions.size} definitions`);
  for (const [name, schema] of definitions) sameSchema(schema, json.definitions[name]!, name);
});

test('a Deployment carries its group-version-kind as YAML that kube-openapi parses back', () => {
  const deployment = definitions.get('io.k8s.api.apps.v1.Deployment')!;
  assert.deepEqual(ext(deployment.vendor_extension, 'x-kubernetes-group-version-kind'), [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  const core = definitions.get('io.k8s.api.core.v1.ConfigMap')!;
  assert.deepEqual(ext(core.vendor_extension, 'x-kubernetes-group-version-kind'), [{ group: '', kind: 'ConfigMap', version: 'v1' }]);
});

test('PodSpec.containers keeps the strategic-merge metadata kubectl apply merges by', () => {
  const spec = definitions.get('io.k8s.api.core.v1.PodSpec')!;
  const containers = spec.properties!.additional_properties.find((p) => p.name === 'containers')!.value;
  assert.equal(ext(containers.vendor_extension, 'x-kubernetes-patch-strategy'), 'merge');
  assert.equal(ext(containers.vendor_extension, 'x-kubernetes-patch-merge-key'), 'name');
  assert.equal(ext(containers.vendor_extension, 'x-kubernetes-list-type'), 'map');
  assert.deepEqual(ext(containers.vendor_extension, 'x-kubernetes-list-map-keys'), ['name']);
  assert.deepEqual(containers.type?.value, ['array']);
  assert.equal(containers.items?.schema[0]?._ref, '#/definitions/io.k8s.api.core.v1.Container');
  // A map (labels) is additionalProperties with a schema; kube-openapi needs that to tell it from a kind.
  const meta = definitions.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
  const labels = meta.properties!.additional_properties.find((p) => p.name === 'labels')!.value;
  assert.deepEqual(labels.type?.value, ['object']);
  assert.deepEqual(labels.additional_properties?.schema?.type?.value, ['string']);
});

test('a Deployment PATCH lists fieldValidation as a query parameter, which is how kubectl 1.27 detects server-side validation', () => {
  const item = paths.get('/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!;
  const patch = item.patch!;
  assert.equal(patch.operation_id, 'patchAppsV1NamespacedDeployment');
  assert.deepEqual(ext(patch.vendor_extension, 'x-kubernetes-group-version-kind'), { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.equal(ext(patch.vendor_extension, 'x-kubernetes-action'), 'patch');
  const query = patch.parameters!.map((p) => p.parameter?.non_body_parameter?.query_parameter_sub_schema).filter((q) => q !== undefined);
  assert.deepEqual(query.map((q) => q.name), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.deepEqual(query.map((q) => q.in), ['query', 'query', 'query', 'query']);
  const body = patch.parameters![0]!.parameter?.body_parameter;
  assert.equal(body?.name, 'body');
  assert.equal(body?.schema._ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
  // Path-level parameters: name and namespace are path parameters, required.
  const pathParams = item.parameters!.map((p) => p.parameter?.non_body_parameter?.path_parameter_sub_schema).filter((q) => q !== undefined);
  assert.deepEqual(pathParams.map((q) => [q.name, q.required]), [['name', true], ['namespace', true]]);
  const ok = patch.responses.response_code.find((r) => r.name === '200')!;
  assert.equal(ok.value.response?.schema?.schema?._ref, '#/definitions/io.k8s.api.apps.v1.Deployment');
  assert.deepEqual(patch.responses.response_code.map((r) => r.name), ['200', '201', '401']);
});

test('every $ref points into #/definitions at a definition that exists', () => {
  const refs: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === '_ref' && typeof x === 'string') refs.push(x);
        else walk(x);
      }
    }
  };
  walk(doc);
  assert.ok(refs.length > 1000, `only ${refs.length} refs`);
  for (const ref of refs) {
    assert.match(ref, /^#\/definitions\//);
    assert.ok(definitions.has(ref.slice('#/definitions/'.length)), ref);
  }
});

test('security definitions and requirements survive', () => {
  const [bearer] = doc.security_definitions!.additional_properties;
  assert.equal(bearer?.name, 'BearerToken');
  assert.deepEqual(bearer?.value.api_key_security && { name: bearer.value.api_key_security.name, in: bearer.value.api_key_security.in }, { name: 'authorization', in: 'header' });
  assert.deepEqual(doc.security?.map((s) => s.additional_properties.map((a) => a.name)), [['BearerToken']]);
});

test('encodeV2Protobuf encodes the served JSON bytes, and refuses bytes that are not JSON', () => {
  const bytes = Buffer.from(JSON.stringify(swagger));
  assert.deepEqual(encodeV2Protobuf({ key: 'v2', bytes, hash: sha512Hex(bytes) }), encodeSwaggerProtobuf(swagger));
  const bad = Buffer.from('{"swagger":');
  assert.throws(() => encodeV2Protobuf({ key: 'v2', bytes: bad, hash: sha512Hex(bad) }), (err: unknown) => err instanceof V2ProtobufError && err.code === 'InvalidValue' && err.cause instanceof SyntaxError);
});

// A tiny document, encoded by hand from the field numbers of gnostic's OpenAPIv2.proto.
const TINY = {
  swagger: '2.0',
  info: { title: 'T', version: 'v1' },
  paths: { '/a': { get: { parameters: [{ name: 'q', in: 'query', type: 'string', uniqueItems: true }], responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/D' } } }, 'x-k': 'v' } } },
  definitions: { D: { type: 'object', properties: { n: { type: 'integer', format: 'int32' } }, additionalProperties: false } },
};
const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
const TINY_GOLDEN = [
  '0a03', hex('2.0'), // 1 swagger
  '1207', '0a01', hex('T'), '1202', hex('v1'), // 2 info {1 title, 2 version}
  '425a', // 8 paths (90 bytes)
  '1258', '0a02', hex('/a'), '1252', // Paths.2 path: NamedPathItem {1 name, 2 PathItem (82)}
  '1250', // PathItem.2 get: Operation (80)
  '421b', '0a19', '1217', '1a15', // Operation.8 parameters → ParametersItem.1 parameter → Parameter.2 non_body → NonBodyParameter.3 query
  '1205', hex('query'), '2201', hex('q'), '3206', hex('string'), 'a00101', // in=2, name=4, type=6, unique_items=20
  '4a24', '0a22', '0a03', hex('200'), '121b', // 9 responses → 1 response_code {1 name, 2 ResponseValue}
  '0a19', '0a02', hex('OK'), '1213', '0a11', '0a0f', hex('#/definitions/D'), // 1 response {1 description, 2 SchemaItem.1 schema {1 _ref}}
  '6a0b', '0a03', hex('x-k'), '1204', '1202', hex('v\n'), // 13 vendor_extension {1 name, 2 Any {2 yaml}}
  '4a34', '0a32', '0a01', hex('D'), '122d', // 9 definitions → NamedSchema {1 name, 2 Schema (45)}
  'aa01021000', // Schema.21 additional_properties {2 boolean: false} — a oneof member is written even when false
  'b201080a06', hex('object'), // Schema.22 type {1 value}
  'ca011a', '0a18', '0a01', hex('n'), '1213', // Schema.25 properties → NamedSchema {1 name, 2 Schema (19)}
  '1205', hex('int32'), 'b201090a07', hex('integer'), // 2 format, 22 type
].join('');

test('a tiny document encodes to the bytes gnostic would write', () => {
  assert.equal(Buffer.from(encodeSwaggerProtobuf(TINY)).toString('hex'), TINY_GOLDEN);
});

const VALID = (over: Json): Json => ({ swagger: '2.0', info: { title: 'T', version: 'v' }, paths: {}, ...over });
const defs = (schema: unknown): Json => VALID({ definitions: { D: schema } });
const op = (o: Json): Json => VALID({ paths: { '/a': { get: { responses: { '200': { description: 'OK' } }, ...o } } } });

test('JSON that gnostic has no place for is refused with where and why, never dropped', () => {
  const cases: [string, unknown, V2ProtobufErrorCode, string][] = [
    ['not an object', [], 'InvalidValue', '#'],
    ['swagger 3.0', VALID({ swagger: '3.0' }), 'InvalidValue', '#/swagger'],
    ['no info', { swagger: '2.0', paths: {} }, 'MissingField', '#/info'],
    ['unknown top-level key', VALID({ openapi: '3.0.0' }), 'UnsupportedField', '#/openapi'],
    ['unknown schema keyword', defs({ type: 'object', oneOf: [] }), 'UnsupportedField', '#/definitions/D/oneOf'],
    ['description of the wrong type', defs({ description: 3 }), 'InvalidValue', '#/definitions/D/description'],
    ['fractional maxLength', defs({ maxLength: 1.5 }), 'InvalidValue', '#/definitions/D/maxLength'],
    ['null where an object belongs', defs({ properties: { a: null } }), 'InvalidValue', '#/definitions/D/properties/a'],
    ['type that is neither string nor strings', defs({ type: 3 }), 'InvalidValue', '#/definitions/D/type'],
    ['a path key without /', VALID({ paths: { api: {} } }), 'UnsupportedField', '#/paths/api'],
    ['unknown operation key', op({ requestBody: {} }), 'UnsupportedField', '#/paths/~1a/get/requestBody'],
    ['operation without responses', VALID({ paths: { '/a': { get: {} } } }), 'MissingField', '#/paths/~1a/get/responses'],
    ['a parameter without in', op({ parameters: [{ name: 'q', type: 'string' }] }), 'MissingField', '#/paths/~1a/get/parameters/0/in'],
    ['a cookie parameter (OpenAPI 3 only)', op({ parameters: [{ name: 'q', in: 'cookie', type: 'string' }] }), 'InvalidValue', '#/paths/~1a/get/parameters/0/in'],
    ['a body parameter without schema', op({ parameters: [{ name: 'body', in: 'body' }] }), 'MissingField', '#/paths/~1a/get/parameters/0/schema'],
    ['allowEmptyValue on a path parameter', op({ parameters: [{ name: 'n', in: 'path', required: true, type: 'string', allowEmptyValue: true }] }), 'UnsupportedField', '#/paths/~1a/get/parameters/0/allowEmptyValue'],
    ['a response key that is not a code', op({ responses: { ok: { description: 'OK' } } }), 'UnsupportedField', '#/paths/~1a/get/responses/ok'],
    ['a response without description', op({ responses: { '200': {} } }), 'MissingField', '#/paths/~1a/get/responses/200/description'],
    ['an unknown security scheme', VALID({ securityDefinitions: { X: { type: 'openIdConnect' } } }), 'InvalidValue', '#/securityDefinitions/X/type'],
    ['a requirement whose scopes are not strings', VALID({ security: [{ X: [1] }] }), 'InvalidValue', '#/security/0/X/0'],
  ];
  for (const [what, input, code, at] of cases) {
    assert.throws(() => encodeSwaggerProtobuf(input), (err: unknown) => {
      assert.ok(err instanceof V2ProtobufError, what);
      assert.equal(err.code, code, what);
      assert.equal(err.at, at, what);
      return true;
    }, what);
  }
});

test('valid edge cases keep what kube-openapi tells apart', () => {
  const pb = decode(encodeSwaggerProtobuf(VALID({
    definitions: {
      // An empty `properties` still makes a kind, not a map: the message must be present.
      Kind: { type: 'object', properties: {} },
      Free: { type: 'object', additionalProperties: true },
      Multi: { type: ['string', 'null'], enum: ['yes', 'on', '1'], default: 'yes' },
      Tuple: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
    },
    paths: { '/a': { parameters: [{ $ref: '#/parameters/p' }], get: { responses: { default: { $ref: '#/responses/r' } } } } },
  })));
  const d = new Map(pb.definitions.additional_properties.map((x) => [x.name, x.value]));
  assert.deepEqual(d.get('Kind')!.properties, {});
  assert.equal(d.get('Free')!.additional_properties?.boolean, true);
  const multi = d.get('Multi')!;
  assert.deepEqual(multi.type?.value, ['string', 'null']);
  // Strings a YAML 1.1 reader would take for bools or numbers stay strings.
  assert.deepEqual(multi.enum?.map((e) => parseYaml(e.yaml, { version: '1.1' }) as unknown), ['yes', 'on', '1']);
  assert.equal(parseYaml(multi.default!.yaml, { version: '1.1' }), 'yes');
  assert.deepEqual(d.get('Tuple')!.items?.schema.map((s) => s.type?.value), [['string'], ['integer']]);
  const item = pb.paths.path[0]!.value;
  assert.equal(item.parameters?.[0]?.json_reference?._ref, '#/parameters/p');
  assert.deepEqual(item.get!.responses.response_code.map((r) => [r.name, r.value.json_reference?._ref]), [['default', '#/responses/r']]);
});
