// Operational errors of the WAL and snapshot files. Each has a stable `code`;
// callers switch on the class or the code, never on the message.

export type WalErrorCode =
  | 'corrupt'
  | 'snapshot-corrupt'
  | 'not-covered'
  | 'inconsistent'
  | 'not-found'
  | 'exists'
  | 'closed'
  | 'failed';

export class WalError extends Error {
  readonly code: WalErrorCode;
  constructor(code: WalErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WalError';
    this.code = code;
  }
}

/**
 * A record that cannot be trusted where a torn write is impossible: in a
 * segment other than the last one, or in the last one when what follows the
 * bad record does not look like an interrupted write. Never skipped: the
 * member must not start on a log with a hole in it.
 */
export class WalCorruptError extends WalError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, reason: string, options?: ErrorOptions) {
    super('corrupt', `WAL corrupt in ${file} at offset ${offset}: ${reason}`, options);
    this.name = 'WalCorruptError';
    this.file = file;
    this.offset = offset;
  }
}

/** A snapshot file failed its checksum or could not be decoded. */
export class SnapshotCorruptError extends WalError {
  readonly file: string;
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super('snapshot-corrupt', `snapshot file ${file} is corrupt: ${reason}`, options);
    this.name = 'SnapshotCorruptError';
    this.file = file;
  }
}

/**
 * No snapshot file and the WAL together describe a complete log: the entries
 * after every usable snapshot were released, or the snapshot they need is
 * missing or corrupt. `cause` holds the most relevant underlying failure.
 */
export class WalNotCoveredError extends WalError {
  constructor(reason: string, options?: ErrorOptions) {
    super('not-covered', `WAL and snapshots do not cover the log: ${reason}`, options);
    this.name = 'WalNotCoveredError';
  }
}

/** Records that each pass their checksum but contradict each other (a bug, or files from two members mixed). */
export class WalInconsistentError extends WalError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, reason: string) {
    super('inconsistent', `WAL inconsistent in ${file} at offset ${offset}: ${reason}`);
    this.name = 'WalInconsistentError';
    this.file = file;
    this.offset = offset;
  }
}

export class WalNotFoundError extends WalError {
  readonly dir: string;
  constructor(dir: string) {
    super('not-found', `no WAL in ${dir}`);
    this.name = 'WalNotFoundError';
    this.dir = dir;
  }
}

export class WalExistsError extends WalError {
  readonly dir: string;
  constructor(dir: string) {
    super('exists', `a WAL already exists in ${dir}`);
    this.name = 'WalExistsError';
    this.dir = dir;
  }
}

export class WalClosedError extends WalError {
  constructor() {
    super('closed', 'WAL is closed');
    this.name = 'WalClosedError';
  }
}

/**
 * A write or fsync failed earlier. After a failed fsync the kernel may have
 * dropped the dirty pages and cleared the error, so a retry could report
 * success for data that is gone: the WAL refuses every later write and the
 * member must restart and recover from what is really on disk.
 */
export class WalFailedError extends WalError {
  constructor(options: ErrorOptions) {
    super('failed', 'WAL failed after an I/O error; restart to recover', options);
    this.name = 'WalFailedError';
  }
}

/** True for an fs error meaning "no such file or directory", from NodeFs or MemFs alike. */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
