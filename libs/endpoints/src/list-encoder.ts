// A List response streamed item by item, so a large list never sits in memory
// twice. The list metadata (resourceVersion, continue, remainingItemCount) is
// only known once the items are read, so it goes last:
//   {"kind":"PodList","apiVersion":"v1","items":[…],"metadata":{…}}
// kube writes metadata before items; JSON objects are unordered, and every
// client we serve (client-go, client-node, Python) decodes by key, not order.
//
// The first item is pulled before anything is written: a failure there (410,
// 504, ...) can still become a Status response. A failure after that cannot;
// the response is destroyed so the client sees a broken body, never a short
// list that looks complete.

import { failure, type StatusError } from '@logbook/apimachinery';
import { stringify } from 'yaml';
import type { ResponseSink } from './http-types.ts';
import type { ResponseFormat } from './respond.ts';
import { waitForDrain } from './drain.ts';

export interface ListHead {
  /** e.g. `PodList`. */
  readonly kind: string;
  /** e.g. `v1`, `apps/v1`. */
  readonly apiVersion: string;
}

/** ListMeta as sent: resourceVersion, continue, remainingItemCount. */
export type ListMetadata = object;

export interface ListEncoderOptions {
  readonly signal?: AbortSignal;
}

/** Thrown (after the response was destroyed) when items fail mid-stream; `cause` is the producer's error. */
export class ListStreamError extends Error {
  override readonly name = 'ListStreamError';
  readonly code = 'ListStreamBroken';

  constructor(message: string, opts: { readonly cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
  }
}

/**
 * Streams a JSON list with status 200. Resolves to the number of items written.
 * Errors before the first byte propagate unchanged (the caller writes a Status);
 * errors later destroy the response and reject with ListStreamError.
 */
export async function writeListJson(res: ResponseSink, head: ListHead, items: AsyncIterable<object>, metadata: () => ListMetadata, opts: ListEncoderOptions = {}): Promise<number> {
  if (res.headersSent) throw new Error('writeListJson: response already started');
  const it = items[Symbol.asyncIterator]();
  let next = await it.next();

  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  let count = 0;
  try {
    write(res, `{"kind":${JSON.stringify(head.kind)},"apiVersion":${JSON.stringify(head.apiVersion)},"items":[`);
    while (next.done !== true) {
      const ok = write(res, (count === 0 ? '' : ',') + JSON.stringify(next.value));
      count++;
      if (!ok) {
        const r = await waitForDrain(res, opts.signal, undefined);
        if (r !== 'drained') throw new ListStreamError(`list response stopped: ${r}`);
      }
      opts.signal?.throwIfAborted();
      next = await it.next();
    }
    res.end(Buffer.from(`],"metadata":${JSON.stringify(metadata())}}\n`, 'utf8'));
  } catch (err: unknown) {
    res.destroy();
    if (next.done !== true) void it.return?.().catch(() => undefined);
    throw err instanceof ListStreamError ? err : new ListStreamError('list items failed after the response started', { cause: err });
  }
  return count;
}

function write(res: ResponseSink, text: string): boolean {
  return res.write(Buffer.from(text, 'utf8'));
}

export const DEFAULT_MAX_YAML_LIST_ITEMS = 10_000;

/**
 * A YAML list is built whole (YAML has no cheap streaming form with the
 * metadata known last), so it is bounded: more than `maxItems` items is a 406
 * before anything is written, pointing the client at JSON or `limit`.
 */
export async function collectListForYaml(head: ListHead, items: AsyncIterable<object>, metadata: () => ListMetadata, maxItems = DEFAULT_MAX_YAML_LIST_ITEMS): Promise<string> {
  const all: object[] = [];
  for await (const item of items) {
    if (all.length >= maxItems) throw yamlListTooLarge(maxItems);
    all.push(item);
  }
  const list = { apiVersion: head.apiVersion, items: all, kind: head.kind, metadata: metadata() };
  return stringify(list, { version: '1.1', sortMapEntries: true, indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
}

/** Builds and writes a YAML list (200, application/yaml). */
export async function writeListYaml(res: ResponseSink, head: ListHead, items: AsyncIterable<object>, metadata: () => ListMetadata, maxItems = DEFAULT_MAX_YAML_LIST_ITEMS): Promise<void> {
  const body = await collectListForYaml(head, items, metadata, maxItems);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/yaml');
  res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  res.end(Buffer.from(body, 'utf8'));
}

function yamlListTooLarge(maxItems: number): StatusError {
  return failure(406, 'NotAcceptable', `the list has more than ${maxItems} items, too many to encode as application/yaml; request application/json or page with limit`);
}

/** A streamed list as the storage layer returns it: items, then metadata once they are read. */
export interface StreamedList {
  readonly items: AsyncIterable<object>;
  readonly meta: () => ListMetadata;
}

/** Writes a list in the negotiated format: JSON streamed, YAML built whole (bounded). Resolves to the item count (JSON) or -1 (YAML). */
export async function writeList(res: ResponseSink, head: ListHead, list: StreamedList, format: ResponseFormat, opts: ListEncoderOptions = {}): Promise<number> {
  if (format === 'yaml') {
    await writeListYaml(res, head, list.items, list.meta);
    return -1;
  }
  return writeListJson(res, head, list.items, list.meta, opts);
}
