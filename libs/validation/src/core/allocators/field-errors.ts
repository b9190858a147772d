// How the service registry turns allocator failures into kube's responses:
// a rejected explicit request is a 422 at the field; a full range is an
// internal error with kube's sentence.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { goSlice, invalidRendered } from '../go-render.ts';
import type { AllocationError } from './allocation-error.ts';

/** `spec.clusterIPs: Invalid value: []string{...}: failed to allocate IP <ip>: <reason>`. */
export function clusterIPAllocationFieldError(err: AllocationError, ip: string, clusterIPs: readonly string[]): FieldError {
  return invalidRendered(FieldPath.root('spec', 'clusterIPs'), goSlice(clusterIPs), `failed to allocate IP ${ip}: ${err.message}`);
}

/** `spec.ports[i].nodePort: Invalid value: <port>: <reason>`. */
export function nodePortAllocationFieldError(err: AllocationError, portIndex: number, nodePort: number): FieldError {
  return field.invalid(FieldPath.root('spec', 'ports').index(portIndex).child('nodePort'), nodePort, err.message);
}

/** The internal-error text for a failed dynamic pick: `failed to allocate a serviceIP: range is full`. */
export function dynamicAllocationMessage(what: 'serviceIP' | 'nodePort', err: AllocationError): string {
  return `failed to allocate a ${what}: ${err.message}`;
}
