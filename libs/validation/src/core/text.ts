// Go's view of strings: lengths in UTF-8 bytes.

const ENCODER = new TextEncoder();

export function byteLength(s: string): number {
  return ENCODER.encode(s).length;
}
