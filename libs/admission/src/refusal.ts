// How a plugin refuses: kube wraps a plugin's reason in a 403 Forbidden that
// names the object. Before the server generates a name (generateName), the
// object is named by its prefix, and "Unknown" when it has neither.

import { forbidden, type StatusError } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';

export function admissionForbidden(attrs: AdmissionAttributes, reason: string): StatusError {
  return forbidden({ group: attrs.group, resource: attrs.resource }, refusalName(attrs), reason);
}

function refusalName(attrs: AdmissionAttributes): string {
  if (attrs.name !== '') return attrs.name;
  const meta = attrs.object.metadata as Record<string, unknown>;
  if (typeof meta.name === 'string' && meta.name !== '') return meta.name;
  if (typeof meta.generateName === 'string' && meta.generateName !== '') return meta.generateName;
  return 'Unknown';
}

/** The main resource (no subresource) of a core-group resource. */
export function isCoreResource(attrs: AdmissionAttributes, resource: string): boolean {
  return attrs.group === '' && attrs.resource === resource && attrs.subresource === '';
}
