// @logbook/audit: kube-apiserver's audit pipeline — the audit.k8s.io/v1
// policy, the per-request event recorder, and the log and webhook backends
// with their batching, truncation and rotation, configured by kube's flags.

export { parseAuditPolicy } from './policy.ts';
export type { AuditPolicy, PolicyRule, GroupResources } from './policy.ts';
export { evaluatePolicy } from './evaluate.ts';
export type { AuditAttributes, RequestAuditConfig } from './evaluate.ts';
export { createAuditor, DISABLED_AUDITOR } from './auditor.ts';
export type { Auditor, AuditorOptions, AuditRequest } from './auditor.ts';
export { NOOP_RECORDER, DECISION_ANNOTATION, REASON_ANNOTATION } from './recorder.ts';
export type { AuditRecorder } from './recorder.ts';
export type { RequestHeaders } from './request-fields.ts';
export { AUDIT_LEVELS, AUDIT_STAGES, discardAuditLogger } from './types.ts';
export type { AuditLevel, AuditStage, AuditEvent, AuditEventList, AuditUser, ObjectReference, ResponseStatus, AuditBackend, AuditLogger } from './types.ts';
export { AuditError, AuditPolicyError, AuditFlagsError } from './errors.ts';
export type { AuditErrorCode } from './errors.ts';
export { systemClock } from './clock.ts';
export type { AuditClock } from './clock.ts';
export { formatEventLine, legacyEventString } from './event-format.ts';
export type { LogFormat } from './event-format.ts';
export { newBufferedBackend, BACKEND_MODES } from './buffered.ts';
export type { BackendMode, BatchConfig, EventSink } from './buffered.ts';
export { newLogBackend } from './log-backend.ts';
export type { LogBackendOptions, LineOutput } from './log-backend.ts';
export { RotatingFile } from './rotating-file.ts';
export { newWebhookBackend, WebhookStatusError, defaultShouldRetry, WEBHOOK_RETRY_STEPS } from './webhook-backend.ts';
export type { WebhookBackendOptions } from './webhook-backend.ts';
export { newTruncatingBackend, TRUNCATED_ANNOTATION } from './truncate.ts';
export { AUDIT_FLAGS, auditorFromFlags, unionBackend } from './audit-flags.ts';
export type { AuditFlagSpec, AuditDeps } from './audit-flags.ts';
