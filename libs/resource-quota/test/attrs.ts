// Builds admission attributes for driving the plugin directly, recording
// the companion writes, warnings and audit annotations it emits.

import { StatusError } from '@logbook/apimachinery';
import type { CompanionWrite, KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionOperation } from '@logbook/registry';
import assert from 'node:assert/strict';

export interface TestAttrs extends AdmissionAttributes {
  readonly companions: CompanionWrite[];
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
    addWarning: () => {},
    addAuditAnnotation: () => {},
    addCompanionWrite: (w) => companions.push(w),
    companions,
  };
}

export type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

export function container(name: string, resources: Resources = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: 'x', resources, ...extra };
}

export function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}, status?: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec, ...(status === undefined ? {} : { status }) };
}

/** A quota as the status computation leaves it: status.hard = spec.hard, status.used given. */
export function quota(name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'default', resourceVersion: '7' },
    spec: { hard, ...spec },
    ...(used === undefined ? {} : { status: { hard, used } }),
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
