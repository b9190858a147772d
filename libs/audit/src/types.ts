// The audit.k8s.io/v1 vocabulary: levels, stages and the Event as it is
// written to log files and webhooks. Field order in the interfaces follows
// kube's Go structs, because JSON.stringify keeps insertion order and people
// diff Logbook's audit lines against kube-apiserver's.

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

/** Rank of a level, so `levelAtLeast(l, 'Request')` reads like kube's GreaterOrEqual. */
export function levelAtLeast(level: AuditLevel, min: AuditLevel): boolean {
  return AUDIT_LEVELS.indexOf(level) >= AUDIT_LEVELS.indexOf(min);
}

export interface AuditUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

/** The bounded part of a metav1.Status kube copies onto the event. */
export interface ResponseStatus {
  readonly metadata: Readonly<Record<string, never>>;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly details?: unknown;
  readonly code: number;
}

export interface AuditEvent {
  readonly kind: 'Event';
  readonly apiVersion: 'audit.k8s.io/v1';
  readonly level: AuditLevel;
  readonly auditID: string;
  readonly stage: AuditStage;
  readonly requestURI: string;
  readonly verb: string;
  readonly user: AuditUser;
  readonly impersonatedUser?: AuditUser;
  readonly sourceIPs?: readonly string[];
  readonly userAgent?: string;
  readonly objectRef?: Readonly<ObjectReference>;
  readonly responseStatus?: ResponseStatus;
  readonly requestObject?: unknown;
  readonly responseObject?: unknown;
  /** RFC 3339 with exactly six fractional digits (metav1.MicroTime). */
  readonly requestReceivedTimestamp: string;
  readonly stageTimestamp: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface AuditEventList {
  readonly kind: 'EventList';
  readonly apiVersion: 'audit.k8s.io/v1';
  readonly metadata: Readonly<Record<string, never>>;
  readonly items: readonly AuditEvent[];
}

/**
 * Where events go. `processEvents` never throws: a backend reports its own
 * failures (kube's HandlePluginError). It resolves false only when the
 * event could not be stored and the backend is strict about it.
 */
export interface AuditBackend {
  processEvents(events: readonly AuditEvent[]): Promise<boolean>;
  /** Stops accepting events, flushes what is buffered, and resolves when everything sent has been handled. */
  shutdown(): Promise<void>;
}

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** The logger libs take; services supply structured JSON logging. */
export interface AuditLogger {
  info(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export const discardAuditLogger: AuditLogger = { info() {}, error() {} };
