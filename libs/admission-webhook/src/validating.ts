// ValidatingAdmissionWebhook: decides which webhooks apply (in order), then
// calls them all at once and refuses the request if any refused. kube
// returns whichever refusal arrives first; here it is the first in webhook
// order, so the same request always gets the same answer. Concurrency is
// bounded by the number of configured webhooks.

import { internalError, statusFromUnknown, timeout, type StatusError } from '@logbook/apimachinery';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { WebhookCallError } from './errors.ts';
import { currentHooks } from './hook-list.ts';
import { callHook, shouldCallHook } from './invocation.ts';
import type { WebhookAdmissionOptions } from './options.ts';
import type { WebhookSpec } from './types.ts';

export const VALIDATING_PLUGIN_NAME = 'ValidatingAdmissionWebhook';
export const VALIDATING_FAILED_OPEN_PREFIX = 'failed-open.validating.webhook.admission.k8s.io/';

/** The ValidatingAdmissionWebhook plugin (validate only). */
export function validatingWebhookAdmission(opts: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: VALIDATING_PLUGIN_NAME,
    async validate(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      const relevant: WebhookSpec[] = [];
      for (const hook of currentHooks('validating', opts)) {
        if (await shouldCallHook(hook, attrs, opts, signal)) relevant.push(hook);
      }
      if (relevant.length === 0) return;
      if (signal?.aborted === true) throw timeout('request did not complete within requested timeout', 0);
      const outcomes = await Promise.all(relevant.map(async (hook, index): Promise<StatusError | undefined> => {
        try {
          await callHook(hook, attrs, false, opts, signal);
          return undefined;
        } catch (err) {
          if (!(err instanceof WebhookCallError)) return statusFromUnknown(err);
          if (hook.failurePolicy === 'Fail') return internalError(err);
          opts.logger?.warn('failed calling webhook, failing open', { webhook: hook.name, error: err.message });
          attrs.addAuditAnnotation(`${VALIDATING_FAILED_OPEN_PREFIX}round_0_index_${index}`, hook.name);
          return undefined;
        }
      }));
      const first = outcomes.find((o) => o !== undefined);
      if (first !== undefined) throw first;
    },
  };
}
