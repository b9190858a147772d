// The admission seam, in kube-apiserver's order: every write, after the
// server has set the metadata it owns and the strategy its defaults, goes
// through the mutating plugins (which may change the object), then the
// type's validation, then the validating plugins (which may only refuse).
// A refusal is a StatusError thrown by the plugin; nothing is stored. The
// security issue fills the chain (NamespaceLifecycle, LimitRanger,
// ServiceAccount, webhooks, ...); until then it is empty.

import type { CompanionWrite, KubeObject, RequestContext } from '@logbook/apistorage';
import type { MutableObject } from './strategy.ts';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly dryRun: boolean;
  /** Who asked (user, groups, audit id, ...); absent for the server's own writes. */
  readonly ctx: RequestContext | undefined;
  /** The object to be stored (CREATE/UPDATE; mutating plugins may change it), or the object being deleted. */
  readonly object: MutableObject | KubeObject;
  /** The stored object before an UPDATE. */
  readonly oldObject: KubeObject | undefined;
  /** Sends a warning to the client (a Warning header, kube's 299 form). */
  addWarning(message: string): void;
  /** Records an annotation on the request's audit event (key is `<plugin-domain>/<name>`). */
  addAuditAnnotation(key: string, value: string): void;
  /**
   * Validating phase only: a write committed atomically with this object's
   * (ResourceQuota usage). If the companion's key moved meanwhile, the whole
   * request's validation runs again on fresh state (a bounded number of
   * times), so the plugin must compute it from what it reads each time.
   */
  addCompanionWrite(write: CompanionWrite): void;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase: may change `attrs.object` in place; throws to refuse. */
  admit?(attrs: AdmissionAttributes, signal?: AbortSignal): void | Promise<void>;
  /** Validating phase: may only refuse (throw). */
  validate?(attrs: AdmissionAttributes, signal?: AbortSignal): void | Promise<void>;
}

/** The configured plugins, run in order: every admit, then (after type validation) every validate. */
export class AdmissionChain {
  readonly plugins: readonly AdmissionPlugin[];

  constructor(plugins: readonly AdmissionPlugin[] = []) {
    this.plugins = plugins;
  }

  async admit(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
    for (const p of this.plugins) if (p.admit !== undefined) await p.admit(attrs, signal);
  }

  async validate(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
    for (const p of this.plugins) if (p.validate !== undefined) await p.validate(attrs, signal);
  }
}
