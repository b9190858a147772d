// The 403 kube-apiserver answers when the authorizer chain does not allow a
// request. kubectl prints the message verbatim, so every form is kube's:
// namespaced, cluster-scoped and non-resource, with the reason appended.

import { forbidden, type StatusError } from '@logbook/apimachinery';
import { goQuote } from './go-format.ts';
import type { Attributes } from './types.ts';

// kube escapes these so an error page can never be read as HTML; quotes stay.
function sanitize(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"`, plus `: <reason>` when there is one. */
export function forbiddenReason(attrs: Attributes, reason: string): string {
  const msg = sanitize(describeDenied(attrs));
  return reason.length === 0 ? msg : `${msg}: ${reason}`;
}

function describeDenied(attrs: Attributes): string {
  const user = goQuote(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${goQuote(attrs.path)}`;
  const resource = attrs.subresource.length > 0 ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const head = `User ${user} cannot ${attrs.verb} resource ${goQuote(resource)} in API group ${goQuote(attrs.apiGroup)}`;
  return attrs.namespace.length > 0 ? `${head} in the namespace ${goQuote(attrs.namespace)}` : `${head} at the cluster scope`;
}

/** The 403 Status error, group/kind/name in details as kube sets them (the resource, not the subresource). */
export function forbiddenError(attrs: Attributes, reason: string): StatusError {
  return forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, forbiddenReason(attrs, reason));
}

/** The complete Status message: `pods "x" is forbidden: User "u" cannot ...`. */
export function forbiddenMessage(attrs: Attributes, reason: string): string {
  return forbiddenError(attrs, reason).status.message;
}
