// One translation from the etcd client's failures to StorageError, so the
// registry above never sees gRPC codes. What "compacted" means depends on
// the request (a list at an old revision, a continue token, a watch), so
// the caller says which code it becomes.

import { EtcdClientError } from '@logbook/etcd-client';
import { StorageError } from './errors.ts';
import type { StorageErrorCode } from './errors.ts';

export interface ErrorContext {
  readonly key: string;
  readonly signal?: AbortSignal | undefined;
  /** What a compacted revision means here (default resourceVersionTooOld). */
  readonly compacted?: StorageErrorCode;
  /** kube's message for the compacted case. */
  readonly compactedMessage?: string;
}

export function toStorageError(e: unknown, c: ErrorContext): StorageError {
  if (e instanceof StorageError) return e;
  if (c.signal?.aborted === true) return new StorageError('aborted', c.key, `request for ${c.key} was aborted`, { cause: e });
  if (e instanceof EtcdClientError) {
    switch (e.reason) {
      case 'compacted':
        return new StorageError(c.compacted ?? 'resourceVersionTooOld', c.key, c.compactedMessage ?? 'The resourceVersion for the provided list is too old.', { cause: e });
      case 'futureRev':
        // The caller learns the current revision and raises tooLarge itself when it can.
        return new StorageError('resourceVersionTooLarge', c.key, `Too large resource version: ${e.details}`, { cause: e });
      default:
        return new StorageError('unreachable', c.key, `etcd request for ${c.key} failed: ${e.message}`, { cause: e });
    }
  }
  // Anything else is not the store's answer: a bug here or in the client. Keep it loud.
  throw e;
}
