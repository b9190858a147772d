// @logbook/cli-kit: what every logbook subcommand shares — the flag parser
// (all problems reported at once; accepted-but-unimplemented flags warn by
// name) and the JSON-lines logger.

export { parseFlags, formatFlagsHelp, intFlag, parseHostPort, type FlagSpec, type ParsedFlags, type ParseOptions } from './flags.ts';
export { jsonLogger, LOG_LEVELS, type LogLevel, type LineSink } from './json-logger.ts';
export { runUntilStopped, type Stoppable } from './run-until-stopped.ts';
export { parseGoDurationMs } from './go-duration.ts';
