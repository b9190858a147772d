// @logbook/admission-webhook: kube-apiserver's MutatingAdmissionWebhook and
// ValidatingAdmissionWebhook plugins — matching requests against
// admissionregistration.k8s.io/v1 webhook configurations, calling webhooks
// over HTTPS with AdmissionReview v1 (or v1beta1), applying their patches,
// warnings and audit annotations, and their failure policies.

export { mutatingWebhookAdmission, MUTATING_PLUGIN_NAME, MUTATION_ANNOTATION_PREFIX, MUTATION_FAILED_OPEN_PREFIX } from './mutating.ts';
export { validatingWebhookAdmission, VALIDATING_PLUGIN_NAME, VALIDATING_FAILED_OPEN_PREFIX } from './validating.ts';
export type { WebhookAdmissionOptions, WebhookConfigurations, WebhookLogger } from './options.ts';
export type { AdmissionRequestExtras } from './admission-review.ts';
export { buildAdmissionRequest } from './admission-review.ts';
export { DEFAULT_MAX_RESPONSE_BYTES, type ResolveService } from './webhook-client.ts';
export { WebhookCallError, WEBHOOK_CALL_ERROR_CODES, type WebhookCallErrorCode } from './errors.ts';
export { ConfigurationError, DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from './configuration.ts';
export type { AdmissionRequest, MatchCondition, UserInfo, WebhookSpec } from './types.ts';
