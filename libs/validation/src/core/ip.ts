// IP addresses and CIDRs as numbers, parsed the way Go's net.ParseIP (via
// kube's ParseIPSloppy) accepts them: IPv4 octets may carry leading zeros and
// are read as decimal.

export type IPFamily = 'IPv4' | 'IPv6';

export interface IPAddr {
  readonly family: IPFamily;
  readonly value: bigint;
}

export interface CIDR {
  readonly family: IPFamily;
  /** The network address (host bits cleared). */
  readonly base: bigint;
  readonly prefixLength: number;
  /** Number of addresses in the CIDR. */
  readonly size: bigint;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  const groups: number[] = [];
  // A trailing dotted IPv4 fills the last two groups.
  const lastColon = head.lastIndexOf(':');
  if (head.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(head.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    head = head.slice(0, lastColon + 1) + '0:0';
    groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h.length === 0) return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0] ?? '');
  const right = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (left === undefined || right === undefined) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    all = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    all = left;
  }
  if (all.length !== 8) return undefined;
  if (groups.length === 2) all.splice(6, 2, groups[0] ?? 0, groups[1] ?? 0);
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(g);
  return v;
}

export function parseIP(text: string): IPAddr | undefined {
  if (text.includes(':')) {
    const v = parseIPv6(text);
    if (v === undefined) return undefined;
    // An IPv4-mapped IPv6 address is an IPv4 address to Go.
    if (v >> 32n === 0xffffn) return { family: 'IPv4', value: v & 0xffffffffn };
    return { family: 'IPv6', value: v };
  }
  const v = parseIPv4(text);
  return v === undefined ? undefined : { family: 'IPv4', value: v };
}

export function bitsOf(family: IPFamily): number {
  return family === 'IPv4' ? 32 : 128;
}

export function formatIP(ip: IPAddr): string {
  if (ip.family === 'IPv4') {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function parseCIDR(text: string): CIDR | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ipText = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lenText)) return undefined;
  const ip = parseIP(ipText);
  if (ip === undefined) return undefined;
  // A mapped address keeps IPv6 prefix arithmetic in Go; Logbook rejects it rather than guess.
  if (ipText.includes(':') && ip.family === 'IPv4') return undefined;
  const bits = bitsOf(ip.family);
  const prefixLength = Number(lenText);
  if (prefixLength > bits) return undefined;
  const hostBits = BigInt(bits - prefixLength);
  const base = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, base, prefixLength, size: 1n << hostBits };
}

export function formatCIDR(c: CIDR): string {
  return `${formatIP({ family: c.family, value: c.base })}/${c.prefixLength}`;
}

export function cidrContains(c: CIDR, ip: IPAddr): boolean {
  return ip.family === c.family && ip.value >= c.base && ip.value < c.base + c.size;
}
