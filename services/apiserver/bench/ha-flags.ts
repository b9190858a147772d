// The flags of `npm run bench:ha`, parsed into a frozen options object; every
// problem is reported at once. Pure: main passes process.argv in.

import { formatFlagsHelp, intFlag, parseFlags } from '@logbook/cli-kit';
import type { FlagSpec } from '@logbook/cli-kit';

export const HA_FLAGS: readonly FlagSpec[] = [
  { name: 'runs', arg: 'N', default: '3', help: 'measured runs per workload (and kills in the failover)' },
  { name: 'seconds', arg: 'S', default: '3', help: 'length of each run (the failover: at least this long after the kill)' },
  { name: 'sessions', arg: 'N', default: '6', help: 'HTTP/2 sessions for GET, CREATE and the failover clients; a multiple of 3 spreads them evenly over 3 replicas' },
  { name: 'watchers', arg: 'N', default: '1000', help: 'watch streams in the fan-out workload' },
  { name: 'watch-sessions', arg: 'N', default: '9', help: 'sessions the watchers are dealt over' },
  { name: 'watch-rate', arg: 'N', default: '200', help: 'writes per second in the fan-out workload' },
  { name: 'value-bytes', arg: 'N', default: '256', help: "size of each ConfigMap's data value" },
  { name: 'start-timeout', arg: 'S', default: '120', help: 'seconds `logbook cluster up` may take' },
  { name: 'dir', arg: 'DIR', help: 'parent of the two cluster directories (default: a new temp directory, removed afterwards)' },
  { name: 'keep', help: 'keep the cluster directories (data, logs, configs)' },
];

export interface HaOptions {
  readonly runs: number;
  readonly seconds: number;
  readonly sessions: number;
  readonly watchers: number;
  readonly watchSessions: number;
  readonly watchRatePerSec: number;
  readonly valueBytes: number;
  readonly startTimeoutMs: number;
  readonly dir: string | undefined;
  readonly keep: boolean;
}

export type HaParse =
  | { readonly kind: 'ok'; readonly options: HaOptions }
  | { readonly kind: 'help'; readonly usage: string }
  | { readonly kind: 'invalid'; readonly problems: readonly string[]; readonly usage: string };

export const HA_USAGE = `usage: npm run bench:ha -- [flags]\n\nflags:\n${formatFlagsHelp(HA_FLAGS)}\n`;

export function parseHaFlags(argv: readonly string[]): HaParse {
  const { values, problems, help } = parseFlags(argv, HA_FLAGS);
  if (help) return { kind: 'help', usage: HA_USAGE };
  const options: HaOptions = Object.freeze({
    runs: intFlag(values, 'runs', problems, 1, 100),
    seconds: intFlag(values, 'seconds', problems, 1, 600),
    // Each session is a TLS connection and, behind HAProxy, a backend connection too.
    sessions: intFlag(values, 'sessions', problems, 1, 64),
    watchers: intFlag(values, 'watchers', problems, 1, 100_000),
    watchSessions: intFlag(values, 'watch-sessions', problems, 1, 256),
    watchRatePerSec: intFlag(values, 'watch-rate', problems, 1, 100_000),
    valueBytes: intFlag(values, 'value-bytes', problems, 1, 512 * 1024),
    startTimeoutMs: intFlag(values, 'start-timeout', problems, 10, 3_600) * 1000,
    dir: values.get('dir'),
    keep: values.get('keep') === 'true',
  });
  if (options.watchSessions > options.watchers) problems.push(`--watch-sessions (${options.watchSessions}) must not exceed --watchers (${options.watchers}): a session without a watcher measures nothing`);
  if (problems.length > 0) return { kind: 'invalid', problems, usage: HA_USAGE };
  return { kind: 'ok', options };
}
