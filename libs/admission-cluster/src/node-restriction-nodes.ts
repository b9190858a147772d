// NodeRestriction's rules for Node objects and PVC status: a kubelet writes
// only its own Node, never its taints or configSource, and only labels it
// owns; and it may touch only the capacity, conditions and resize
// bookkeeping of a claim's status.

import { goQuote } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import { admissionForbidden } from './forbidden.ts';
import { isRecord, semanticEqual, stringMapAt, valueAt } from './json-access.ts';
import { forbiddenLabels, modifiedLabels } from './node-labels.ts';

export function admitNode(attrs: AdmissionAttributes, nodeName: string): void {
  const q = goQuote(nodeName);
  if (attrs.name !== nodeName) throw admissionForbidden(attrs, `node ${q} is not allowed to modify node ${goQuote(attrs.name)}`);
  if (attrs.operation === 'CREATE') {
    const configSource = valueAt(attrs.object, 'spec', 'configSource');
    // "create pods" is kube's wording for this Node check; kept so clients see the same text.
    if (configSource !== undefined && configSource !== null) throw admissionForbidden(attrs, `node ${q} is not allowed to create pods with a non-nil configSource`);
    const forbidden = forbiddenLabels(modifiedLabels(stringMapAt(attrs.object, 'metadata', 'labels'), new Map()));
    if (forbidden.length > 0) throw admissionForbidden(attrs, `node ${q} is not allowed to set the following labels: ${forbidden.join(', ')}`);
  }
  if (attrs.operation === 'UPDATE') {
    const old = attrs.oldObject;
    if (old === undefined) throw admissionForbidden(attrs, 'unexpected type <nil>');
    const configSource = valueAt(attrs.object, 'spec', 'configSource');
    // Only a non-nil new configSource counts: old kubelets drop the field on status updates.
    if (configSource !== undefined && configSource !== null && !semanticEqual(configSource, valueAt(old, 'spec', 'configSource'))) {
      throw admissionForbidden(attrs, `node ${q} is not allowed to update configSource to a new non-nil configSource`);
    }
    if (!semanticEqual(valueAt(attrs.object, 'spec', 'taints'), valueAt(old, 'spec', 'taints'))) {
      throw admissionForbidden(attrs, `node ${q} is not allowed to modify taints`);
    }
    const forbidden = forbiddenLabels(modifiedLabels(stringMapAt(attrs.object, 'metadata', 'labels'), stringMapAt(old, 'metadata', 'labels')));
    // kube's message names no node here.
    if (forbidden.length > 0) throw admissionForbidden(attrs, `is not allowed to modify labels: ${forbidden.join(', ')}`);
  }
}

// Status fields the kubelet owns during expansion (RecoverVolumeExpansionFailure is on by default in 1.33).
const KUBELET_PVC_STATUS_FIELDS = ['capacity', 'conditions', 'allocatedResourceStatuses', 'allocatedResources'] as const;

function withoutKubeletFields(pvc: unknown): Record<string, unknown> {
  const copy = isRecord(pvc) ? structuredClone(pvc) : {};
  const metadata = copy['metadata'];
  if (isRecord(metadata)) {
    delete metadata['resourceVersion'];
    delete metadata['managedFields'];
  }
  const status = copy['status'];
  if (isRecord(status)) for (const f of KUBELET_PVC_STATUS_FIELDS) delete status[f];
  return copy;
}

function differingPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (semanticEqual(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differingPaths(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  out.push(path === '' ? '<root>' : path);
}

export function admitPvcStatus(attrs: AdmissionAttributes, nodeName: string): void {
  if (attrs.operation !== 'UPDATE') throw admissionForbidden(attrs, `unexpected operation ${goQuote(attrs.operation)}`);
  if (attrs.oldObject === undefined) throw admissionForbidden(attrs, 'unexpected type <nil>');
  const oldPvc = withoutKubeletFields(attrs.oldObject);
  const newPvc = withoutKubeletFields(attrs.object);
  if (!semanticEqual(oldPvc, newPvc)) {
    const paths: string[] = [];
    differingPaths(oldPvc, newPvc, '', paths);
    // kube appends go-cmp's diff here; its format cannot be reproduced, so the differing field paths stand in.
    // "status.quantity" is kube 1.33's wording.
    throw admissionForbidden(attrs, `node ${goQuote(nodeName)} is not allowed to update fields other than status.quantity and status.conditions: ${paths.join(', ')}`);
  }
}
