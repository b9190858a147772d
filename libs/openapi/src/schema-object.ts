// Definitions and fields as OpenAPI schema objects, the way kube-openapi
// writes them: a field that refers to a named type wraps the $ref in allOf so
// it can carry its own description; the list/map and strategic-merge
// metadata travel as x-kubernetes-* extensions.

import type { Definition, FieldSchema, PatchMeta, SchemaSet } from '@logbook/schemas';

export type JsonSchema = Record<string, unknown>;

/** The v3 and v2 documents differ only in where named schemas live. */
export type RefStyle = 'v3' | 'v2';

const refPath = (style: RefStyle, name: string): string => (style === 'v3' ? `#/components/schemas/${name}` : `#/definitions/${name}`);

/** The apimachinery types that are not structs in JSON; kube publishes each as a named schema. */
export const SPECIAL_DEFINITIONS: Readonly<Record<string, JsonSchema>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': {
    description: 'A timestamp in RFC 3339 form, to the second (UTC).',
    type: 'string',
    format: 'date-time',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': {
    description: 'A timestamp in RFC 3339 form with microseconds (UTC).',
    type: 'string',
    format: 'date-time',
  },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'Either a 32-bit integer or a string; JSON carries whichever was set (a port number or a port name, a count or a percentage).',
    type: 'string',
    format: 'int-or-string',
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    description: 'A fixed-point number written as a string with an optional SI or binary suffix or exponent: `500m`, `1.5`, `128Mi`, `2G`, `1e3`.',
    type: 'string',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': {
    description: 'The body of a PATCH request; its media type says which kind of patch it is.',
    type: 'object',
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    description: 'An embedded object of any kind, carried as JSON.',
    type: 'object',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': {
    description: 'The fields a manager owns, as a trie in JSON: `f:<field>` for a struct field or map key, `k:<json keys>` for a keyed list element, `v:<json value>` for a set element, `i:<index>` for a list position, and `.` for the node itself (structured-merge-diff\'s FieldsV1 format).',
    type: 'object',
  },
};

const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const FIELDS_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1';

function extensions(pm: PatchMeta): JsonSchema {
  const out: JsonSchema = {};
  if (pm.listType !== undefined) out['x-kubernetes-list-type'] = pm.listType;
  if (pm.listMapKeys !== undefined) out['x-kubernetes-list-map-keys'] = [...pm.listMapKeys];
  if (pm.mapType !== undefined) out['x-kubernetes-map-type'] = pm.mapType;
  if (pm.patchMergeKey !== undefined) out['x-kubernetes-patch-merge-key'] = pm.patchMergeKey;
  if (pm.patchStrategy !== undefined) out['x-kubernetes-patch-strategy'] = pm.patchStrategy;
  return out;
}

/** The named schema a special field stands for (undefined for plain ones). */
function specialRef(f: FieldSchema, owner: string, fieldName: string): string | undefined {
  if (f.type === 'int-or-string') return INT_OR_STRING;
  if (f.type === 'quantity') return QUANTITY;
  if (f.type === 'string' && f.format === 'date-time') return TIME;
  if (f.type === 'string' && f.format === 'date-time-micro') return MICRO_TIME;
  if (f.type === 'any') return owner.endsWith('.ManagedFieldsEntry') && fieldName === 'fieldsV1' ? FIELDS_V1 : RAW_EXTENSION;
  return undefined;
}

/** Every named schema `f` mentions (definitions and special types), for the closure of a document. */
export function fieldRefs(f: FieldSchema, owner: string, fieldName: string): string[] {
  if (f.type === 'ref') return [f.ref];
  if (f.type === 'array') return fieldRefs(f.items, owner, fieldName);
  if (f.type === 'map') return fieldRefs(f.values, owner, fieldName);
  const special = specialRef(f, owner, fieldName);
  return special === undefined ? [] : [special];
}

function valueSchema(f: FieldSchema, style: RefStyle, owner: string, fieldName: string, wrap: boolean): JsonSchema {
  const ref = f.type === 'ref' ? f.ref : specialRef(f, owner, fieldName);
  if (ref !== undefined) {
    // v2 has no allOf-with-siblings habit in kube's output: the ref stands alone.
    if (style === 'v2' || !wrap) return { $ref: refPath(style, ref) };
    return { allOf: [{ $ref: refPath(style, ref) }] };
  }
  if (f.type === 'array') return { type: 'array', items: { ...valueSchema(f.items, style, owner, fieldName, true), ...(f.items.type === 'ref' && style === 'v3' ? { default: {} } : {}) } };
  if (f.type === 'map') return { type: 'object', additionalProperties: valueSchema(f.values, style, owner, fieldName, true) };
  if (f.type === 'object') return { type: 'object' };
  const out: JsonSchema = { type: f.type };
  if ('format' in f && f.format !== undefined) out.format = f.format;
  // kube-openapi publishes the values of `+enum` types in v3 and v2 alike (sorted, as the schema holds them).
  if (f.type === 'string' && f.enum !== undefined) out.enum = [...f.enum];
  return out;
}

export function fieldSchema(f: FieldSchema, style: RefStyle, owner: string, fieldName: string): JsonSchema {
  const body = valueSchema(f, style, owner, fieldName, true);
  const out: JsonSchema = { ...body, ...extensions(f) };
  if (f.description !== undefined) out.description = f.description;
  if (style === 'v2' && '$ref' in body && f.description !== undefined) {
    // Swagger 2 ignores siblings of $ref; kube's v2 spec keeps the description beside it all the same.
    out.description = f.description;
  }
  return out;
}

export function definitionSchema(d: Definition, style: RefStyle): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, f] of Object.entries(d.properties)) {
    properties[name] = fieldSchema(f, style, d.name, name);
  }
  const out: JsonSchema = { description: d.description, type: 'object', properties };
  if (d.required.length > 0) out.required = [...d.required];
  if (d.gvk !== undefined) out['x-kubernetes-group-version-kind'] = d.gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
  if (d.mapType !== undefined) out['x-kubernetes-map-type'] = d.mapType;
  return out;
}

/** The named schemas reachable from `roots`, definitions and special types alike, sorted. */
export function closure(roots: Iterable<string>, schemas: SchemaSet): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const d = schemas.definition(name);
    if (d === undefined) continue;
    for (const [fieldName, f] of Object.entries(d.properties)) stack.push(...fieldRefs(f, d.name, fieldName));
  }
  return [...seen].sort();
}

/** components.schemas (v3) or definitions (v2) for the given names. */
export function namedSchemas(names: readonly string[], style: RefStyle, schemas: SchemaSet): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const name of names) {
    const d = schemas.definition(name);
    if (d !== undefined) out[name] = definitionSchema(d, style);
    else if (SPECIAL_DEFINITIONS[name] !== undefined) out[name] = SPECIAL_DEFINITIONS[name];
  }
  return out;
}
