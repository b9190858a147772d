// A binding's params (kube's CollectParams): the objects of the policy's
// paramKind that the binding's paramRef names or selects. Each param is one
// evaluation of the policy; no paramKind means one evaluation with params null.

import { fromLabelSelector, type LabelSelectorSpec } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { ObjectReader } from '@logbook/admission';

export interface ParamKind {
  readonly apiVersion?: string;
  readonly kind?: string;
}

export interface ParamRef {
  readonly name?: string;
  readonly namespace?: string;
  readonly selector?: LabelSelectorSpec;
  readonly parameterNotFoundAction?: string;
}

/** Where objects of a kind live; undefined when the server does not serve the kind. */
export interface ParamKindResource {
  readonly group: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

export type ParamKindResolver = (apiVersion: string, kind: string) => ParamKindResource | undefined;

const BUILTIN: Readonly<Record<string, ParamKindResource>> = {
  'v1/ConfigMap': { group: '', resource: 'configmaps', namespaced: true },
  'v1/Secret': { group: '', resource: 'secrets', namespaced: true },
  'v1/Namespace': { group: '', resource: 'namespaces', namespaced: false },
};

/**
 * The default resolver: the core kinds above, else the kind's lowercase
 * plural in its group, namespaced. The lead should inject the server's
 * discovery-backed resolver instead.
 */
export const defaultParamKindResolver: ParamKindResolver = (apiVersion, kind) => {
  const known = BUILTIN[`${apiVersion}/${kind}`];
  if (known !== undefined) return known;
  if (kind === '') return undefined;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const lower = kind.toLowerCase();
  const plural = lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : lower.endsWith('s') ? `${lower}es` : `${lower}s`;
  return { group, resource: plural, namespaced: true };
};

export const PARAMS_NOT_FOUND = 'no params found for policy binding with `Deny` parameterNotFoundAction';

/** The params to evaluate with; throws Error (a configuration error of the binding) as kube does. */
export async function collectParams(
  paramKind: ParamKind | undefined,
  paramRef: ParamRef | undefined,
  requestNamespace: string,
  reader: ObjectReader,
  resolve: ParamKindResolver,
  signal?: AbortSignal,
): Promise<(KubeObject | null)[]> {
  if (paramKind === undefined) return [null];
  const apiVersion = paramKind.apiVersion ?? '';
  const kind = paramKind.kind ?? '';
  if (paramRef === undefined) throw new Error(`paramKind kind \`${kind}\` is defined, but no paramRef is specified`);
  const gr = resolve(apiVersion, kind);
  if (gr === undefined) throw new Error(`failed to find resource referenced by paramKind: '${apiVersion}, Kind=${kind}'`);
  let namespace = '';
  if (gr.namespaced) {
    namespace = paramRef.namespace ?? '';
    if (namespace === '') namespace = requestNamespace;
    if (namespace === '') throw new Error('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  }
  let params: KubeObject[];
  if (paramRef.name !== undefined && paramRef.name !== '') {
    const obj = await reader.get({ group: gr.group, resource: gr.resource }, namespace, paramRef.name, signal);
    params = obj === undefined ? [] : [obj];
  } else if (paramRef.selector !== undefined) {
    const selector = fromLabelSelector(paramRef.selector);
    const all = await reader.list({ group: gr.group, resource: gr.resource }, namespace, signal);
    params = all.filter((o) => selector.matches(o.metadata.labels ?? {}));
  } else {
    throw new Error('one of name or selector must be provided');
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') throw new Error(PARAMS_NOT_FOUND);
  return params;
}
