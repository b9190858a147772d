// The REST paths of one group-version and their operations, laid out as
// kube-apiserver's installer publishes them: collection and object paths per
// resource (namespaced ones also across all namespaces), subresources, the
// query parameters each verb takes (kubectl looks for fieldValidation on
// PATCH to decide whether the server validates), request bodies and responses.

import type { ResourceInfo, SubresourceInfo, Verb } from '@logbook/resources';
import type { JsonSchema, RefStyle } from './schema-object.ts';

const JSON_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_TYPES = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** `rbac.authorization.k8s.io` → `RbacAuthorization`, `` → `Core` (kube's operation id words). */
export function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group.replace(/\.k8s\.io$/, '').split('.').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function qp(name: string, type: 'string' | 'boolean' | 'integer', description: string): JsonSchema {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const P = {
  pretty: qp('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: qp('dryRun', 'string', 'When present, indicates that modifications should not be persisted. The only valid value is All.'),
  fieldManager: qp('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: qp('fieldValidation', 'string', 'How the server treats unknown or duplicate fields in the body: Ignore, Warn (the default) or Strict.'),
  force: qp('force', 'boolean', 'Force is going to "force" Apply requests. It must be unset for non-apply patch requests.'),
  allowWatchBookmarks: qp('allowWatchBookmarks', 'boolean', 'Requests watch events with type "BOOKMARK".'),
  continue: qp('continue', 'string', 'The continue option from a previous page of a chunked list.'),
  fieldSelector: qp('fieldSelector', 'string', 'Restricts the returned objects by their fields.'),
  labelSelector: qp('labelSelector', 'string', 'Restricts the returned objects by their labels.'),
  limit: qp('limit', 'integer', 'The maximum number of objects in one page of a list.'),
  resourceVersion: qp('resourceVersion', 'string', 'Sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: qp('resourceVersionMatch', 'string', 'How resourceVersion applies to list calls: NotOlderThan or Exact.'),
  sendInitialEvents: qp('sendInitialEvents', 'boolean', 'With watch=true, starts the watch stream with synthetic ADDED events for the current state.'),
  timeoutSeconds: qp('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
  watch: qp('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream.'),
  gracePeriodSeconds: qp('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  orphanDependents: qp('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  propagationPolicy: qp('propagationPolicy', 'string', 'Whether and how garbage collection will be performed: Orphan, Background or Foreground.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: qp('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'Deletes an object whose stored form cannot be read (unsafe).'),
} as const;

const LIST_PARAMS = [P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch];
const WRITE_PARAMS = [P.dryRun, P.fieldManager, P.fieldValidation];

function pathParam(name: 'name' | 'namespace', description: string): JsonSchema {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

interface Ctx {
  readonly style: RefStyle;
  readonly ref: (name: string) => string;
}

function content(ctx: Ctx, types: readonly string[], schemaName: string): JsonSchema {
  const schema = { $ref: ctx.ref(schemaName) };
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function response(ctx: Ctx, description: string, schemaName: string, types = JSON_TYPES): JsonSchema {
  return { description, content: content(ctx, types, schemaName) };
}

const UNAUTHORIZED = { description: 'Unauthorized' };

interface Target {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly definition: string;
}

function op(ctx: Ctx, id: string, action: string, target: Target, extra: JsonSchema): JsonSchema {
  return {
    tags: [`${groupWord(target.group).charAt(0).toLowerCase()}${groupWord(target.group).slice(1)}_${target.version}`],
    description: extra.description,
    operationId: id,
    ...('parameters' in extra ? { parameters: extra.parameters } : {}),
    ...('requestBody' in extra ? { requestBody: extra.requestBody } : {}),
    responses: extra.responses,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: target.group, version: target.version, kind: target.kind },
  };
}

const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

export interface GroupVersionPaths {
  readonly paths: Record<string, JsonSchema>;
  /** Named schemas the operations refer to. */
  readonly refs: Set<string>;
}

/**
 * The paths of one group-version. `definitionOf` names the schema of a kind
 * (undefined when there is none: such a subresource is left out, as kube does
 * for the connect-style ones this server does not serve).
 */
export function groupVersionPaths(
  group: string,
  version: string,
  resources: readonly ResourceInfo[],
  definitionOf: (group: string, version: string, kind: string) => string | undefined,
  style: RefStyle,
): GroupVersionPaths {
  const ctx: Ctx = { style, ref: (n) => (style === 'v3' ? `#/components/schemas/${n}` : `#/definitions/${n}`) };
  const refs = new Set<string>([STATUS, PATCH]);
  const paths: Record<string, JsonSchema> = {};
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const gvWord = `${groupWord(group)}${cap(version)}`;
  for (const r of resources) {
    const def = definitionOf(r.group, r.version, r.kind);
    const listDef = definitionOf(r.group, r.version, `${r.kind}List`);
    if (def === undefined) continue;
    refs.add(def);
    if (listDef !== undefined) refs.add(listDef);
    const target: Target = { group: r.group, version: r.version, kind: r.kind, definition: def };
    const ns = r.namespaced ? 'Namespaced' : '';
    const collection = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
    const nsParam = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
    const nameParam = pathParam('name', `name of the ${r.kind}`);
    const has = (v: Verb): boolean => r.verbs.includes(v);
    // Collection
    const coll: Record<string, JsonSchema> = {};
    if (has('list') && listDef !== undefined) {
      coll.get = op(ctx, `list${gvWord}${ns}${r.kind}`, 'list', target, {
        description: `list or watch objects of kind ${r.kind}`, parameters: LIST_PARAMS,
        responses: { '200': response(ctx, 'OK', listDef, [...JSON_TYPES, ...WATCH_TYPES]), '401': UNAUTHORIZED },
      });
    }
    if (has('create')) {
      coll.post = op(ctx, `create${gvWord}${ns}${r.kind}`, 'post', target, {
        description: `create a ${r.kind}`, parameters: WRITE_PARAMS,
        requestBody: { content: content(ctx, ['*/*'], def), required: true },
        responses: { '200': response(ctx, 'OK', def), '201': response(ctx, 'Created', def), '202': response(ctx, 'Accepted', def), '401': UNAUTHORIZED },
      });
    }
    if (has('deletecollection')) {
      refs.add(DELETE_OPTIONS);
      coll.delete = op(ctx, `delete${gvWord}Collection${ns}${r.kind}`, 'deletecollection', target, {
        description: `delete collection of ${r.kind}`,
        parameters: [P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential, P.labelSelector, P.limit, P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds],
        requestBody: { content: content(ctx, ['*/*'], DELETE_OPTIONS) },
        responses: { '200': response(ctx, 'OK', STATUS), '401': UNAUTHORIZED },
      });
    }
    if (Object.keys(coll).length > 0) paths[collection] = { ...coll, parameters: [...nsParam, P.pretty] };
    if (r.namespaced && has('list') && listDef !== undefined) {
      paths[`${base}/${r.plural}`] = {
        get: op(ctx, `list${gvWord}${r.kind}ForAllNamespaces`, 'list', target, {
          description: `list or watch objects of kind ${r.kind}`,
          responses: { '200': response(ctx, 'OK', listDef, [...JSON_TYPES, ...WATCH_TYPES]), '401': UNAUTHORIZED },
        }),
        parameters: [...LIST_PARAMS, P.pretty],
      };
    }
    // Object
    const item: Record<string, JsonSchema> = {};
    addObjectOps(ctx, item, r.verbs, `${gvWord}${ns}${r.kind}`, target, r.kind, def, refs);
    if (Object.keys(item).length > 0) paths[`${collection}/{name}`] = { ...item, parameters: [nameParam, ...nsParam, P.pretty] };
    // Subresources with a body this server knows
    for (const s of r.subresources) addSubresource(ctx, paths, s, r, collection, nameParam, nsParam, gvWord, ns, definitionOf, refs);
  }
  if (resources.length > 0) {
    refs.add('io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList');
    paths[`${base}/`] = {
      get: {
        tags: [`${groupWord(group).charAt(0).toLowerCase()}${groupWord(group).slice(1)}_${version}`],
        description: 'get available resources',
        operationId: `get${gvWord}APIResources`,
        responses: { '200': response(ctx, 'OK', 'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList', ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']), '401': UNAUTHORIZED },
      },
    };
  }
  return { paths, refs };
}

function addObjectOps(ctx: Ctx, item: Record<string, JsonSchema>, verbs: readonly Verb[], word: string, target: Target, what: string, def: string, refs: Set<string>): void {
  const has = (v: Verb): boolean => verbs.includes(v);
  if (has('get')) {
    item.get = op(ctx, `read${word}`, 'get', target, { description: `read the specified ${what}`, responses: { '200': response(ctx, 'OK', def), '401': UNAUTHORIZED } });
  }
  if (has('update')) {
    item.put = op(ctx, `replace${word}`, 'put', target, {
      description: `replace the specified ${what}`, parameters: WRITE_PARAMS,
      requestBody: { content: content(ctx, ['*/*'], def), required: true },
      responses: { '200': response(ctx, 'OK', def), '201': response(ctx, 'Created', def), '401': UNAUTHORIZED },
    });
  }
  if (has('delete')) {
    refs.add(DELETE_OPTIONS);
    item.delete = op(ctx, `delete${word}`, 'delete', target, {
      description: `delete a ${what}`,
      parameters: [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential, P.orphanDependents, P.propagationPolicy],
      requestBody: { content: content(ctx, ['*/*'], DELETE_OPTIONS) },
      responses: { '200': response(ctx, 'OK', STATUS), '202': response(ctx, 'Accepted', STATUS), '401': UNAUTHORIZED },
    });
  }
  if (has('patch')) {
    item.patch = op(ctx, `patch${word}`, 'patch', target, {
      description: `partially update the specified ${what}`, parameters: [...WRITE_PARAMS, P.force],
      requestBody: { content: content(ctx, PATCH_TYPES, PATCH), required: true },
      responses: { '200': response(ctx, 'OK', def), '201': response(ctx, 'Created', def), '401': UNAUTHORIZED },
    });
  }
}

function addSubresource(
  ctx: Ctx, paths: Record<string, JsonSchema>, s: SubresourceInfo, r: ResourceInfo, collection: string, nameParam: JsonSchema,
  nsParam: readonly JsonSchema[], gvWord: string, ns: string,
  definitionOf: (group: string, version: string, kind: string) => string | undefined, refs: Set<string>,
): void {
  const def = definitionOf(s.group, s.version, s.kind);
  if (def === undefined) return;
  refs.add(def);
  const target: Target = { group: s.group, version: s.version, kind: s.kind, definition: def };
  const word = `${gvWord}${ns}${r.kind}${cap(s.name)}`;
  const item: Record<string, JsonSchema> = {};
  const what = `${s.name} of the specified ${r.kind}`;
  // Create-only subresources (binding, eviction, token) take a POST of their own kind.
  if (s.verbs.includes('create')) {
    item.post = op(ctx, `create${word}`, 'post', target, {
      description: `create ${what}`, parameters: WRITE_PARAMS,
      requestBody: { content: content(ctx, ['*/*'], def), required: true },
      responses: { '200': response(ctx, 'OK', def), '201': response(ctx, 'Created', def), '202': response(ctx, 'Accepted', def), '401': UNAUTHORIZED },
    });
  }
  addObjectOps(ctx, item, s.verbs.filter((v) => v !== 'create'), word, target, what, def, refs);
  if (Object.keys(item).length > 0) paths[`${collection}/{name}/${s.name}`] = { ...item, parameters: [nameParam, ...nsParam, P.pretty] };
}
