// `logbook store ...`: runs one store member until SIGINT/SIGTERM. The only
// place in the package that reads process signals.

import { jsonLogger, runUntilStopped } from '@logbook/cli-kit';
import { parseStoreConfig } from './config.ts';
import { startStore } from './store-member.ts';
import { tuneTierUp } from './v8-tiering.ts';

export interface StoreMainIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

/** Runs a member; resolves with the process exit code once it has stopped. */
export async function storeMain(argv: readonly string[], io: StoreMainIo = process, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const parsed = parseStoreConfig(argv, env);
  if (parsed.kind === 'help') {
    io.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    io.stderr.write(`logbook store: invalid flags:\n${parsed.problems.map((p) => `  - ${p}\n`).join('')}Run 'logbook store --help' for the flags.\n`);
    return 2;
  }
  const cfg = parsed.config;
  const logger = jsonLogger(io.stderr, cfg.logLevel, { member: cfg.name });
  for (const w of parsed.warnings) logger.warn(w);
  tuneTierUp();
  return runUntilStopped(() => startStore(cfg, logger), logger, 'store member');
}
