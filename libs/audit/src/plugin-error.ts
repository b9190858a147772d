// kube's HandlePluginError: a backend that loses events says so once, naming
// every event it lost, and the request carries on.

import { legacyEventString } from './event-format.ts';
import type { AuditEvent, AuditLogger } from './types.ts';

export function reportPluginError(logger: AuditLogger, plugin: string, err: unknown, events: readonly AuditEvent[]): void {
  const msg = err instanceof Error ? err.message : String(err);
  const lines = events.map(legacyEventString).join('\n');
  logger.error(`Error in audit plugin '${plugin}' affecting ${events.length} audit events: ${msg}\nImpacted events:\n${lines}`, {
    plugin,
    events: events.length,
    error: msg,
  });
}
