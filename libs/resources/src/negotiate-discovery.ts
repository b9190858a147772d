// Chooses between aggregated and legacy discovery from the Accept header.
// kubectl picks its parser only from the response Content-Type, so the
// Content-Type must name exactly what was chosen (see discoveryContentType).

import type { DiscoveryVersion } from './aggregated-discovery.ts';

export type DiscoveryChoice =
  | { readonly kind: 'aggregated'; readonly version: DiscoveryVersion }
  | { readonly kind: 'legacy' }
  // Nothing offered is something discovery can produce: the caller answers 406.
  | { readonly kind: 'not-acceptable' };

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

// A header longer than this is not a browser or client-go: it is cut off at the
// bound and the ranges after it are not considered.
const MAX_ACCEPT_LENGTH = 4096;

function parseRange(text: string): MediaRange | undefined {
  const [mediaType = '', ...rawParams] = text.split(';').map((p) => p.trim());
  const slash = mediaType.indexOf('/');
  if (slash <= 0 || slash === mediaType.length - 1) return undefined;
  const params = new Map<string, string>();
  let q = 1;
  for (const raw of rawParams) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    if (eq <= 0) return undefined;
    const key = raw.slice(0, eq).trim().toLowerCase();
    const value = raw.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (key === 'q') {
      // RFC 9110 qvalue: 0 to 1 with at most three decimals; anything else spoils the range.
      if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value)) return undefined;
      q = Number(value);
    } else {
      params.set(key, value);
    }
  }
  return { type: mediaType.slice(0, slash).toLowerCase(), subtype: mediaType.slice(slash + 1).toLowerCase(), params, q };
}

/**
 * Orders ranges as kube-apiserver's negotiation does: higher q first; at equal
 * q a concrete type before a wildcard, then more parameters before fewer (so
 * `application/json;g=…;v=v2;as=…` beats plain `application/json`); otherwise
 * the client's own order.
 */
function compareRanges(a: MediaRange, b: MediaRange): number {
  if (a.q !== b.q) return b.q - a.q;
  const wildcard = (r: MediaRange): number => (r.type === '*' ? 2 : r.subtype === '*' ? 1 : 0);
  return wildcard(a) - wildcard(b) || b.params.size - a.params.size;
}

const IGNORABLE_PARAMS = new Set(['charset']);

function choiceFor(range: MediaRange): DiscoveryChoice | undefined {
  if (range.type === '*' && range.subtype === '*') return { kind: 'legacy' };
  if (range.type !== 'application') return undefined;
  if (range.subtype === '*') return { kind: 'legacy' };
  if (range.subtype !== 'json') return undefined;
  const params = [...range.params].filter(([key]) => !IGNORABLE_PARAMS.has(key));
  if (params.length === 0) return { kind: 'legacy' };
  const p = range.params;
  const version = p.get('v');
  const isDiscovery = p.get('g') === 'apidiscovery.k8s.io' && p.get('as') === 'APIGroupDiscoveryList';
  // profile=nopeer asks for this server's own view, which is the only view Logbook has.
  const profileOk = !p.has('profile') || p.get('profile') === 'nopeer';
  const known = params.every(([key]) => key === 'g' || key === 'v' || key === 'as' || key === 'profile');
  if (isDiscovery && profileOk && known && (version === 'v2' || version === 'v2beta1')) return { kind: 'aggregated', version };
  return undefined;
}

/** The discovery form to serve for an Accept header; absent or empty means legacy JSON. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryChoice {
  if (accept === undefined || accept.trim() === '') return { kind: 'legacy' };
  const ranges = accept
    .slice(0, MAX_ACCEPT_LENGTH)
    .split(',')
    .map(parseRange)
    .filter((r): r is MediaRange => r !== undefined && r.q > 0)
    .sort(compareRanges);
  for (const range of ranges) {
    const choice = choiceFor(range);
    if (choice !== undefined) return choice;
  }
  return { kind: 'not-acceptable' };
}

/** The exact Content-Type for a served choice; kubectl matches on g, v and as. */
export function discoveryContentType(choice: Exclude<DiscoveryChoice, { kind: 'not-acceptable' }>): string {
  return choice.kind === 'aggregated'
    ? `application/json;g=apidiscovery.k8s.io;v=${choice.version};as=APIGroupDiscoveryList`
    : 'application/json';
}
