// kube's admission.NewForbidden and the listers' NotFound, shaped for our
// attributes: the refusal names the resource the request addressed and the
// object's name as kube finds it (the request's name, else the new object's
// name, else its generateName, else "Unknown"), because kubectl prints that
// line verbatim.

import { StatusError, forbidden, notFound } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import { stringAt } from './json-access.ts';

function nameFor(attrs: AdmissionAttributes): string {
  if (attrs.name !== '') return attrs.name;
  // kube has no object on DELETE; ours carries the deleted one, which kube would not consult.
  if (attrs.operation === 'DELETE') return 'Unknown';
  const name = stringAt(attrs.object, 'metadata', 'name');
  if (name !== undefined && name !== '') return name;
  const generateName = stringAt(attrs.object, 'metadata', 'generateName');
  if (generateName !== undefined && generateName !== '') return generateName;
  return 'Unknown';
}

/** 403 Forbidden for the request in `attrs`; an error already Forbidden passes through unwrapped, as in kube. */
export function admissionForbidden(attrs: AdmissionAttributes, reason: string | Error): StatusError {
  if (reason instanceof StatusError && reason.reason === 'Forbidden') return reason;
  return forbidden({ group: attrs.group, resource: attrs.resource }, nameFor(attrs), reason);
}

/**
 * The 404 kube's informer listers return: they name the resource in the
 * singular ("pod", "node"), and admission passes that error through as is.
 */
export function listerNotFound(singular: string, name: string): StatusError {
  return notFound({ group: '', resource: singular }, name);
}

/** Turns a reader failure into kube's answer for a failed lister call; aborts propagate untouched. */
export function readerFailure(attrs: AdmissionAttributes, err: unknown, signal: AbortSignal | undefined): Error {
  if (signal?.aborted === true) return err instanceof Error ? err : new Error(String(err));
  if (err instanceof StatusError) return err.reason === 'Forbidden' ? err : admissionForbidden(attrs, err.message);
  return admissionForbidden(attrs, err instanceof Error ? err.message : String(err));
}
