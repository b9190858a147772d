// MutatingAdmissionWebhook: calls the matching mutating webhooks one at a
// time, in order (configurations by name, webhooks in configuration order),
// applying each one's JSON patch before the next is called.
//
// Reinvocation: kube reinvokes the whole admission chain once when a
// mutation happened; here the plugin does its own second round (the other
// plugins are not re-run). As in kube, a change made by any webhook marks
// every earlier-invoked webhook with reinvocationPolicy IfNeeded for a
// second call; a webhook's own change does not mark itself; the second
// round calls only marked webhooks that still match, and there is no third.

import { internalError, StatusError, statusFromUnknown, timeout, goQuote } from '@logbook/apimachinery';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { WebhookCallError } from './errors.ts';
import { currentHooks } from './hook-list.ts';
import { callHook, shouldCallHook } from './invocation.ts';
import { jsonEqual } from './json-equal.ts';
import { applyJsonPatch, decodeJsonPatch } from './json-patch.ts';
import type { WebhookAdmissionOptions } from './options.ts';
import type { WebhookSpec } from './types.ts';

export const MUTATING_PLUGIN_NAME = 'MutatingAdmissionWebhook';
export const MUTATION_ANNOTATION_PREFIX = 'mutation.webhook.admission.k8s.io/';
export const MUTATION_FAILED_OPEN_PREFIX = `failed-open.${MUTATION_ANNOTATION_PREFIX}`;

interface ReinvocationState {
  /** IfNeeded webhooks invoked since the last change. */
  previouslyInvoked: Set<string>;
  /** IfNeeded webhooks that a later change has marked for the second round. */
  readonly reinvoke: Set<string>;
}

/** Replaces the contents of the admitted object in place (the registry holds the reference). */
function replaceContents(target: Record<string, unknown>, next: Record<string, unknown>): void {
  for (const k of Object.keys(target)) if (!Object.hasOwn(next, k)) delete target[k];
  Object.assign(target, next);
}

// Returns whether the webhook's patch changed the object.
async function invoke(hook: WebhookSpec, attrs: AdmissionAttributes, opts: WebhookAdmissionOptions, signal?: AbortSignal): Promise<boolean> {
  const response = await callHook(hook, attrs, true, opts, signal);
  if (response.patch === undefined) return false;
  const ops = decodeJsonPatch(response.patch);
  if (ops.length === 0) return false;
  if (attrs.operation === 'DELETE') {
    throw internalError(new Error(`admission webhook ${goQuote(hook.name)} attempted to modify the object, which is not supported for this operation`));
  }
  if (response.patchType !== 'JSONPatch') throw new WebhookCallError('bad-response', hook.name, `unsupported patch type ${goQuote(response.patchType)}`);
  const object = attrs.object as Record<string, unknown>;
  const patched = applyJsonPatch(hook.name, object, ops);
  const changed = !jsonEqual(object, patched);
  replaceContents(object, patched);
  return changed;
}

async function runRound(
  round: 0 | 1, hooks: readonly WebhookSpec[], attrs: AdmissionAttributes, state: ReinvocationState, opts: WebhookAdmissionOptions, signal?: AbortSignal,
): Promise<void> {
  for (const [index, hook] of hooks.entries()) {
    if (!(await shouldCallHook(hook, attrs, opts, signal))) continue;
    // A webhook skipped in the first round is never called for the first time in the second.
    if (round === 1 && !state.reinvoke.has(hook.uid)) continue;
    let changed = false;
    let failure: unknown;
    try {
      changed = await invoke(hook, attrs, opts, signal);
    } catch (err) {
      failure = err;
    }
    attrs.addAuditAnnotation(`${MUTATION_ANNOTATION_PREFIX}round_${round}_index_${index}`, JSON.stringify({ configuration: hook.configurationName, webhook: hook.name, mutated: changed }));
    if (changed) {
      for (const uid of state.previouslyInvoked) state.reinvoke.add(uid);
      state.previouslyInvoked = new Set();
    }
    if (hook.reinvocationPolicy === 'IfNeeded') state.previouslyInvoked.add(hook.uid);
    if (failure === undefined) continue;
    if (failure instanceof WebhookCallError) {
      if (hook.failurePolicy === 'Ignore') {
        // The request itself ran out of time: no later webhook can be called either.
        if (signal?.aborted === true) throw timeout('request did not complete within requested timeout', 0);
        opts.logger?.warn('failed calling webhook, failing open', { webhook: hook.name, error: failure.message });
        attrs.addAuditAnnotation(`${MUTATION_FAILED_OPEN_PREFIX}round_${round}_index_${index}`, hook.name);
        continue;
      }
      throw internalError(failure);
    }
    throw failure instanceof StatusError ? failure : statusFromUnknown(failure);
  }
}

/** The MutatingAdmissionWebhook plugin (admit only). */
export function mutatingWebhookAdmission(opts: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: MUTATING_PLUGIN_NAME,
    async admit(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      const hooks = currentHooks('mutating', opts);
      if (hooks.length === 0) return;
      const state: ReinvocationState = { previouslyInvoked: new Set(), reinvoke: new Set() };
      await runRound(0, hooks, attrs, state, opts, signal);
      if (state.reinvoke.size > 0) await runRound(1, hooks, attrs, state, opts, signal);
    },
  };
}
