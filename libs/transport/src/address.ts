// Peer addresses: `host:port`, or `[v6]:port`, as members give them.

/** Splits `host:port` / `[v6]:port` (an empty host stays empty); undefined for anything else. */
export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address);
  if (m === null || Number(m[3]) > 65_535) return undefined;
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}
