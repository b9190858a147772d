// kube's truncating backend (--audit-*-truncate-*): an event larger than
// `maxEventSizeBytes` loses its request and response objects and gains the
// annotation audit.k8s.io/truncated=true; if it is still too large it is
// dropped and reported. Events are passed on in groups of at most
// `maxBatchSizeBytes`.

import { AuditError } from './errors.ts';
import { reportPluginError } from './plugin-error.ts';
import { levelAtLeast } from './types.ts';
import type { AuditBackend, AuditEvent, AuditLogger } from './types.ts';

export const TRUNCATED_ANNOTATION = 'audit.k8s.io/truncated';

export interface TruncateConfig {
  readonly maxEventSizeBytes: number;
  readonly maxBatchSizeBytes: number;
}

function size(ev: AuditEvent): number {
  return Buffer.byteLength(JSON.stringify(ev), 'utf8');
}

function truncated(ev: AuditEvent): AuditEvent {
  const { requestObject: _req, responseObject: _res, ...rest } = ev;
  return { ...rest, annotations: { ...ev.annotations, [TRUNCATED_ANNOTATION]: 'true' } };
}

export function newTruncatingBackend(delegate: AuditBackend, config: TruncateConfig, logger: AuditLogger): AuditBackend {
  const { maxEventSizeBytes, maxBatchSizeBytes } = config;
  if (!(maxEventSizeBytes > 0) || maxBatchSizeBytes < maxEventSizeBytes) throw new Error('assertion failed: truncate limits');
  return {
    async processEvents(events) {
      const impacted: AuditEvent[] = [];
      const pending: Promise<boolean>[] = [];
      let batch: AuditEvent[] = [];
      let batchBytes = 0;
      for (let ev of events) {
        let n = size(ev);
        // Only Request levels and above carry objects worth stripping.
        if (n > maxEventSizeBytes && levelAtLeast(ev.level, 'Request')) {
          ev = truncated(ev);
          n = size(ev);
        }
        if (n > maxEventSizeBytes) {
          impacted.push(ev);
          continue;
        }
        if (batch.length > 0 && batchBytes + n > maxBatchSizeBytes) {
          pending.push(delegate.processEvents(batch));
          batch = [];
          batchBytes = 0;
        }
        batch.push(ev);
        batchBytes += n;
      }
      if (batch.length > 0) pending.push(delegate.processEvents(batch));
      if (impacted.length > 0) reportPluginError(logger, 'truncate', new AuditError('EventTooLarge', 'event is too large even after truncating'), impacted);
      const results = await Promise.all(pending);
      return results.every(Boolean);
    },
    shutdown: () => delegate.shutdown(),
  };
}
