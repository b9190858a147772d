// kube-apiserver 1.33's audit flags: their names, defaults and validation
// messages, and the function that turns their values into an Auditor.
// Auditing is on only with --audit-policy-file and at least one backend
// (--audit-log-path or --audit-webhook-config-file), as in kube.

import { parseGoDurationMs } from '@logbook/cli-kit';
import { createAuditor, DISABLED_AUDITOR } from './auditor.ts';
import type { Auditor } from './auditor.ts';
import { BACKEND_MODES } from './buffered.ts';
import type { BackendMode, BatchConfig } from './buffered.ts';
import { systemClock } from './clock.ts';
import type { AuditClock } from './clock.ts';
import { AuditFlagsError } from './errors.ts';
import { LOG_FORMATS } from './event-format.ts';
import type { LogFormat } from './event-format.ts';
import { newLogBackend } from './log-backend.ts';
import type { LineOutput } from './log-backend.ts';
import { parseAuditPolicy } from './policy.ts';
import { newTruncatingBackend } from './truncate.ts';
import { newWebhookBackend } from './webhook-backend.ts';
import type { AuditBackend, AuditEventList, AuditLogger } from './types.ts';

export type AuditFlagKind = 'bool' | 'int' | 'float' | 'duration' | 'string';

export interface AuditFlagSpec {
  readonly name: string;
  readonly kind: AuditFlagKind;
  readonly default: string;
  readonly help: string;
}

function f(name: string, kind: AuditFlagKind, def: string, help: string): AuditFlagSpec {
  return { name, kind, default: def, help };
}

function batchFlags(plugin: 'log' | 'webhook', maxSize: string, maxWait: string, throttle: boolean, qps: string, burst: string): AuditFlagSpec[] {
  return [
    f(`audit-${plugin}-batch-buffer-size`, 'int', '10000', 'events buffered before batching; beyond it events are dropped (batch mode)'),
    f(`audit-${plugin}-batch-max-size`, 'int', maxSize, 'most events in one batch (batch mode)'),
    f(`audit-${plugin}-batch-max-wait`, 'duration', maxWait, 'longest an event waits before a partial batch is sent (batch mode)'),
    f(`audit-${plugin}-batch-throttle-enable`, 'bool', String(throttle), 'throttle batch sends (batch mode)'),
    f(`audit-${plugin}-batch-throttle-qps`, 'float', qps, 'batches per second when throttled (batch mode)'),
    f(`audit-${plugin}-batch-throttle-burst`, 'int', burst, 'batches sent at once when throttling was idle (batch mode)'),
    f(`audit-${plugin}-truncate-enabled`, 'bool', 'false', 'truncate events and split batches that are too large'),
    f(`audit-${plugin}-truncate-max-batch-size`, 'int', '10485760', 'largest batch in bytes sent on (truncate)'),
    f(`audit-${plugin}-truncate-max-event-size`, 'int', '102400', 'largest event in bytes; larger ones lose their objects, then are dropped (truncate)'),
    f(`audit-${plugin}-version`, 'string', 'audit.k8s.io/v1', 'API group and version of the events written'),
  ];
}

/** Every audit flag this package implements, with kube-apiserver's defaults. */
export const AUDIT_FLAGS: readonly AuditFlagSpec[] = [
  f('audit-policy-file', 'string', '', 'audit policy (audit.k8s.io/v1 Policy, YAML or JSON); without it nothing is audited'),
  f('audit-log-path', 'string', '', 'file audit events are appended to; "-" is standard output; unset: no log backend'),
  f('audit-log-format', 'string', 'json', 'format of the audit log: json or legacy'),
  f('audit-log-maxage', 'int', '0', 'days to keep rotated audit logs (0: no limit)'),
  f('audit-log-maxbackup', 'int', '0', 'rotated audit logs to keep (0: no limit)'),
  f('audit-log-maxsize', 'int', '0', 'megabytes an audit log reaches before it is rotated (0: 100)'),
  f('audit-log-compress', 'bool', 'false', 'gzip rotated audit logs'),
  f('audit-log-mode', 'string', 'blocking', 'batch, blocking or blocking-strict'),
  ...batchFlags('log', '1', '0s', false, '0', '0'),
  f('audit-webhook-config-file', 'string', '', 'kubeconfig of the audit webhook; unset: no webhook backend'),
  f('audit-webhook-initial-backoff', 'duration', '10s', 'wait before retrying a failed webhook request'),
  f('audit-webhook-mode', 'string', 'batch', 'batch, blocking or blocking-strict'),
  ...batchFlags('webhook', '400', '30s', true, '10', '15'),
];

export interface AuditDeps {
  /** Reads --audit-policy-file. */
  readonly readFile: (path: string) => string;
  /** Posts an EventList to the webhook configured by --audit-webhook-config-file. */
  readonly webhookSend?: (configFile: string) => (eventList: AuditEventList) => Promise<void>;
  readonly logger: AuditLogger;
  readonly clock?: AuditClock;
  readonly random?: () => number;
  /** Where --audit-log-path=- writes. */
  readonly stdout?: LineOutput;
}

type Values = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly problems: string[] = [];
  readonly #values: Values;
  readonly #defaults = new Map(AUDIT_FLAGS.map((s) => [s.name, s.default] as const));

  constructor(values: Values) {
    this.#values = values;
  }

  str(name: string): string {
    return this.#values[name] ?? this.#defaults.get(name) ?? '';
  }

  int(name: string): number {
    const s = this.str(name);
    if (!/^[+-]?\d+$/.test(s)) {
      this.problems.push(`--${name}: invalid integer ${JSON.stringify(s)}`);
      return 0;
    }
    return Number(s);
  }

  float(name: string): number {
    const n = Number(this.str(name));
    if (this.str(name).trim() === '' || !Number.isFinite(n)) this.problems.push(`--${name}: invalid number ${JSON.stringify(this.str(name))}`);
    return Number.isFinite(n) ? n : 0;
  }

  bool(name: string): boolean {
    const s = this.str(name).toLowerCase();
    if (['true', '1', 't'].includes(s)) return true;
    if (['false', '0', 'f'].includes(s)) return false;
    this.problems.push(`--${name}: invalid boolean ${JSON.stringify(this.str(name))}`);
    return false;
  }

  durationMs(name: string): number {
    const ms = parseGoDurationMs(this.str(name));
    if (ms === undefined) this.problems.push(`--${name}: invalid duration ${JSON.stringify(this.str(name))}`);
    return ms ?? 0;
  }
}

function batchConfig(r: Reader, plugin: 'log' | 'webhook'): { mode: BackendMode; batch: BatchConfig } {
  const modeRaw = r.str(`audit-${plugin}-mode`);
  let mode: BackendMode = 'batch';
  if ((BACKEND_MODES as readonly string[]).includes(modeRaw)) mode = modeRaw as BackendMode;
  else r.problems.push(`invalid audit ${plugin} mode ${modeRaw}, allowed modes are ${JSON.stringify(BACKEND_MODES.join(','))}`);
  const p = `audit-${plugin}-batch`;
  const bufferSize = r.int(`${p}-buffer-size`);
  const maxBatchSize = r.int(`${p}-max-size`);
  const maxBatchWaitMs = r.durationMs(`${p}-max-wait`);
  const throttleEnable = r.bool(`${p}-throttle-enable`);
  const qps = r.float(`${p}-throttle-qps`);
  const burst = r.int(`${p}-throttle-burst`);
  // kube validates batch settings only in batch mode; the blocking modes ignore them.
  if (mode === 'batch') {
    if (bufferSize <= 0) r.problems.push(`invalid audit batch ${plugin} buffer size ${bufferSize}, must be a positive number`);
    if (maxBatchSize <= 0) r.problems.push(`invalid audit batch ${plugin} max batch size ${maxBatchSize}, must be a positive number`);
    if (maxBatchWaitMs < 0) r.problems.push(`invalid audit batch ${plugin} max batch wait ${r.str(`${p}-max-wait`)}, must be a non-negative duration`);
    if (throttleEnable && qps <= 0) r.problems.push(`invalid audit batch ${plugin} throttle QPS ${qps}, must be a positive number`);
    if (throttleEnable && burst <= 0) r.problems.push(`invalid audit batch ${plugin} throttle burst ${burst}, must be a positive number`);
  }
  return {
    mode,
    batch: {
      // Blocking modes use the buffer size as their bound on outstanding writes.
      bufferSize: Math.max(bufferSize, 1),
      maxBatchSize: Math.max(maxBatchSize, 1),
      maxBatchWaitMs: Math.max(maxBatchWaitMs, 0),
      ...(throttleEnable && qps > 0 && burst > 0 ? { throttle: { qps, burst } } : {}),
      asyncDelegate: plugin === 'webhook',
    },
  };
}

function withTruncate(r: Reader, plugin: 'log' | 'webhook', backend: () => AuditBackend, logger: AuditLogger): () => AuditBackend {
  const p = `audit-${plugin}-truncate`;
  const enabled = r.bool(`${p}-enabled`);
  const maxBatchSizeBytes = r.int(`${p}-max-batch-size`);
  const maxEventSizeBytes = r.int(`${p}-max-event-size`);
  if (!enabled) return backend;
  if (maxEventSizeBytes <= 0) r.problems.push(`invalid audit truncate ${plugin} max event size ${maxEventSizeBytes}, must be a positive number`);
  if (maxBatchSizeBytes < maxEventSizeBytes) {
    r.problems.push(`invalid audit truncate ${plugin} max batch size ${maxBatchSizeBytes}, must be greater than or equal to ${maxEventSizeBytes} (max event size)`);
  }
  return () => newTruncatingBackend(backend(), { maxEventSizeBytes, maxBatchSizeBytes }, logger);
}

function checkVersion(r: Reader, plugin: 'log' | 'webhook'): void {
  const v = r.str(`audit-${plugin}-version`);
  if (v !== 'audit.k8s.io/v1') r.problems.push(`invalid audit ${plugin} version ${v}, only audit.k8s.io/v1 is supported`);
}

/**
 * Builds the auditor from flag values (flag name without dashes → raw
 * string; absent flags take kube's defaults). Throws AuditFlagsError listing
 * every bad value, or AuditPolicyError for a bad policy file.
 */
export function auditorFromFlags(values: Values, deps: AuditDeps): Auditor {
  const r = new Reader(values);
  const clock = deps.clock ?? systemClock;
  const makers: (() => AuditBackend)[] = [];

  const logPath = r.str('audit-log-path');
  if (logPath !== '') {
    const format = r.str('audit-log-format');
    if (!(LOG_FORMATS as readonly string[]).includes(format)) r.problems.push(`invalid audit log format ${format}, allowed formats are ${JSON.stringify(LOG_FORMATS.join(','))}`);
    for (const name of ['maxage', 'maxbackup', 'maxsize'] as const) {
      const n = r.int(`audit-log-${name}`);
      if (n < 0) r.problems.push(`--audit-log-${name} ${n} can't be a negative number`);
    }
    checkVersion(r, 'log');
    const { mode, batch } = batchConfig(r, 'log');
    const compress = r.bool('audit-log-compress');
    const log = () => newLogBackend({
      path: logPath, format: format as LogFormat, maxAgeDays: r.int('audit-log-maxage'), maxBackups: r.int('audit-log-maxbackup'),
      maxSizeBytes: r.int('audit-log-maxsize') * 1024 * 1024, compress, mode, batch, clock, logger: deps.logger,
      ...(deps.stdout === undefined ? {} : { stdout: deps.stdout }),
    });
    makers.push(withTruncate(r, 'log', log, deps.logger));
  }

  const webhookConfig = r.str('audit-webhook-config-file');
  if (webhookConfig !== '') {
    const initialBackoffMs = r.durationMs('audit-webhook-initial-backoff');
    if (initialBackoffMs < 0) r.problems.push('--audit-webhook-initial-backoff must be a non-negative duration');
    checkVersion(r, 'webhook');
    const { mode, batch } = batchConfig(r, 'webhook');
    const makeSend = deps.webhookSend;
    if (makeSend === undefined) r.problems.push('--audit-webhook-config-file: no webhook transport was provided');
    const webhook = () => newWebhookBackend({
      send: (makeSend ?? (() => () => Promise.reject(new Error('no webhook transport'))))(webhookConfig),
      initialBackoffMs, mode, batch, clock, logger: deps.logger, random: deps.random ?? Math.random,
    });
    makers.push(withTruncate(r, 'webhook', webhook, deps.logger));
  }

  if (r.problems.length > 0) throw new AuditFlagsError(r.problems);
  const policyFile = r.str('audit-policy-file');
  if (policyFile === '' || makers.length === 0) return DISABLED_AUDITOR;
  const policy = parseAuditPolicy(deps.readFile(policyFile));
  const backends = makers.map((m) => m());
  return createAuditor({ policy, backend: unionBackend(backends), clock });
}

/** Fans events out to every backend; false when any strict backend failed. */
export function unionBackend(backends: readonly AuditBackend[]): AuditBackend {
  if (backends.length === 1 && backends[0] !== undefined) return backends[0];
  return {
    async processEvents(events) {
      const results = await Promise.all(backends.map((b) => b.processEvents(events)));
      return results.every(Boolean);
    },
    async shutdown() {
      await Promise.all(backends.map((b) => b.shutdown()));
    },
  };
}
