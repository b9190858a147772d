// The operational errors of `logbook cluster`: one class, a `code` a caller
// can switch on, the underlying failure as `cause`. The command turns them
// into a message and an exit status; nothing above it matches on text.

export type ClusterErrorCode =
  /** A flag or a stored file (cluster.json, a template) is not what it must be. */
  | 'invalid'
  /** `up` on a directory whose processes are still running. */
  | 'running'
  /** A binary (nats-server, haproxy) is not installed. */
  | 'missing-binary'
  /** A process exited or did not become ready within the bound. */
  | 'start-failed'
  /** `status`/`down` on a directory that holds no cluster. */
  | 'no-cluster';

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  readonly code: ClusterErrorCode;

  constructor(code: ClusterErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
