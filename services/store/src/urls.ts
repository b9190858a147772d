// The URL lists etcd's flags take: listen URLs (bound here), advertised URLs
// (given to others) and the --initial-cluster map. Parsed by hand rather than
// with WHATWG `URL`, which drops a default port (http://h:80 becomes http://h)
// where etcd insists on an explicit host:port.

import { isIP } from 'node:net';
import { parseHostPort } from '@logbook/cli-kit';

export interface ListenUrl {
  readonly scheme: 'http' | 'https' | 'unix' | 'unixs';
  /** The address to bind: an IP literal ("localhost" is resolved to 127.0.0.1). */
  readonly host: string;
  readonly port: number;
  /** The URL as written (scheme lower-cased), for logs and messages. */
  readonly url: string;
}

export interface InitialClusterMember {
  readonly name: string;
  readonly peerUrls: readonly string[];
}

interface SplitUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

/**
 * One http(s) URL with an explicit host:port and nothing after it, or a
 * problem. `what` names the flag in messages. Unix-socket schemes are valid
 * for etcd but refused here: the store's listeners are TCP only.
 */
function splitUrl(raw: string, what: string, problems: string[]): SplitUrl | undefined {
  const s = raw.trim();
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(s);
  if (m === null) {
    problems.push(`${what}: "${s}" is not a URL (want http://HOST:PORT or https://HOST:PORT)`);
    return undefined;
  }
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!;
  if (scheme === 'unix' || scheme === 'unixs') {
    problems.push(`${what}: unix socket URL "${s}" is not supported by Logbook (use http or https)`);
    return undefined;
  }
  if (scheme !== 'http' && scheme !== 'https') {
    problems.push(`${what}: URL scheme must be http or https (got "${s}")`);
    return undefined;
  }
  if (m[3] !== '') {
    problems.push(`${what}: URL must not contain a path, query or fragment (got "${s}")`);
    return undefined;
  }
  const hp = authority.includes('@') ? undefined : parseHostPort(authority);
  if (hp === undefined || hp.host === '') {
    problems.push(`${what}: URL address must have the form "host:port" (got "${s}")`);
    return undefined;
  }
  return { scheme, host: hp.host, port: hp.port, url: `${scheme}://${authority}` };
}

/** Split a comma-separated list, dropping empty items and repeats (first kept), as etcd's URL flags do. */
function items(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of raw.split(',')) {
    const s = item.trim();
    if (s === '' || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

/**
 * URLs to bind. etcd will not resolve names for binding (only "localhost" is
 * special-cased), so the host must be an IP literal or localhost.
 */
export function parseListenUrls(raw: string, what: string, problems: string[]): ListenUrl[] {
  const list = items(raw);
  if (list.length === 0) problems.push(`${what} must list at least one URL`);
  const out: ListenUrl[] = [];
  for (const item of list) {
    const u = splitUrl(item, what, problems);
    if (u === undefined) continue;
    const host = u.host.toLowerCase() === 'localhost' ? '127.0.0.1' : u.host;
    if (isIP(host) === 0) {
      problems.push(`${what}: expected an IP address or localhost in a URL to bind to (got "${u.url}")`);
      continue;
    }
    out.push({ scheme: u.scheme as ListenUrl['scheme'], host, port: u.port, url: u.url });
  }
  return out;
}

/** URLs given to clients or peers: any host name, a port other than 0. */
export function parseAdvertiseUrls(raw: string, what: string, problems: string[]): string[] {
  const list = items(raw);
  if (list.length === 0) problems.push(`${what} must list at least one URL`);
  const out: string[] = [];
  for (const item of list) {
    const u = splitUrl(item, what, problems);
    if (u === undefined) continue;
    if (u.port === 0) {
      problems.push(`${what}: an advertised URL needs a real port (got "${u.url}")`);
      continue;
    }
    out.push(u.url);
  }
  return out;
}

/** True when the URL's host is 0.0.0.0 or :: — bindable, but useless to anyone told to connect to it. */
export function isUnspecifiedHost(url: string): boolean {
  const m = /^[a-z]+:\/\/(.*):\d+$/.exec(url);
  const host = m?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? '';
  return host === '0.0.0.0' || (isIP(host) === 6 && /^[0:]+$/.test(host));
}

/**
 * `name=url,name=url,...`; a name may repeat to give a member several peer
 * URLs. Members keep the order of their first appearance.
 */
export function parseInitialCluster(raw: string, what: string, problems: string[]): InitialClusterMember[] {
  const byName = new Map<string, string[]>();
  let entries = 0;
  for (const item of raw.split(',')) {
    if (item.trim() === '') continue;
    entries++;
    const eq = item.indexOf('=');
    const name = eq === -1 ? '' : item.slice(0, eq).trim();
    if (eq === -1 || name === '') {
      problems.push(`${what}: entry "${item}" must have the form NAME=URL`);
      continue;
    }
    const u = splitUrl(item.slice(eq + 1), `${what} (member "${name}")`, problems);
    if (u === undefined) continue;
    const urls = byName.get(name) ?? [];
    if (!urls.includes(u.url)) urls.push(u.url);
    byName.set(name, urls);
  }
  if (entries === 0) problems.push(`${what} must list at least one member`);
  return [...byName].map(([name, peerUrls]) => ({ name, peerUrls }));
}

/** Canonical form for comparing URLs: scheme and host case-insensitively. */
export function urlKey(url: string): string {
  return url.toLowerCase();
}
