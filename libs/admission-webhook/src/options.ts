// What the two webhook plugins are built from: every dependency injected.

import type { KubeObject } from '@logbook/apistorage';
import type { ObjectReader } from '@logbook/admission';
import type { ResolveService } from './webhook-client.ts';
import type { AdmissionRequest, MatchCondition } from './types.ts';

/** The current webhook configurations (the lead feeds them from a watch cache). */
export interface WebhookConfigurations {
  readonly mutating: readonly KubeObject[];
  readonly validating: readonly KubeObject[];
}

/** Structurally the project's Logger; only warn is used (failing open is worth a line). */
export interface WebhookLogger {
  warn(msg: string, fields?: Readonly<Record<string, string | number | boolean | undefined>>): void;
}

export interface WebhookAdmissionOptions {
  readonly configs: () => WebhookConfigurations;
  /** Namespaces, for namespaceSelector. */
  readonly reader: ObjectReader;
  readonly resolveService: ResolveService;
  /**
   * The CEL engine: false when any condition is false, an Error when none
   * is false but one failed to evaluate, true otherwise (kube's matcher).
   * The webhook's failurePolicy then decides what an Error means.
   */
  readonly evaluateMatchConditions: (conditions: readonly MatchCondition[], request: AdmissionRequest) => Promise<boolean | Error>;
  /** A fresh AdmissionReview uid per call (randomness is injected; the server passes crypto.randomUUID). */
  readonly newUid: () => string;
  /** Bound on a webhook's response body; DEFAULT_MAX_RESPONSE_BYTES (3 MiB) if absent. */
  readonly maxResponseBytes?: number;
  readonly logger?: WebhookLogger;
}
