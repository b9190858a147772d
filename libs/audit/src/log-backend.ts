// The log backend (--audit-log-*): one event per line, JSON or legacy text,
// to a rotating file or to stdout when the path is "-".

import type { AuditClock } from './clock.ts';
import { newBufferedBackend } from './buffered.ts';
import type { BackendMode, BatchConfig, EventSink } from './buffered.ts';
import { formatEventLine } from './event-format.ts';
import type { LogFormat } from './event-format.ts';
import { RotatingFile } from './rotating-file.ts';
import type { AuditBackend, AuditLogger } from './types.ts';

export interface LineOutput {
  write(data: string): unknown;
}

export interface LogBackendOptions {
  /** A file path, or "-" for `stdout`. */
  readonly path: string;
  readonly format: LogFormat;
  readonly maxAgeDays: number;
  readonly maxBackups: number;
  readonly maxSizeBytes: number;
  readonly compress: boolean;
  readonly mode: BackendMode;
  readonly batch: BatchConfig;
  readonly clock: AuditClock;
  readonly logger: AuditLogger;
  /** Where "-" writes; the service passes process.stdout. */
  readonly stdout?: LineOutput;
}

export function newLogSink(opts: LogBackendOptions): EventSink {
  if (opts.path === '-') {
    const out = opts.stdout;
    if (out === undefined) throw new Error('assertion failed: --audit-log-path=- needs a stdout');
    return {
      name: 'log',
      send(events) {
        for (const ev of events) out.write(formatEventLine(ev, opts.format));
        return Promise.resolve();
      },
    };
  }
  const file = new RotatingFile({
    path: opts.path, maxSizeBytes: opts.maxSizeBytes, maxAgeDays: opts.maxAgeDays, maxBackups: opts.maxBackups, compress: opts.compress, clock: opts.clock,
  });
  return {
    name: 'log',
    // One write per event, as kube's backend does, so rotation falls between events.
    async send(events) {
      for (const ev of events) await file.write(formatEventLine(ev, opts.format));
    },
    close: () => file.close(),
  };
}

export function newLogBackend(opts: LogBackendOptions): AuditBackend {
  return newBufferedBackend({ mode: opts.mode, batch: opts.batch, sink: newLogSink(opts), clock: opts.clock, logger: opts.logger });
}
