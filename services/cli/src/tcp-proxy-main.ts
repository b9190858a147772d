// `logbook tcp-proxy --listen HOST:PORT --target HOST:PORT`: a hidden
// subcommand (not in `logbook --help`) that `logbook cluster up
// --peer-proxies` runs in front of each store member's peer port. Logs JSON
// lines on stderr; SIGTERM/SIGINT stop it.

import { formatFlagsHelp, intFlag, jsonLogger, parseFlags, parseHostPort, parseGoDurationMs, runUntilStopped, type FlagSpec } from '@logbook/cli-kit';
import type { MainIo } from '@logbook/raftkv';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS, TcpProxy } from './tcp-proxy.ts';

const FLAGS: readonly FlagSpec[] = [
  { name: 'listen', arg: 'HOST:PORT', required: true, help: 'where to accept connections' },
  { name: 'target', arg: 'HOST:PORT', required: true, help: 'where to forward each accepted connection' },
  { name: 'max-connections', arg: 'N', default: String(DEFAULT_MAX_CONNECTIONS), help: 'connections open at once; one more is closed on accept' },
  { name: 'connect-timeout', arg: 'DURATION', default: `${DEFAULT_CONNECT_TIMEOUT_MS / 1000}s`, help: 'how long a dial of the target may take' },
];

const help = (): string => `usage: logbook tcp-proxy [flags]\n\nForwards TCP connections (a test harness's network cut: stop this process).\n\nflags:\n${formatFlagsHelp(FLAGS)}\n`;

export async function tcpProxyMain(argv: readonly string[], io: MainIo): Promise<number> {
  const parsed = parseFlags(argv, FLAGS);
  if (parsed.help) {
    io.stdout.write(help());
    return 0;
  }
  const { values, problems } = parsed;
  const addr = (name: string): { host: string; port: number } => {
    const raw = values.get(name);
    if (raw === undefined) return { host: '', port: 0 }; // reported by parseFlags as missing
    const hp = parseHostPort(raw);
    if (hp === undefined) problems.push(`invalid value "${raw}" for --${name}: want HOST:PORT`);
    return hp ?? { host: '', port: 0 };
  };
  const listen = addr('listen');
  const target = addr('target');
  if (values.has('target') && target.port === 0) problems.push('--target needs a non-zero port');
  const maxConnections = intFlag(values, 'max-connections', problems, 1, 65_536);
  const rawTimeout = values.get('connect-timeout') ?? '';
  const connectTimeoutMs = parseGoDurationMs(rawTimeout);
  if (connectTimeoutMs === undefined || connectTimeoutMs <= 0) problems.push(`invalid value "${rawTimeout}" for --connect-timeout: want a positive duration such as 5s`);
  if (problems.length > 0) {
    io.stderr.write(`logbook tcp-proxy: invalid flags:\n${problems.map((p) => `  - ${p}\n`).join('')}\n${help()}`);
    return 2;
  }
  const logger = jsonLogger(io.stderr, 'info', { component: 'tcp-proxy' });
  return runUntilStopped(
    () => TcpProxy.start({ listenHost: listen.host, listenPort: listen.port, targetHost: target.host, targetPort: target.port, maxConnections, connectTimeoutMs: connectTimeoutMs!, logger }),
    logger,
    'tcp-proxy',
  );
}
