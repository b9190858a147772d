// The steps every webhook call shares, mutating or validating: decide
// whether the webhook applies (kube's ShouldCallHook), then call it and
// check its answer (kube's callHook up to the point where the two kinds
// differ: what is done with a patch).

import { forbidden, internalError, StatusError } from '@logbook/apimachinery';
import type { AdmissionAttributes } from '@logbook/registry';
import {
  NO_KNOWN_REVIEW_VERSION, ReviewDecodeError, ReviewInvalidError, admissionReview, buildAdmissionRequest, reviewVersionFor,
  verifyAdmissionResponse, type WebhookResponse,
} from './admission-review.ts';
import { WebhookCallError, deniedError, dryRunUnsupported } from './errors.ts';
import type { WebhookAdmissionOptions } from './options.ts';
import { anyRuleMatches } from './rules.ts';
import { namespaceSelectorMatches, objectSelectorMatches } from './selectors.ts';
import type { WebhookSpec } from './types.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, callWebhook } from './webhook-client.ts';

/**
 * Whether `hook` applies to the request. Throws a StatusError where kube
 * does: a missing namespace (404) or a broken selector (500) once a rule
 * matched, and match conditions that fail to evaluate under failurePolicy
 * Fail (403).
 */
export async function shouldCallHook(hook: WebhookSpec, attrs: AdmissionAttributes, opts: WebhookAdmissionOptions, signal?: AbortSignal): Promise<boolean> {
  // Rules first: they are cheap and need no read, and kube reports selector
  // errors only for webhooks whose rules match.
  if (!anyRuleMatches(hook, attrs)) return false;
  let nsMatch: boolean | StatusError;
  try {
    nsMatch = await namespaceSelectorMatches(hook.namespaceSelector, attrs, opts.reader, signal);
  } catch (err) {
    nsMatch = internalError(err);
  }
  if (nsMatch === false) return false;
  if (!objectSelectorMatches(hook.objectSelector, attrs.object, attrs.oldObject)) return false;
  if (nsMatch instanceof StatusError) throw nsMatch;
  if (hook.matchConditions.length === 0) return true;
  let result: boolean | Error;
  try {
    result = await opts.evaluateMatchConditions(hook.matchConditions, buildAdmissionRequest(opts.newUid(), attrs));
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  if (result instanceof Error) {
    if (hook.failurePolicy === 'Ignore') return false;
    opts.logger?.warn('failed evaluating match conditions, failing closed', { webhook: hook.name, error: result.message });
    throw forbidden({ group: attrs.group, resource: attrs.resource }, attrs.name, result);
  }
  return result;
}

/**
 * Calls `hook` and returns its verified answer, after passing its warnings
 * and audit annotations on. Throws WebhookCallError for a failed call (the
 * caller applies failurePolicy) and a StatusError for a refusal.
 */
export async function callHook(hook: WebhookSpec, attrs: AdmissionAttributes, mutating: boolean, opts: WebhookAdmissionOptions, signal?: AbortSignal): Promise<WebhookResponse> {
  if (attrs.dryRun) {
    if (hook.sideEffects === undefined) throw new WebhookCallError('config', hook.name, 'Webhook SideEffects is nil');
    if (hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') throw dryRunUnsupported(hook.name);
  }
  const version = reviewVersionFor(hook);
  if (version === undefined) throw new WebhookCallError('config', hook.name, `could not create admission objects: ${NO_KNOWN_REVIEW_VERSION}`);
  const uid = opts.newUid();
  const review = admissionReview(version, buildAdmissionRequest(uid, attrs));
  const body = await callWebhook(hook, review, {
    resolveService: opts.resolveService,
    maxResponseBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    signal,
  });
  let response: WebhookResponse;
  try {
    response = verifyAdmissionResponse(version, uid, mutating, body);
  } catch (err) {
    if (err instanceof ReviewDecodeError) throw new WebhookCallError('bad-response', hook.name, `failed to call webhook: ${err.message}`, { cause: err });
    if (err instanceof ReviewInvalidError) throw new WebhookCallError('bad-response', hook.name, `received invalid webhook response: ${err.message}`, { cause: err });
    throw err;
  }
  for (const [k, v] of Object.entries(response.auditAnnotations)) attrs.addAuditAnnotation(`${hook.name}/${k}`, v);
  for (const w of response.warnings) if (w !== '') attrs.addWarning(w);
  if (!response.allowed) throw deniedError(hook.name, response.result);
  return response;
}
