// The slice of Node's response and request objects these modules use. Both
// `http.ServerResponse` and the `http2` compat `Http2ServerResponse` satisfy
// it, so every writer works for HTTP/1.1 and HTTP/2 alike and tests can pass
// a plain `http.createServer` response without TLS.

import type { IncomingHttpHeaders } from 'node:http';

export interface ResponseSink {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  /** Bytes queued in the stream but not yet handed to the socket. */
  readonly writableLength: number;
  setHeader(name: string, value: string | readonly string[]): unknown;
  getHeader(name: string): string | number | readonly string[] | undefined;
  removeHeader(name: string): void;
  flushHeaders(): void;
  write(chunk: string | Uint8Array): boolean;
  end(chunk?: string | Uint8Array): unknown;
  destroy(error?: Error): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

export interface RequestSource extends AsyncIterable<unknown> {
  readonly method?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  once(event: 'aborted' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
  off(event: 'aborted' | 'close' | 'error', listener: (...args: unknown[]) => void): unknown;
}

/** The first value of a header, as Go's Header.Get reads it. */
export function headerValue(headers: RequestSource['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v[0];
}

// Bodies are always written as Buffers: Node's HTTP/1 writer sends the header
// block in the first chunk's encoding, so a string body would re-encode our
// Latin-1-carried UTF-8 Warning headers a second time.
