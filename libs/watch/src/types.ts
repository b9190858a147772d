// The hub's request and response shapes, after etcd's WatchCreateRequest and
// WatchResponse so the gRPC Watch service maps them field for field.

import type { Bytes, Event, HistoryQuery, HistoryResult, Revision } from '@logbook/mvcc';

/** What the hub needs from the store: MvccStore satisfies it. */
export interface HistorySource {
  readonly currentRevision: Revision;
  eventsSince(query: HistoryQuery): HistoryResult;
}

/** Injected periodic timer (no real timers inside the hub). */
export interface Ticker {
  every(intervalMs: number, fn: () => void): { cancel(): void };
}

export interface WatchFilters {
  /** Drop PUT events (etcd's NOPUT filter). */
  readonly noPut?: boolean;
  /** Drop DELETE events (etcd's NODELETE filter). */
  readonly noDelete?: boolean;
}

export interface WatchCreateRequest {
  /** Caller-chosen id, unique within the stream; absent or -1: the hub assigns one. */
  readonly watchId?: number;
  /** Groups watchers of one gRPC stream (ids are per stream, progress requests are per stream). */
  readonly streamId?: string;
  readonly key: Bytes;
  /** Absent/empty: the key alone; [0]: every key >= key; else [key, rangeEnd). */
  readonly rangeEnd?: Bytes;
  /** 0 or absent: from the next revision; otherwise replay from this revision. */
  readonly startRevision?: Revision;
  readonly prevKv?: boolean;
  readonly filters?: WatchFilters;
  readonly progressNotify?: boolean;
  /** Split responses larger than maxResponseBytes into fragments. */
  readonly fragment?: boolean;
}

export interface WatchResponse {
  readonly header: { readonly revision: Revision };
  readonly watchId: number;
  readonly created: boolean;
  readonly canceled: boolean;
  /** Non-zero: the requested revision was compacted; the watch is canceled. */
  readonly compactRevision: Revision;
  readonly cancelReason: string;
  /** More fragments of the same response follow. */
  readonly fragment: boolean;
  readonly events: readonly Event[];
}

export interface WatchHubOptions {
  readonly ticker?: Ticker;
  /** Period of progress notifications for progressNotify watchers (etcd: 10 minutes). */
  readonly progressIntervalMs?: number;
  /** Per-watcher queue bound, in responses (etcd's chanBufLen is 128). */
  readonly maxQueuedResponses?: number;
  /** Per-watcher queue bound, in estimated bytes. */
  readonly maxQueuedBytes?: number;
  /** Fragment threshold for fragment watchers (etcd: max request bytes, 1.5 MiB). */
  readonly maxResponseBytes?: number;
  /** Events asked of history per catch-up read (soft: a revision is never split). */
  readonly catchUpChunkEvents?: number;
  /** Watchers per hub. */
  readonly maxWatchers?: number;
}
