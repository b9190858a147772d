// Builds AdmissionAttributes for driving plugins directly, recording the
// warnings and audit annotations a plugin emits.

import type { KubeObject, RequestContext } from '@logbook/apistorage';
import { StatusError } from '@logbook/apimachinery';
import type { AdmissionAttributes, AdmissionOperation, MutableObject } from '@logbook/registry';
import assert from 'node:assert/strict';

export interface AttrsInput {
  readonly operation?: AdmissionOperation;
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly dryRun?: boolean;
  readonly user?: string;
  readonly groups?: readonly string[];
  /** No user at all: the server's own write. */
  readonly internal?: boolean;
  readonly object?: Record<string, unknown>;
  readonly oldObject?: Record<string, unknown>;
}

export interface TestAttrs extends AdmissionAttributes {
  readonly object: MutableObject;
  readonly warnings: string[];
  readonly auditAnnotations: Map<string, string>;
}

export function attrs(input: AttrsInput): TestAttrs {
  const ctx: RequestContext | undefined = input.internal === true ? undefined : {
    user: input.user ?? 'alice', groups: input.groups ?? ['system:authenticated'], verb: 'create', resource: input.resource, auditId: 'audit-1',
  };
  const object = (input.object ?? { metadata: {} }) as MutableObject;
  const warnings: string[] = [];
  const auditAnnotations = new Map<string, string>();
  return {
    operation: input.operation ?? 'CREATE',
    group: input.group ?? '',
    version: input.version ?? 'v1',
    kind: input.kind ?? '',
    resource: input.resource,
    subresource: input.subresource ?? '',
    namespace: input.namespace ?? '',
    name: input.name ?? '',
    dryRun: input.dryRun ?? false,
    ctx,
    object,
    oldObject: input.oldObject as KubeObject | undefined,
    warnings,
    auditAnnotations,
    addWarning: (m) => void warnings.push(m),
    addAuditAnnotation: (k, v) => void auditAnnotations.set(k, v),
    addCompanionWrite: () => { throw new Error('these plugins make no companion writes'); },
  };
}

/** Awaits `p` and asserts it rejects with a StatusError of this code, reason and message. */
export async function rejectsWith(p: unknown, code: number, reason: string, message: string): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    assert.equal(err.status.message, message);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    return err;
  }
  assert.fail(`expected rejection: ${message}`);
}

/** Runs a plugin phase that may be sync or async, turning a sync throw into a rejection. */
export async function run(fn: (() => void | Promise<void>) | undefined): Promise<void> {
  assert.ok(fn !== undefined, 'plugin lacks this phase');
  await fn();
}
