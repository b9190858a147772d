// ListOptions for list and watch: decoding from the query string and kube's
// ValidateListOptions rules, with its exact messages. Order of failure follows
// kube-apiserver: undecodable (400), then invalid combination (422), then a
// malformed resourceVersion (400, which kube reports from storage).

import { forbidden, notSupported, type FieldError } from './field-errors.ts';
import { FieldSelector, parseFieldSelector } from './field-selector.ts';
import { LabelSelector, parseLabelSelector } from './label-selector.ts';
import { queryBool, queryBoolLenient, queryInt64, rejectOptions } from './query.ts';
import { parseResourceVersion } from './resource-version.ts';
import { SelectorError } from './selector-error.ts';
import { badRequest } from './status.ts';

export const RESOURCE_VERSION_MATCHES = ['NotOlderThan', 'Exact'] as const;
export type ResourceVersionMatch = (typeof RESOURCE_VERSION_MATCHES)[number];

/** The options exactly as decoded, before any rule is checked. */
export interface RawListOptions {
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector;
  readonly watch: boolean;
  readonly allowWatchBookmarks: boolean;
  readonly resourceVersion: string;
  readonly resourceVersionMatch: string;
  readonly timeoutSeconds?: number;
  /** 0 = no limit (kube treats a negative limit the same way). */
  readonly limit: number;
  readonly continue: string;
  readonly sendInitialEvents?: boolean;
}

/** Decoded and validated list/watch options. */
export interface ListOptions extends RawListOptions {
  readonly resourceVersionMatch: ResourceVersionMatch | '';
  /** Parsed resourceVersion; 0 for "" and "0". */
  readonly revision: number;
}

export interface ListOptionsConfig {
  /**
   * Whether watch-list (`sendInitialEvents`) is served. Off, a watch asking
   * for it gets kube's 422, which makes client-go fall back to list+watch.
   */
  readonly watchListEnabled: boolean;
  /** kube's lenient booleans (anything but "0"/"false" is true) instead of ParseBool's 400. */
  readonly lenientBooleans?: boolean;
}

function selector<T>(parse: (s: string) => T, raw: string | null, empty: T): T {
  if (raw === null) return empty;
  try {
    return parse(raw);
  } catch (err: unknown) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

/** Decodes list/watch query parameters; throws a 400 StatusError for anything undecodable. */
export function decodeListOptions(query: URLSearchParams, lenientBooleans = false): RawListOptions {
  const bool = lenientBooleans ? queryBoolLenient : queryBool;
  const timeoutSeconds = queryInt64(query, 'timeoutSeconds');
  const sendInitialEvents = bool(query, 'sendInitialEvents');
  const limit = queryInt64(query, 'limit') ?? 0;
  return {
    labelSelector: selector(parseLabelSelector, query.get('labelSelector'), LabelSelector.everything()),
    fieldSelector: selector(parseFieldSelector, query.get('fieldSelector'), FieldSelector.everything()),
    watch: bool(query, 'watch') ?? false,
    allowWatchBookmarks: bool(query, 'allowWatchBookmarks') ?? false,
    resourceVersion: query.get('resourceVersion') ?? '',
    resourceVersionMatch: query.get('resourceVersionMatch') ?? '',
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    limit: limit < 0 ? 0 : limit,
    continue: query.get('continue') ?? '',
    ...(sendInitialEvents !== undefined ? { sendInitialEvents } : {}),
  };
}

const RV_MATCH = 'resourceVersionMatch';

/** kube's ValidateListOptions: the list rules, or the watch rules when `watch` is set. */
export function validateListOptions(o: RawListOptions, watchListEnabled: boolean): FieldError[] {
  return o.watch ? validateWatch(o, watchListEnabled) : validateList(o);
}

function validateList(o: RawListOptions): FieldError[] {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (match !== '') {
    if (o.resourceVersion === '') errs.push(forbidden(RV_MATCH, 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (o.continue !== '') errs.push(forbidden(RV_MATCH, 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported(RV_MATCH, match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && o.resourceVersion === '0') errs.push(forbidden(RV_MATCH, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (o.sendInitialEvents !== undefined) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

// allowWatchBookmarks is deliberately not required with sendInitialEvents:
// kube dropped that rule because it broke clients.
function validateWatch(o: RawListOptions, watchListEnabled: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const match = o.resourceVersionMatch;
  if (o.sendInitialEvents !== undefined) {
    if (match !== 'NotOlderThan') errs.push(forbidden(RV_MATCH, 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    if (!watchListEnabled) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'));
  }
  if (match !== '') {
    if (o.sendInitialEvents === undefined) errs.push(forbidden(RV_MATCH, 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errs.push(notSupported(RV_MATCH, match, ['NotOlderThan']));
    if (o.continue !== '') errs.push(forbidden(RV_MATCH, 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}

/**
 * Decode, validate and parse list/watch options. Throws a StatusError: 400
 * for undecodable input, 422 (`ListOptions.meta.k8s.io "" is invalid: ...`)
 * for forbidden combinations, 400 for a malformed resourceVersion or a
 * resourceVersion (other than "0") together with continue.
 */
export function parseListOptions(query: URLSearchParams, config: ListOptionsConfig): ListOptions {
  const raw = decodeListOptions(query, config.lenientBooleans ?? false);
  rejectOptions('ListOptions', validateListOptions(raw, config.watchListEnabled));
  // kube's storage rejects this before it reads the token; the check needs only the options, so it lives here.
  if (!raw.watch && raw.continue !== '' && raw.resourceVersion !== '' && raw.resourceVersion !== '0') {
    throw badRequest('specifying resource version is not allowed when using continue');
  }
  const match = raw.resourceVersionMatch;
  // Validation leaves only these for a list; a watch may still carry NotOlderThan.
  if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') throw new Error(`assertion failed: resourceVersionMatch ${match} passed validation`);
  return { ...raw, resourceVersionMatch: match, revision: parseResourceVersion(raw.resourceVersion) };
}
