// Structured logging for the member process: one JSON object per line on a
// writable stream (stderr). Field names follow the house list (nodeId, term,
// index, ...).

import type { LogFields, Logger } from '@logbook/raft';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LineSink {
  write(line: string): unknown;
}

export function jsonLogger(sink: LineSink, level: LogLevel, base: LogFields = {}, now: () => Date = () => new Date()): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(lvl) < min) return;
    sink.write(`${JSON.stringify({ ts: now().toISOString(), level: lvl, msg, ...base, ...fields })}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
