// For tests of admission plugins (this package's and others'): attributes
// that record what a plugin emits — warnings, audit annotations, companion
// writes — and an assertion on the Status a refusal carries.

import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';
import type { CompanionWrite, KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionOperation } from '@logbook/registry';

export interface RecordingAttributes extends AdmissionAttributes {
  readonly warnings: string[];
  readonly auditAnnotations: Map<string, string>;
  readonly companions: CompanionWrite[];
}

export interface AttributesInit {
  readonly operation?: AdmissionOperation;
  readonly group?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly object: Record<string, unknown>;
  readonly oldObject?: KubeObject | undefined;
  readonly dryRun?: boolean;
}

/** A pod write in `default` unless told otherwise; name and namespace come from the object's metadata. */
export function recordingAttributes(init: AttributesInit): RecordingAttributes {
  const meta = (init.object.metadata ?? {}) as Record<string, unknown>;
  init.object.metadata = meta;
  const warnings: string[] = [];
  const auditAnnotations = new Map<string, string>();
  const companions: CompanionWrite[] = [];
  return {
    operation: init.operation ?? 'CREATE',
    group: init.group ?? '',
    version: 'v1',
    kind: init.kind ?? 'Pod',
    resource: init.resource ?? 'pods',
    subresource: init.subresource ?? '',
    namespace: init.namespace ?? (typeof meta.namespace === 'string' ? meta.namespace : 'default'),
    name: typeof meta.name === 'string' ? meta.name : '',
    dryRun: init.dryRun ?? false,
    ctx: undefined,
    object: init.object as AdmissionAttributes['object'],
    oldObject: init.oldObject,
    addWarning: (m) => warnings.push(m),
    addAuditAnnotation: (k, v) => auditAnnotations.set(k, v),
    addCompanionWrite: (w) => companions.push(w),
    warnings,
    auditAnnotations,
    companions,
  };
}

/** Asserts that `p` rejects with a Status of the given code, reason and message. */
export async function rejectsWith(p: Promise<unknown>, code: number, reason: string, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    assert.equal(err.status.code, code);
    assert.equal(err.status.reason, reason);
    assert.equal(err.status.message, message);
    return true;
  });
}
