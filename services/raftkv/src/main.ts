// `raftkv member ...` (also `logbook member ...`): runs one member until
// SIGINT/SIGTERM. The only place that reads process.argv and process signals.

import { jsonLogger, runUntilStopped } from '@logbook/cli-kit';
import { memberHelp, parseMemberConfig } from './member-config.ts';
import { startMember } from './member.ts';

export interface MainIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

/** Runs a member; resolves with the process exit code once it has stopped. */
export async function memberMain(argv: readonly string[], io: MainIo = process, command = 'raftkv member'): Promise<number> {
  const parsed = parseMemberConfig(argv);
  if (parsed.kind === 'help') {
    io.stdout.write(memberHelp(command));
    return 0;
  }
  if (parsed.kind === 'invalid') {
    io.stderr.write(`${command}: invalid flags:\n${parsed.problems.map((p) => `  - ${p}\n`).join('')}\n${memberHelp(command)}`);
    return 2;
  }
  const cfg = parsed.config;
  const logger = jsonLogger(io.stderr, cfg.logLevel, { nodeId: cfg.id });
  return runUntilStopped(() => startMember(cfg, logger), logger, 'member');
}

if (import.meta.main) {
  const [sub, ...rest] = process.argv.slice(2);
  if (sub !== 'member') {
    process.stderr.write('usage: raftkv member [flags] (see raftkv member --help)\n');
    process.exitCode = 2;
  } else {
    process.exitCode = await memberMain(rest);
  }
}
