// Turning what the registry returns (one object, a streamed list, a watch)
// into the negotiated transform: a meta.k8s.io Table, or PartialObjectMetadata
// (List). Plain responses never come here.

import { badRequest, failure, field, type StatusError } from '@logbook/apimachinery';
import { partialObjectMetadata, tableFor, type IncludeObjectPolicy, type KubeObjectLike, type TableListMeta } from '@logbook/printers';
import type { ResourceInfo } from '@logbook/resources';
import type { OutputChoice } from './table-negotiate.ts';
import type { WatchEvent } from './watch-encoder.ts';

export type TransformChoice = Exclude<OutputChoice, { kind: 'object' }>;

/**
 * A Table of a list is built whole (rows need every item before the list
 * metadata is known, and the body is one JSON value). It is bounded: past
 * this many items the request is refused before anything is written, as a
 * YAML list is. kubectl pages with limit=500, far below it.
 */
export const DEFAULT_MAX_TRANSFORMED_LIST_ITEMS = 10_000;

/** `?includeObject=`, validated as kube's TableOptions are: "" is the default (Metadata); anything unknown is 400. */
export function includeObjectOf(query: URLSearchParams): IncludeObjectPolicy {
  const v = query.get('includeObject') ?? '';
  if (v === '') return 'Metadata';
  if (v === 'Metadata' || v === 'None' || v === 'Object') return v;
  const err = field.invalid('includeObject', v, "must be 'Metadata', 'Object', 'None', or empty");
  throw badRequest(`Unable to convert to Table as requested: ${err.message()}`);
}

function notAcceptableTransform(message: string): StatusError {
  return failure(406, 'NotAcceptable', message);
}

export interface TransformContext {
  readonly info: ResourceInfo;
  readonly choice: TransformChoice;
  readonly now: Date;
  readonly includeObject: IncludeObjectPolicy;
  /** e.g. `PodList`, for messages. */
  readonly listKind: string;
}

/** One object (GET). */
export function transformObject(t: TransformContext, obj: KubeObjectLike): object {
  switch (t.choice.kind) {
    case 'Table':
      return tableFor(t.info, [obj], { now: t.now, includeObject: t.includeObject, version: t.choice.version });
    case 'PartialObjectMetadata':
      return partialObjectMetadata(obj, t.choice.version);
    case 'PartialObjectMetadataList':
      throw notAcceptableTransform(`you requested PartialObjectMetadataList, but the requested object is not a list (*v1.${t.info.kind})`);
  }
}

/** A list (LIST), collected under DEFAULT_MAX_TRANSFORMED_LIST_ITEMS. */
export async function transformList(
  t: TransformContext, items: AsyncIterable<object>, meta: () => TableListMeta, maxItems = DEFAULT_MAX_TRANSFORMED_LIST_ITEMS,
): Promise<object> {
  if (t.choice.kind === 'PartialObjectMetadata') {
    throw notAcceptableTransform(`you requested PartialObjectMetadata, but the requested object is a list (*v1.${t.listKind})`);
  }
  const all: KubeObjectLike[] = [];
  for await (const item of items) {
    if (all.length >= maxItems) {
      throw notAcceptableTransform(`the list has more than ${maxItems} items, too many to return as ${t.choice.kind}; page with limit`);
    }
    all.push(item);
  }
  if (t.choice.kind === 'Table') return tableFor(t.info, all, { now: t.now, includeObject: t.includeObject, version: t.choice.version, listMeta: meta() });
  const version = t.choice.version;
  return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${version}`, metadata: meta(), items: all.map((o) => partialObjectMetadata(o, version)) };
}

/**
 * Watch events in the negotiated transform. As kube's watch encoder does,
 * only the first converted event's Table carries columnDefinitions; later
 * ones send null ("no headers"). BOOKMARK and ERROR events pass unchanged
 * and do not use up the headers. The clock is read per event: Age is as of
 * when the event is sent.
 */
export async function* transformWatch(t: TransformContext, events: AsyncIterable<WatchEvent>, now: () => Date): AsyncGenerator<WatchEvent> {
  let headers = true;
  for await (const e of events) {
    if (e.type === 'BOOKMARK' || e.type === 'ERROR') {
      yield e;
      continue;
    }
    const obj = e.object as KubeObjectLike;
    if (t.choice.kind === 'Table') {
      yield { type: e.type, object: tableFor(t.info, [obj], { now: now(), includeObject: t.includeObject, version: t.choice.version, headers }) };
      headers = false;
    } else {
      // A metadata-only watch (client-go's metadata informer asks with either kind): each event carries PartialObjectMetadata.
      yield { type: e.type, object: partialObjectMetadata(obj, t.choice.version) };
    }
  }
}

/** The transform for a request, or undefined for a plain response. Validates includeObject first, so a bad one is 400 before any read. */
export function transformFor(output: OutputChoice, info: ResourceInfo, query: URLSearchParams, now: Date, listKind: string): TransformContext | undefined {
  if (output.kind === 'object') return undefined;
  // kube reads TableOptions for Table targets only.
  const includeObject = output.kind === 'Table' ? includeObjectOf(query) : 'Metadata';
  return { info, choice: output, now, includeObject, listKind };
}
