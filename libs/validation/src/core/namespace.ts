// Namespace and ServiceAccount: metadata rules plus Namespace's spec.finalizers.

import { FieldPath, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { ensureObject, isObject, obj, s, setDefault, strings } from './json.ts';
import { validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

/** The label kube stamps on every namespace so selectors can pick namespaces by name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function defaultNamespace(ns: JsonObject): void {
  const meta = obj(ns['metadata']);
  const name = s(meta?.['name']);
  // Always overwritten, not just defaulted: kube keeps the label equal to the name.
  if (meta !== undefined && name.length > 0) {
    const labels = isObject(meta['labels']) ? meta['labels'] : {};
    labels[NAMESPACE_NAME_LABEL] = name;
    meta['labels'] = labels;
  }
  setDefault(ensureObject(ns, 'status'), 'phase', 'Active');
}

export function validateNamespace(ns: JsonObject): FieldError[] {
  const errs = validateObjectMeta(ns['metadata'], { namespaced: false, nameRule: 'label' });
  // kube reports every finalizer at the list's path, without an index.
  const path = FieldPath.root('spec', 'finalizers');
  for (const f of strings(obj(ns['spec'])?.['finalizers'])) errs.push(...validateKubeFinalizerName(f, path));
  return errs;
}

export function validateNamespaceUpdate(ns: JsonObject, old: JsonObject): FieldError[] {
  return validateObjectMetaUpdate(ns['metadata'], old['metadata']);
}

export const NAMESPACE_RULES: KindRules = {
  default: defaultNamespace,
  validateCreate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  validateStatusUpdate: validateNamespaceUpdate,
};

export const SERVICE_ACCOUNT_RULES: KindRules = {
  validateCreate: (sa) => validateObjectMeta(sa['metadata'], { namespaced: true, nameRule: 'subdomain' }),
  validateUpdate: (sa, old) => [
    ...validateObjectMetaUpdate(sa['metadata'], old['metadata']),
    ...validateObjectMeta(sa['metadata'], { namespaced: true, nameRule: 'subdomain' }),
  ],
};
