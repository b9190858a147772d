// The commands of the replicated key/value store and their results. Commands
// are encoded as JSON in log entries; decoding validates everything, since log
// bytes come from disk and from peers.

export const MAX_KEY_BYTES = 1024;

export type KvCommand =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string }
  /** Compare-and-swap: when the current value is `expected` (null: absent), set `value` (null: delete). */
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string | null };

export type KvResult =
  | { readonly op: 'put'; readonly index: number; readonly prev: string | null }
  | { readonly op: 'delete'; readonly index: number; readonly prev: string | null }
  | { readonly op: 'cas'; readonly index: number; readonly succeeded: boolean; readonly current: string | null }
  /** A malformed command in the log: applied as a no-op on every member alike. */
  | { readonly op: 'invalid'; readonly index: number; readonly reason: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeCommand(c: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(c));
}

/** Returns the command, or a reason why the bytes are not one. */
export function decodeCommand(data: Uint8Array): KvCommand | { readonly invalid: string } {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(data));
  } catch (err) {
    return { invalid: `not JSON: ${(err as Error).message}` };
  }
  if (typeof v !== 'object' || v === null) return { invalid: 'not an object' };
  const o = v as Record<string, unknown>;
  const keyProblem = validateKey(o['key']);
  if (keyProblem !== undefined) return { invalid: keyProblem };
  const key = o['key'] as string;
  const optString = (x: unknown): x is string | null => x === null || typeof x === 'string';
  switch (o['op']) {
    case 'put':
      return typeof o['value'] === 'string' ? { op: 'put', key, value: o['value'] } : { invalid: 'put needs a string value' };
    case 'delete':
      return { op: 'delete', key };
    case 'cas':
      return optString(o['expected']) && optString(o['value'])
        ? { op: 'cas', key, expected: o['expected'], value: o['value'] }
        : { invalid: 'cas needs expected and value, each a string or null' };
    default:
      return { invalid: `unknown op ${JSON.stringify(o['op'])}` };
  }
}

/** Why `key` is not a valid key, or undefined when it is. */
export function validateKey(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'key must be a string';
  if (key.length === 0) return 'key must not be empty';
  if (encoder.encode(key).byteLength > MAX_KEY_BYTES) return `key must be at most ${MAX_KEY_BYTES} bytes`;
  return undefined;
}
