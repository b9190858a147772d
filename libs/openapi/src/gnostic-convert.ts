// Swagger 2.0 JSON → plain objects shaped like gnostic's openapi.v2 messages,
// the way gnostic's NewDocument reads a document: `x-*` keys become
// `vendor_extension` entries holding the value as YAML text (kube-openapi
// parses that YAML to find x-kubernetes-group-version-kind, the patch strategy
// and the list type), maps become ordered (name, value) lists, `$ref` becomes
// `_ref`, and each oneof is chosen by the same rule gnostic uses (`in` for
// parameters, `$ref` for references, `type: file` for response schemas).
//
// Zero-valued scalars are left out, as Go's proto3 encoder leaves them out, so
// the bytes match what kube-apiserver would send for the same document. An
// object, even an empty one, is always kept: kube-openapi tells a kind from a
// map by whether `properties` is present at all.

import { V2ProtobufError } from './v2-protobuf-error.ts';
import { any, bool, child, int, lazy, list, message, namedAny, named, num, object, str, strs, type Conv, type Plain } from './gnostic-values.ts';

const externalDocs = message({ fields: { description: ['description', str], url: ['url', str] }, required: ['url'], extensions: true });

const xml = message({
  fields: { name: ['name', str], namespace: ['namespace', str], prefix: ['prefix', str], attribute: ['attribute', bool], wrapped: ['wrapped', bool] },
  extensions: true,
});

/** The validation keywords shared by non-body parameters, headers and primitive items. */
const PRIMITIVE_FIELDS = {
  type: ['type', str],
  format: ['format', str],
  items: ['items', lazy(() => primitivesItems)],
  collectionFormat: ['collection_format', str],
  default: ['default', any],
  maximum: ['maximum', num],
  exclusiveMaximum: ['exclusive_maximum', bool],
  minimum: ['minimum', num],
  exclusiveMinimum: ['exclusive_minimum', bool],
  maxLength: ['max_length', int],
  minLength: ['min_length', int],
  pattern: ['pattern', str],
  maxItems: ['max_items', int],
  minItems: ['min_items', int],
  uniqueItems: ['unique_items', bool],
  enum: ['enum', list(any)],
  multipleOf: ['multiple_of', num],
} as const satisfies Record<string, readonly [string, Conv]>;

const primitivesItems: Conv = message({ fields: PRIMITIVE_FIELDS, extensions: true });

const typeItem: Conv = (v, at) => ({ value: typeof v === 'string' ? [v] : strs(v, at) ?? [] });

const itemsItem: Conv = (v, at) => ({
  schema: Array.isArray(v) ? v.map((s, i) => schema(s, child(at, i))) : [schema(v, at)],
});

const additionalProperties: Conv = (v, at) => (typeof v === 'boolean' ? { boolean: v } : { schema: schema(v, at) });

const schema: Conv = message({
  fields: {
    $ref: ['_ref', str],
    format: ['format', str],
    title: ['title', str],
    description: ['description', str],
    default: ['default', any],
    multipleOf: ['multiple_of', num],
    maximum: ['maximum', num],
    exclusiveMaximum: ['exclusive_maximum', bool],
    minimum: ['minimum', num],
    exclusiveMinimum: ['exclusive_minimum', bool],
    maxLength: ['max_length', int],
    minLength: ['min_length', int],
    pattern: ['pattern', str],
    maxItems: ['max_items', int],
    minItems: ['min_items', int],
    uniqueItems: ['unique_items', bool],
    maxProperties: ['max_properties', int],
    minProperties: ['min_properties', int],
    required: ['required', strs],
    enum: ['enum', list(any)],
    additionalProperties: ['additional_properties', additionalProperties],
    type: ['type', typeItem],
    items: ['items', itemsItem],
    allOf: ['all_of', list(lazy(() => schema))],
    properties: ['properties', named(lazy(() => schema))],
    discriminator: ['discriminator', str],
    readOnly: ['read_only', bool],
    xml: ['xml', xml],
    externalDocs: ['external_docs', externalDocs],
    example: ['example', any],
  },
  extensions: true,
});

const fileSchema = message({
  fields: {
    format: ['format', str],
    title: ['title', str],
    description: ['description', str],
    default: ['default', any],
    required: ['required', strs],
    type: ['type', str],
    readOnly: ['read_only', bool],
    externalDocs: ['external_docs', externalDocs],
    example: ['example', any],
  },
  required: ['type'],
  extensions: true,
});

const jsonReference = message({ fields: { $ref: ['_ref', str], description: ['description', str] }, required: ['$ref'], extensions: false });

const NON_BODY_COMMON = { required: ['required', bool], in: ['in', str], description: ['description', str], name: ['name', str] } as const;
const EMPTY_VALUE = { allowEmptyValue: ['allow_empty_value', bool] } as const;

/** Non-body parameters: gnostic picks the sub-schema by `in`. */
const NON_BODY = {
  header: ['header_parameter_sub_schema', message({ fields: { ...NON_BODY_COMMON, ...PRIMITIVE_FIELDS }, required: ['name', 'in', 'type'], extensions: true })],
  formData: ['form_data_parameter_sub_schema', message({ fields: { ...NON_BODY_COMMON, ...EMPTY_VALUE, ...PRIMITIVE_FIELDS }, required: ['name', 'in', 'type'], extensions: true })],
  query: ['query_parameter_sub_schema', message({ fields: { ...NON_BODY_COMMON, ...EMPTY_VALUE, ...PRIMITIVE_FIELDS }, required: ['name', 'in', 'type'], extensions: true })],
  path: ['path_parameter_sub_schema', message({ fields: { ...NON_BODY_COMMON, ...PRIMITIVE_FIELDS }, required: ['name', 'in', 'type', 'required'], extensions: true })],
} as const satisfies Record<string, readonly [string, Conv]>;

const bodyParameter = message({
  fields: { description: ['description', str], name: ['name', str], in: ['in', str], required: ['required', bool], schema: ['schema', schema] },
  required: ['name', 'in', 'schema'],
  extensions: true,
});

const parameter: Conv = (v, at) => {
  const where = object(v, at).in;
  if (where === 'body') return { body_parameter: bodyParameter(v, at) };
  if (typeof where === 'string' && Object.hasOwn(NON_BODY, where)) {
    const [field, conv] = NON_BODY[where as keyof typeof NON_BODY];
    return { non_body_parameter: { [field]: conv(v, at) } };
  }
  throw new V2ProtobufError(where === undefined ? 'MissingField' : 'InvalidValue', child(at, 'in'), `must be one of body, ${Object.keys(NON_BODY).join(', ')}`);
};

const parametersItem: Conv = (v, at) => (Object.hasOwn(object(v, at), '$ref') ? { json_reference: jsonReference(v, at) } : { parameter: parameter(v, at) });

const header = message({ fields: { ...PRIMITIVE_FIELDS, description: ['description', str] }, required: ['type'], extensions: true });

const schemaItem: Conv = (v, at) => (object(v, at).type === 'file' ? { file_schema: fileSchema(v, at) } : { schema: schema(v, at) });

const response = message({
  fields: { description: ['description', str], schema: ['schema', schemaItem], headers: ['headers', named(header)], examples: ['examples', named(any)] },
  required: ['description'],
  extensions: true,
});

const responseValue: Conv = (v, at) => (Object.hasOwn(object(v, at), '$ref') ? { json_reference: jsonReference(v, at) } : { response: response(v, at) });

const RESPONSE_CODE = /^([0-9]{3}|default)$/;

const responses: Conv = (v, at) => {
  const codes: Plain[] = [];
  const ext: Plain[] = [];
  for (const [key, value] of Object.entries(object(v, at))) {
    if (RESPONSE_CODE.test(key)) codes.push({ name: key, value: responseValue(value, child(at, key)) });
    else if (key.startsWith('x-')) ext.push(namedAny(key, value));
    else throw new V2ProtobufError('UnsupportedField', child(at, key), 'is neither a response code nor an x- extension');
  }
  return { response_code: codes, vendor_extension: ext };
};

const securityRequirement: Conv = (v, at) => ({
  additional_properties: Object.entries(object(v, at)).map(([name, scopes]) => ({ name, value: { value: strs(scopes, child(at, name)) ?? [] } })),
});

const operation = message({
  fields: {
    tags: ['tags', strs],
    summary: ['summary', str],
    description: ['description', str],
    externalDocs: ['external_docs', externalDocs],
    operationId: ['operation_id', str],
    produces: ['produces', strs],
    consumes: ['consumes', strs],
    parameters: ['parameters', list(parametersItem)],
    responses: ['responses', responses],
    schemes: ['schemes', strs],
    deprecated: ['deprecated', bool],
    security: ['security', list(securityRequirement)],
  },
  required: ['responses'],
  extensions: true,
});

const pathItem = message({
  fields: {
    $ref: ['_ref', str],
    get: ['get', operation],
    put: ['put', operation],
    post: ['post', operation],
    delete: ['delete', operation],
    options: ['options', operation],
    head: ['head', operation],
    patch: ['patch', operation],
    parameters: ['parameters', list(parametersItem)],
  },
  extensions: true,
});

const paths: Conv = (v, at) => {
  const items: Plain[] = [];
  const ext: Plain[] = [];
  for (const [key, value] of Object.entries(object(v, at))) {
    if (key.startsWith('/')) items.push({ name: key, value: pathItem(value, child(at, key)) });
    else if (key.startsWith('x-')) ext.push(namedAny(key, value));
    else throw new V2ProtobufError('UnsupportedField', child(at, key), 'is neither a path (starting with /) nor an x- extension');
  }
  return { vendor_extension: ext, path: items };
};

const scopes = named(str);
const OAUTH_COMMON = { type: ['type', str], flow: ['flow', str], scopes: ['scopes', scopes], description: ['description', str] } as const;
const AUTH_URL = { authorizationUrl: ['authorization_url', str] } as const;
const TOKEN_URL = { tokenUrl: ['token_url', str] } as const;

/** oauth2 security schemes: gnostic picks the message by `flow`. */
const OAUTH_FLOWS = {
  implicit: ['oauth2_implicit_security', message({ fields: { ...OAUTH_COMMON, ...AUTH_URL }, required: ['type', 'flow', 'authorizationUrl'], extensions: true })],
  password: ['oauth2_password_security', message({ fields: { ...OAUTH_COMMON, ...TOKEN_URL }, required: ['type', 'flow', 'tokenUrl'], extensions: true })],
  application: ['oauth2_application_security', message({ fields: { ...OAUTH_COMMON, ...TOKEN_URL }, required: ['type', 'flow', 'tokenUrl'], extensions: true })],
  accessCode: ['oauth2_access_code_security', message({ fields: { ...OAUTH_COMMON, ...AUTH_URL, ...TOKEN_URL }, required: ['type', 'flow', 'authorizationUrl', 'tokenUrl'], extensions: true })],
} as const satisfies Record<string, readonly [string, Conv]>;

const basicSecurity = message({ fields: { type: ['type', str], description: ['description', str] }, required: ['type'], extensions: true });
const apiKeySecurity = message({
  fields: { type: ['type', str], name: ['name', str], in: ['in', str], description: ['description', str] },
  required: ['type', 'name', 'in'],
  extensions: true,
});

const securityDefinitionsItem: Conv = (v, at) => {
  const o = object(v, at);
  if (o.type === 'basic') return { basic_authentication_security: basicSecurity(v, at) };
  if (o.type === 'apiKey') return { api_key_security: apiKeySecurity(v, at) };
  if (o.type === 'oauth2' && typeof o.flow === 'string' && Object.hasOwn(OAUTH_FLOWS, o.flow)) {
    const [field, conv] = OAUTH_FLOWS[o.flow as keyof typeof OAUTH_FLOWS];
    return { [field]: conv(v, at) };
  }
  throw new V2ProtobufError('InvalidValue', child(at, 'type'), 'must be basic, apiKey, or oauth2 with flow implicit, password, application or accessCode');
};

const info = message({
  fields: {
    title: ['title', str],
    version: ['version', str],
    description: ['description', str],
    termsOfService: ['terms_of_service', str],
    contact: ['contact', message({ fields: { name: ['name', str], url: ['url', str], email: ['email', str] }, extensions: true })],
    license: ['license', message({ fields: { name: ['name', str], url: ['url', str] }, required: ['name'], extensions: true })],
  },
  required: ['title', 'version'],
  extensions: true,
});

const tag = message({ fields: { name: ['name', str], description: ['description', str], externalDocs: ['external_docs', externalDocs] }, required: ['name'], extensions: true });

const swaggerVersion: Conv = (v, at) => {
  if (v !== '2.0') throw new V2ProtobufError('InvalidValue', at, `must be "2.0", got ${JSON.stringify(v)}`);
  return v;
};

/** The whole Swagger 2.0 document → a plain `openapi.v2.Document`. */
export const gnosticDocument: Conv = message({
  fields: {
    swagger: ['swagger', swaggerVersion],
    info: ['info', info],
    host: ['host', str],
    basePath: ['base_path', str],
    schemes: ['schemes', strs],
    consumes: ['consumes', strs],
    produces: ['produces', strs],
    paths: ['paths', paths],
    definitions: ['definitions', named(schema)],
    parameters: ['parameters', named(parameter)],
    responses: ['responses', named(response)],
    security: ['security', list(securityRequirement)],
    securityDefinitions: ['security_definitions', named(securityDefinitionsItem)],
    tags: ['tags', list(tag)],
    externalDocs: ['external_docs', externalDocs],
  },
  required: ['swagger', 'info', 'paths'],
  extensions: true,
});
