// `logbook apiserver`: kube-apiserver's flags, one replica over an etcd v3
// endpoint list (Logbook's store or a real etcd).

import { jsonLogger } from '@logbook/cli-kit';
import { parseApiserverConfig } from './config.ts';
import { startApiserver } from './apiserver.ts';
import { runUntilStopped } from '@logbook/cli-kit';

export interface ApiserverMainIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export async function apiserverMain(argv: readonly string[], io: ApiserverMainIo = process): Promise<number> {
  const parsed = parseApiserverConfig(argv);
  if (parsed.kind === 'help' || parsed.kind === 'version') {
    io.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    io.stderr.write(`logbook apiserver: invalid flags:\n${parsed.problems.map((p) => `  - ${p}\n`).join('')}Run 'logbook apiserver --help' for the flags.\n`);
    return 2;
  }
  const cfg = parsed.config;
  const logger = jsonLogger(io.stderr, cfg.verbosity >= 4 ? 'debug' : 'info', { component: 'apiserver' });
  for (const w of parsed.warnings) logger.warn(w);
  return runUntilStopped(() => startApiserver(cfg, logger), logger, 'apiserver');
}
