// namespaceSelector and objectSelector, as kube's predicates/namespace and
// predicates/object decide them.

import { notFound, type LabelSelector, type StatusError } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import type { ObjectReader } from '@logbook/admission';
import type { KubeObject } from '@logbook/apistorage';

const NAMESPACES = { group: '', resource: 'namespaces' } as const;

function labelsOf(obj: unknown): Record<string, string> {
  if (typeof obj !== 'object' || obj === null) return {};
  const meta = (obj as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null) return {};
  const labels = (meta as { labels?: unknown }).labels;
  return typeof labels === 'object' && labels !== null ? (labels as Record<string, string>) : {};
}

/**
 * True when the webhook's namespaceSelector selects the request. Requests
 * for cluster-scoped objects other than namespaces are never exempted. A
 * namespace's own create/update is judged by the object's labels (the cache
 * has not seen them yet); anything else by the stored namespace. A missing
 * namespace is kube's 404.
 */
export async function namespaceSelectorMatches(
  selector: LabelSelector, attrs: AdmissionAttributes, reader: ObjectReader, signal?: AbortSignal,
): Promise<boolean | StatusError> {
  const isNamespace = attrs.resource === 'namespaces' && attrs.group === '';
  if (attrs.namespace === '' && !isNamespace) return true;
  if (selector.isEmpty()) return true;
  if (isNamespace && attrs.subresource === '' && (attrs.operation === 'CREATE' || attrs.operation === 'UPDATE')) {
    return selector.matches(labelsOf(attrs.object));
  }
  const name = attrs.namespace !== '' ? attrs.namespace : attrs.name;
  const ns = await reader.get(NAMESPACES, '', name, signal);
  if (ns === undefined) return notFound(NAMESPACES, name);
  return selector.matches(labelsOf(ns));
}

/** True when the objectSelector selects the object or the old object (kube: either suffices). */
export function objectSelectorMatches(selector: LabelSelector, object: unknown, oldObject: KubeObject | undefined): boolean {
  if (selector.isEmpty()) return true;
  const test = (o: unknown): boolean => o !== undefined && o !== null && selector.matches(labelsOf(o));
  return test(object) || test(oldObject);
}
