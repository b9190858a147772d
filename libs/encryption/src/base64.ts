// Go's base64.StdEncoding.DecodeString, which kube uses for key secrets.
// Buffer.from(s, 'base64') is far more lenient (it skips invalid characters,
// accepts URL-safe letters and missing padding), so a config kube rejects
// would be accepted with a different key. Go strips \r and \n, requires
// padding to a multiple of four and rejects anything else.

const ALPHABET = /^[A-Za-z0-9+/]*$/;

/** The decoded bytes, or undefined when Go would return an error. */
export function decodeStdBase64(text: string): Uint8Array | undefined {
  const s = text.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0) return undefined;
  let body = s;
  if (body.endsWith('==')) body = body.slice(0, -2);
  else if (body.endsWith('=')) body = body.slice(0, -1);
  if (!ALPHABET.test(body)) return undefined;
  // A padded final quantum must carry 2 or 3 data characters, never 1.
  if (body.length % 4 === 1) return undefined;
  const buf = Buffer.from(body, 'base64');
  return Uint8Array.from(buf);
}
