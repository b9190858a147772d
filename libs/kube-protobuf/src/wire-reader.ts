// A bounds-checked cursor over protobuf wire bytes. Every read checks the
// end first, so truncated input is an error, never an out-of-range read; the
// messages are gogo-protobuf's, which is what kube-apiserver would say.

import { KubeProtobufError, malformed } from './errors.ts';

export const WIRE_TYPES = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

export class WireReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    if (!(pos >= 0 && pos <= end && end <= buf.length)) throw new RangeError(`WireReader: bad window ${pos}..${end} of ${buf.length}`);
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint of up to 64 bits, as an unsigned bigint. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw malformed('unexpected EOF');
      const b = this.buf[this.pos++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw malformed('proto: integer overflow');
  }

  /** A varint that must fit a length or a tag: a safe non-negative number. */
  smallVarint(): number {
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed('proto: negative length found during unmarshaling');
    return Number(v);
  }

  fixed(bytes: 4 | 8): DataView {
    if (this.end - this.pos < bytes) throw malformed('unexpected EOF');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, bytes);
    this.pos += bytes;
    return view;
  }

  /** The window of a length-delimited field; the cursor moves past it. */
  delimited(): WireReader {
    const len = this.smallVarint();
    if (len > this.end - this.pos) throw malformed('unexpected EOF');
    const sub = new WireReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return sub;
  }

  bytes(): Uint8Array {
    const sub = this.delimited();
    return this.buf.subarray(sub.pos, sub.end);
  }

  /**
   * Skips one field's value. Groups (deprecated, never written by kube) may
   * nest; each level counts against the caller's depth budget.
   */
  skip(wireType: number, field: number, depthLeft: number): void {
    switch (wireType) {
      case WIRE_TYPES.varint: this.varint(); return;
      case WIRE_TYPES.fixed64: this.fixed(8); return;
      case WIRE_TYPES.bytes: this.delimited(); return;
      case WIRE_TYPES.fixed32: this.fixed(4); return;
      case WIRE_TYPES.startGroup: {
        if (depthLeft <= 0) throw new KubeProtobufError('TooDeep', 'proto: message nesting exceeds the depth limit');
        for (;;) {
          const { field: f, wireType: wt } = this.tag();
          if (wt === WIRE_TYPES.endGroup) {
            if (f !== field) throw malformed(`proto: illegal tag ${f} (wire type 4)`);
            return;
          }
          this.skip(wt, f, depthLeft - 1);
        }
      }
      default: throw malformed(`proto: illegal wireType ${wireType}`);
    }
  }

  tag(): { readonly field: number; readonly wireType: number } {
    const t = this.varint();
    if (t > 0xffffffffn) throw malformed('proto: integer overflow');
    const field = Number(t >> 3n);
    const wireType = Number(t & 7n);
    if (field <= 0) throw malformed(`proto: illegal tag ${field} (wire type ${wireType})`);
    return { field, wireType };
  }
}
