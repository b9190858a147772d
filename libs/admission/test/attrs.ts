// Builds admission attributes for driving plugins directly, recording the
// warnings and audit annotations they emit.

import { StatusError } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionOperation, AdmissionPlugin } from '@logbook/registry';
import assert from 'node:assert/strict';

export interface TestAttrs extends AdmissionAttributes {
  readonly warnings: string[];
  readonly auditAnnotations: Map<string, string>;
}

export function attrs(init: {
  operation?: AdmissionOperation;
  group?: string;
  resource?: string;
  subresource?: string;
  kind?: string;
  namespace?: string;
  object: Record<string, unknown>;
  oldObject?: KubeObject | undefined;
  dryRun?: boolean;
}): TestAttrs {
  const meta = (init.object.metadata ?? {}) as Record<string, unknown>;
  init.object.metadata = meta;
  const warnings: string[] = [];
  const auditAnnotations = new Map<string, string>();
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
    addCompanionWrite: () => {
      throw new Error('these plugins never add companion writes');
    },
    warnings,
    auditAnnotations,
  };
}

export function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec };
}

/** Runs admit then validate, as the chain does. */
export async function run(plugin: AdmissionPlugin, a: AdmissionAttributes): Promise<void> {
  if (plugin.admit !== undefined) await plugin.admit(a);
  if (plugin.validate !== undefined) await plugin.validate(a);
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
