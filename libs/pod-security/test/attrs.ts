// Test helpers: admission attributes that record warnings and audit
// annotations, and pods built from a restricted-compliant base.

import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionOperation } from '@logbook/registry';

export interface RecordingAttributes extends AdmissionAttributes {
  readonly warnings: string[];
  readonly annotations: Map<string, string>;
}

export interface AttrsInput {
  readonly operation?: AdmissionOperation;
  readonly group?: string;
  readonly kind?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly user?: string;
  readonly object: Record<string, unknown>;
  readonly oldObject?: Record<string, unknown>;
  readonly dryRun?: boolean;
}

export function attrs(i: AttrsInput): RecordingAttributes {
  const warnings: string[] = [];
  const annotations = new Map<string, string>();
  const object = { metadata: {}, ...i.object } as Record<string, unknown> & { metadata: Record<string, unknown> };
  return {
    operation: i.operation ?? 'CREATE',
    group: i.group ?? '',
    version: 'v1',
    kind: i.kind ?? 'Pod',
    resource: i.resource ?? 'pods',
    subresource: i.subresource ?? '',
    namespace: i.namespace ?? 'ns',
    name: i.name ?? 'p',
    dryRun: i.dryRun ?? false,
    ctx: { user: i.user ?? 'alice', verb: 'create', resource: i.resource ?? 'pods', auditId: 'a1' },
    object,
    oldObject: i.oldObject === undefined ? undefined : { metadata: {}, ...i.oldObject },
    addWarning: (m) => void warnings.push(m),
    addAuditAnnotation: (k, v) => void annotations.set(k, v),
    addCompanionWrite: () => { throw new Error('PodSecurity makes no companion writes'); },
    warnings,
    annotations,
  };
}

/** A container that passes restricted:latest. */
export function goodContainer(name = 'c', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    image: 'img',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    ...extra,
  };
}

/** A pod spec that passes restricted:latest, with overrides merged at the top level. */
export function goodSpec(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [goodContainer()],
    ...extra,
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
