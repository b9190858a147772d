// What an audit event takes from the HTTP request: the User-Agent and the
// source IPs, exactly the headers kube records and nothing else. Everything
// else (Authorization above all) never reaches an event.

import { isIP } from 'node:net';

export type HeaderValue = string | readonly string[] | undefined;
export type RequestHeaders = Readonly<Record<string, HeaderValue>>;

/** kube truncates longer User-Agents so a client cannot bloat every event. */
export const MAX_USER_AGENT_LENGTH = 1024;
const USER_AGENT_TRUNCATE_SUFFIX = '...TRUNCATED';

function header(headers: RequestHeaders, name: string): string {
  // Node lower-cases incoming header names; accept any case from other callers.
  let v = headers[name];
  if (v === undefined) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name) v = headers[k];
  }
  if (v === undefined) return '';
  return typeof v === 'string' ? v : v[0] ?? '';
}

export function userAgent(headers: RequestHeaders): string {
  const ua = header(headers, 'user-agent');
  return ua.length > MAX_USER_AGENT_LENGTH ? ua.slice(0, MAX_USER_AGENT_LENGTH) + USER_AGENT_TRUNCATE_SUFFIX : ua;
}

// Go prints an IPv4-mapped IPv6 address as plain IPv4; Node reports sockets
// on dual-stack listeners in the mapped form.
function normalizeIP(s: string): string | undefined {
  const t = s.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(t);
  if (mapped !== null && isIP(mapped[1] ?? '') === 4) return mapped[1];
  const kind = isIP(t);
  if (kind === 0) return undefined;
  return kind === 6 ? t.toLowerCase() : t;
}

/**
 * kube's SourceIPs: every valid X-Forwarded-For entry, then X-Real-Ip unless
 * already listed, then the connection's address unless it repeats the last.
 */
export function sourceIPs(headers: RequestHeaders, remoteAddress: string | undefined): string[] {
  const ips: string[] = [];
  const forwarded = header(headers, 'x-forwarded-for');
  if (forwarded !== '') {
    for (const part of forwarded.split(',')) {
      const ip = normalizeIP(part);
      if (ip !== undefined) ips.push(ip);
    }
  }
  const realIp = header(headers, 'x-real-ip');
  if (realIp !== '') {
    const ip = normalizeIP(realIp);
    if (ip !== undefined && !ips.includes(ip)) ips.push(ip);
  }
  const remote = remoteAddress === undefined ? undefined : normalizeIP(remoteAddress);
  if (remote !== undefined && ips[ips.length - 1] !== remote) ips.push(remote);
  return ips;
}
