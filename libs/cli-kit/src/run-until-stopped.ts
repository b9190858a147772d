// The tail of every long-running subcommand: start the service, stop it on
// SIGINT/SIGTERM, and turn how it ended into the process exit code.

import type { Logger } from '@logbook/raft';

export interface Stoppable {
  /** Resolves when the service stopped: with the error that stopped it, if one did. */
  readonly closed: Promise<Error | undefined>;
  close(): Promise<void>;
}

/** Resolves with 0 after a clean stop, 1 if starting failed or the service stopped on an error. */
export async function runUntilStopped(start: () => Promise<Stoppable>, logger: Logger, what: string): Promise<number> {
  let service: Stoppable;
  try {
    service = await start();
  } catch (err) {
    logger.error(`${what} failed to start`, { error: err instanceof Error ? err.message : String(err) });
    return 1;
  }
  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    void service.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const err = await service.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  if (err !== undefined) {
    logger.error(`${what} stopped on error`, { error: err.message });
    return 1;
  }
  logger.info(`${what} stopped`);
  return 0;
}
