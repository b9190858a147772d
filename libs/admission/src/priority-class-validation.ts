// The `system-` name prefix and the ceiling on user priorities are part of
// PriorityClass's type validation in kube (they hold even with the Priority
// plugin off), so they are exported for the PriorityClass strategy to call
// rather than run as admission.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { SYSTEM_PRIORITY_CLASSES } from './priority.ts';

export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
/** The highest priority a class outside the system prefix may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

/** kube's reserved-name and value checks on a PriorityClass (name, value, globalDefault). */
export function validatePriorityClassReserved(pc: { readonly name: string; readonly value: number; readonly globalDefault: boolean }): FieldError[] {
  if (pc.name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const reason = systemClassMismatch(pc);
    if (reason === undefined) return [];
    return [field.forbidden(FieldPath.root('metadata', 'name'), `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${reason}`)];
  }
  if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    return [field.forbidden(FieldPath.root('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`)];
  }
  return [];
}

function systemClassMismatch(pc: { readonly name: string; readonly value: number; readonly globalDefault: boolean }): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.get(pc.name);
  if (known === undefined) return `${pc.name} is not a known system priority class`;
  if (known.value !== pc.value) return `value of ${pc.name} PriorityClass must be ${known.value}`;
  if (pc.globalDefault) return `globalDefault of ${pc.name} PriorityClass must be false`;
  return undefined;
}
