// A watch response over HTTP, framed as kube-apiserver frames JSON watches:
// 200, `Content-Type: application/json`, headers flushed before any event
// (clients await them), then one `{"type":…,"object":…}` per line. HTTP/1.1
// gets chunked encoding from Node (no Content-Length); HTTP/2 gets DATA frames.
//
// Bounds: we never pull the next event while the socket is backed up, so
// backpressure reaches the producer (the watch cache's bounded per-watcher
// queue, which closes watchers that fall behind). Here, a client whose write
// buffer stays above `maxBufferedBytes` for longer than `slowClientTimeoutMs`
// is cut off: the stream ends normally and the client re-watches from the last
// resourceVersion it saw, exactly as after a timeout.

import type { ResponseSink } from './http-types.ts';
import { SYSTEM_TIMERS, waitForDrain, type Timers } from './drain.ts';

export const WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

export interface WatchEvent {
  readonly type: WatchEventType;
  /** The object (with kind/apiVersion), or a Status for ERROR. */
  readonly object: object;
}

/** Why a watch response ended. */
export type WatchEnd = 'done' | 'error-event' | 'timeout' | 'aborted' | 'client-gone' | 'slow-client';

export const DEFAULT_WATCH_MAX_BUFFERED_BYTES = 1024 * 1024;
export const DEFAULT_SLOW_CLIENT_TIMEOUT_MS = 10_000;

export interface WatchEncoderOptions {
  /** Server-side cancellation (shutdown, request context). */
  readonly signal?: AbortSignal;
  /** End the watch cleanly after this long (timeoutSeconds, or kube's 30–60 min default). */
  readonly timeoutMs?: number;
  /** Write-buffer bound; above it we stop pulling events and wait for the client. */
  readonly maxBufferedBytes?: number;
  /** How long a client may keep the buffer above the bound before it is closed. */
  readonly slowClientTimeoutMs?: number;
  readonly timers?: Timers;
  /** Called after each event is handed to the socket (metrics). */
  readonly onEvent?: (event: WatchEvent, bytes: number) => void;
  /**
   * Called if the producer throws after the stream started, when no Status
   * can be sent any more. The stream is then ended; clients re-watch.
   */
  readonly onError?: (err: unknown) => void;
}

/** Starts the response at once, then streams events until the source ends, an ERROR event, timeout, abort, or a slow client. */
/**
 * One event's line, encoded once however many watchers it goes to: the
 * watch cache hands every watcher the same (frozen) object, so the encoding
 * is kept per object and event type while the object lives.
 */
const encoded = new WeakMap<object, Partial<Record<WatchEventType, string>>>();

function encodeEvent(event: WatchEvent): string {
  const object = event.object;
  let byType = encoded.get(object);
  const hit = byType?.[event.type];
  if (hit !== undefined) return hit;
  const line = `${JSON.stringify({ type: event.type, object: event.object })}\n`;
  // Only frozen objects are shared safely: a mutable one may change between watchers.
  if (Object.isFrozen(object)) {
    if (byType === undefined) encoded.set(object, (byType = {}));
    byType[event.type] = line;
  }
  return line;
}

export async function serveWatch(res: ResponseSink, events: AsyncIterable<WatchEvent>, opts: WatchEncoderOptions = {}): Promise<WatchEnd> {
  const timers = opts.timers ?? SYSTEM_TIMERS;
  const maxBuffered = opts.maxBufferedBytes ?? DEFAULT_WATCH_MAX_BUFFERED_BYTES;
  const slowMs = opts.slowClientTimeoutMs ?? DEFAULT_SLOW_CLIENT_TIMEOUT_MS;
  if (res.headersSent) throw new Error('serveWatch: response already started');

  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.flushHeaders();

  // One controller stops everything: server signal, timeout, client close.
  const stop = new AbortController();
  let reason: WatchEnd | undefined;
  const end = (r: WatchEnd): void => {
    reason ??= r;
    stop.abort();
  };
  const onClose = (): void => end('client-gone');
  const onAbort = (): void => end('aborted');
  res.once('close', onClose);
  if (opts.signal?.aborted === true) end('aborted');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs === undefined ? undefined : timers.setTimeout(() => end('timeout'), opts.timeoutMs);

  const it = events[Symbol.asyncIterator]();
  const stopped = new Promise<undefined>((resolve) => {
    if (stop.signal.aborted) resolve(undefined);
    stop.signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  try {
    while (!stop.signal.aborted) {
      const pending = it.next();
      // If we stop first, this promise is abandoned; a later rejection still gets reported (once).
      pending.then(undefined, (err: unknown) => {
        if (stop.signal.aborted) opts.onError?.(err);
      });
      const next = await Promise.race([pending, stopped]);
      if (next === undefined) break;
      if (next.done === true) {
        end('done');
        break;
      }
      const event = next.value;
      const line = encodeEvent(event);
      res.write(Buffer.from(line, 'utf8'));
      opts.onEvent?.(event, Buffer.byteLength(line, 'utf8'));
      if (event.type === 'ERROR') {
        end('error-event');
        break;
      }
      if (res.writableLength > maxBuffered) {
        const r = await waitForDrain(res, stop.signal, slowMs, timers);
        if (r === 'timeout') end('slow-client');
        else if (r === 'closed') end('client-gone');
      }
    }
  } catch (err: unknown) {
    opts.onError?.(err);
    end('aborted');
  } finally {
    res.off('close', onClose);
    opts.signal?.removeEventListener('abort', onAbort);
    if (timer !== undefined) timers.clearTimeout(timer);
    // The producer may be parked inside next(); ask it to finish without waiting for it.
    if (reason !== 'done') void it.return?.().catch((err: unknown) => opts.onError?.(err));
    if (reason === 'client-gone' || reason === 'slow-client') res.destroy();
    else if (!res.writableEnded) res.end();
  }
  return reason ?? 'done';
}
