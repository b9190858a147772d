// The configured webhooks of one kind for this request, with a broken
// configuration turned into the 500 it deserves (see configuration.ts).

import { internalError } from '@logbook/apimachinery';
import { webhooksOf, type WebhookType } from './configuration.ts';
import type { WebhookAdmissionOptions } from './options.ts';
import type { WebhookSpec } from './types.ts';

export function currentHooks(type: WebhookType, opts: WebhookAdmissionOptions): WebhookSpec[] {
  const c = opts.configs();
  try {
    return webhooksOf(type, type === 'mutating' ? c.mutating : c.validating);
  } catch (err) {
    throw internalError(err);
  }
}
