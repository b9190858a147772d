// The server's entry point: one Auditor per process, `begin` once per
// request after authentication. The policy is evaluated here, once, with the
// authenticated user; a level-None request costs one policy walk and nothing
// more.

import { randomUUID } from 'node:crypto';
import type { RequestInfo } from '@logbook/apimachinery';
import { systemClock } from './clock.ts';
import type { AuditClock } from './clock.ts';
import { evaluatePolicy } from './evaluate.ts';
import type { AuditPolicy } from './policy.ts';
import { EventRecorder, NOOP_RECORDER, copyUser } from './recorder.ts';
import type { AuditRecorder } from './recorder.ts';
import { sourceIPs, userAgent } from './request-fields.ts';
import type { RequestHeaders } from './request-fields.ts';
import type { AuditBackend, AuditUser } from './types.ts';

export interface AuditRequest {
  /** The request's Audit-ID (the client's, if it sent one, else the server's); generated when absent. */
  readonly auditID?: string;
  /** Path and query as received, e.g. `/api/v1/namespaces/default/pods?limit=500`. */
  readonly requestURI: string;
  readonly requestInfo: RequestInfo;
  /** The authenticated user. */
  readonly user: AuditUser;
  /** Only User-Agent, X-Forwarded-For and X-Real-Ip are read. */
  readonly headers: RequestHeaders;
  /** The connection's peer address. */
  readonly remoteAddress?: string;
}

export interface Auditor {
  /** False when no policy or no backend is configured: every `begin` returns the no-op recorder. */
  readonly enabled: boolean;
  begin(req: AuditRequest): AuditRecorder;
  /** Flushes and stops every backend. */
  shutdown(): Promise<void>;
}

export interface AuditorOptions {
  readonly policy: AuditPolicy;
  readonly backend: AuditBackend;
  readonly clock?: AuditClock;
  readonly newAuditID?: () => string;
}

export const DISABLED_AUDITOR: Auditor = Object.freeze({
  enabled: false,
  begin: () => NOOP_RECORDER,
  shutdown: () => Promise.resolve(),
});

export function createAuditor(opts: AuditorOptions): Auditor {
  const clock = opts.clock ?? systemClock;
  const newAuditID = opts.newAuditID ?? randomUUID;
  const { policy, backend } = opts;
  return {
    enabled: true,
    begin(req) {
      const config = evaluatePolicy(policy, req);
      if (config.level === 'None') return NOOP_RECORDER;
      return new EventRecorder(config, {
        auditID: req.auditID ?? newAuditID(),
        requestURI: req.requestURI,
        requestInfo: req.requestInfo,
        user: copyUser(req.user),
        sourceIPs: sourceIPs(req.headers, req.remoteAddress),
        userAgent: userAgent(req.headers),
      }, backend, clock);
    },
    shutdown: () => backend.shutdown(),
  };
}
