// Building the events a watch delivers: predicate transitions, bookmarks, and
// the ERROR events that end a watch. Shared by the cache and the memory store
// so both answer a client the same way.

import type { KubeObject, Predicate, WatchEvent } from '../interface.ts';
import { StorageError } from '../errors.ts';
import { WatchChannel } from './watch-channel.ts';

/** metav1.InitialEventsAnnotationKey: marks the bookmark that ends a sendInitialEvents stream. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** One committed change as the cache records it. */
export interface ChangeEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly key: string;
  /** ADDED/MODIFIED: the new state; DELETED: the last state, with the deletion's resourceVersion. */
  readonly object: KubeObject;
  /** The state before this change (absent for ADDED), with its own resourceVersion. */
  readonly prevObject: KubeObject | undefined;
  readonly revision: number;
}

export function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

/**
 * What a watcher with this predicate sees of a change (kube's transition
 * rules): an object that starts matching arrives as ADDED, one that stops
 * matching leaves as DELETED (its previous state at the change's revision),
 * and a change invisible before and after is not delivered at all.
 */
export function filterChange(ev: ChangeEvent, predicate: Predicate | undefined): WatchEvent | undefined {
  if (predicate === undefined) return { type: ev.type, object: ev.object };
  const prevMatches = ev.prevObject !== undefined && predicate(ev.prevObject);
  if (ev.type === 'DELETED') return prevMatches ? { type: 'DELETED', object: ev.object } : undefined;
  const curMatches = predicate(ev.object);
  if (curMatches) return { type: prevMatches ? 'MODIFIED' : 'ADDED', object: ev.object };
  if (prevMatches && ev.prevObject !== undefined) return { type: 'DELETED', object: withResourceVersion(ev.prevObject, ev.revision) };
  return undefined;
}

/** The bookmark shape kube sends: the watched kind with only metadata.resourceVersion set. */
export interface BookmarkKind {
  readonly apiVersion?: string;
  readonly kind?: string;
}

export function bookmarkEvent(kind: BookmarkKind, revision: number, initialEventsEnd = false): WatchEvent {
  const metadata = initialEventsEnd
    ? { resourceVersion: String(revision), annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' } }
    : { resourceVersion: String(revision) };
  const object: KubeObject = { ...(kind.apiVersion !== undefined ? { apiVersion: kind.apiVersion } : {}), ...(kind.kind !== undefined ? { kind: kind.kind } : {}), metadata };
  return { type: 'BOOKMARK', object };
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>): KubeObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details !== undefined ? { details } : {}) };
}

/** kube's watch-cache wording: the requested RV, then the oldest one it can still serve. */
export function tooOldError(key: string, requested: number, oldest: number): StorageError {
  return new StorageError('resourceVersionTooOld', key, `too old resource version: ${requested} (${oldest})`, { revision: oldest });
}

export function tooLargeError(key: string, requested: number, current: number): StorageError {
  return new StorageError('resourceVersionTooLarge', key, `Too large resource version: ${requested}, current: ${current}`, { revision: current });
}

/** The Status an ERROR event carries for a storage error that ends a watch. */
export function errorStatus(err: StorageError): KubeObject {
  switch (err.code) {
    case 'resourceVersionTooOld':
      return status(410, 'Expired', err.message);
    case 'resourceVersionTooLarge':
      // kube's NewTooLargeResourceVersionError is a NewTimeoutError, whose message carries the "Timeout: " prefix.
      return status(504, 'Timeout', `Timeout: ${err.message}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
        retryAfterSeconds: 1,
      });
    default:
      return status(500, 'InternalError', `Internal error occurred: ${err.message}`);
  }
}

/**
 * A watch that delivers one ERROR event and ends: kube answers 200 and puts
 * errors found after the request parsed (410, too large) in the stream.
 */
export function errorWatch(err: StorageError): WatchChannel {
  const ch = new WatchChannel({ capacity: 1 });
  ch.fail({ type: 'ERROR', object: errorStatus(err) }, err);
  return ch;
}
