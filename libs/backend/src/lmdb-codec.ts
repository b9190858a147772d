// How the keyspace databases hand bytes to JavaScript. lmdb-js's 'binary'
// encoding returns each key and value as a Buffer sliced from its shared read
// buffer, which we then had to re-wrap as a plain Uint8Array: two typed-array
// allocations per value, the largest cost of a long range (a 10,000-key range
// spent more time there than in LMDB). This codec copies each key and value
// once, straight into a plain Uint8Array, and lets a range copy values into
// a caller's buffer without allocating one array per value at all (rangeInto).

import type { ValueSink } from './backend.ts';

/** Buffer's native copy (no view allocated), applied to plain Uint8Arrays too: it accepts any Uint8Array as source. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call and an explicit source
const copyBytes = (Buffer.prototype as Buffer).copy;

/**
 * V8 keeps a typed array this small inside its heap (its
 * typed_array_max_size_in_heap default). Buffer.copy needs the target's
 * ArrayBuffer, and asking an in-heap array for it moves its bytes out to a
 * malloc'd store: 0.63 µs per copy of a 16–64-byte key, against 0.1 µs for
 * TypedArray.set from a view of the source (scratch microbench, Node 24).
 */
const IN_HEAP_MAX_BYTES = 64;

/** A copy of src[start, end) as a plain Uint8Array. */
function copyOut(src: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  if (end - start <= IN_HEAP_MAX_BYTES) out.set(src.subarray(start, end));
  else copyBytes.call(src, out, 0, start, end); // no intermediate view
  return out;
}

/**
 * The sink of the range step running now, if any. lmdb-js decodes a value
 * inside the iterator's next(), synchronously; rangeInto sets this around
 * exactly that call, so values of no other read can land in the sink.
 */
let capture: ValueSink | undefined;

/** What decode returns for a value that went into the capture sink. */
const CAPTURED = new Uint8Array(0);

export function withCapture<T>(sink: ValueSink, step: () => T): T {
  capture = sink;
  try {
    return step();
  } finally {
    capture = undefined;
  }
}

/**
 * lmdb-js's value codec. decode() gets lmdb's shared buffer (reused by the
 * next read) and the value's size; it must copy. For get() the second
 * argument is the read's options, and the buffer's length is the size.
 */
export const valueCodec = {
  needsStableBuffer: false,
  encode(value: Uint8Array): Uint8Array {
    return value;
  },
  decode(bytes: Uint8Array, size?: unknown): Uint8Array {
    const n = typeof size === 'number' ? size : bytes.length;
    const sink = capture;
    if (sink === undefined) return copyOut(bytes, 0, n);
    const offset = sink.reserve(n);
    copyBytes.call(bytes, sink.buffer, offset, 0, n);
    sink.written();
    return CAPTURED;
  },
};

/** lmdb-js's key codec: keys are raw bytes both ways. */
export const keyCodec = {
  writeKey(key: Uint8Array, target: Uint8Array, start: number): number {
    target.set(key, start);
    return start + key.length;
  },
  readKey(source: Uint8Array, start: number, end: number): Uint8Array {
    return copyOut(source, start, end);
  },
};
