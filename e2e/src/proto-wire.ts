// Just enough protobuf to put a key and read the response header, for the
// failover test's writers. Why not @logbook/etcd-api: an e2e test of the
// store must keep working while the store's own codecs change, and against
// real etcd, whose member ids (uint64 above 2^53) those codecs do not take.
// Field numbers are etcd's (rpc.proto): PutRequest{key=1, value=2},
// PutResponse{header=1}, ResponseHeader{cluster_id=1, member_id=2, revision=3, raft_term=4}.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

function varint(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint out of range: ${n}`);
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function bytesField(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint((fieldNumber << 3) | WIRE_LEN), ...varint(bytes.length), ...bytes]);
}

export function encodePutRequest(key: Uint8Array, value: Uint8Array): Uint8Array {
  const k = bytesField(1, key);
  const v = bytesField(2, value);
  const out = new Uint8Array(k.length + v.length);
  out.set(k, 0);
  out.set(v, k.length);
  return out;
}

function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n, i = pos; i < b.length && shift < 70n; shift += 7n, i++) {
    const byte = b[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('malformed protobuf: truncated varint');
}

/** Top-level fields of a message: number -> last varint value or last length-delimited bytes. */
function fields(b: Uint8Array): Map<number, bigint | Uint8Array> {
  const out = new Map<number, bigint | Uint8Array>();
  let pos = 0;
  while (pos < b.length) {
    const [tag, p1] = readVarint(b, pos);
    const fieldNumber = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    pos = p1;
    if (wire === WIRE_VARINT) {
      const [v, p2] = readVarint(b, pos);
      out.set(fieldNumber, v);
      pos = p2;
    } else if (wire === WIRE_LEN) {
      const [len, p2] = readVarint(b, pos);
      const end = p2 + Number(len);
      if (end > b.length) throw new Error('malformed protobuf: field runs past the message');
      out.set(fieldNumber, b.subarray(p2, end));
      pos = end;
    } else if (wire === WIRE_I64) {
      pos += 8;
    } else if (wire === WIRE_I32) {
      pos += 4;
    } else {
      throw new Error(`malformed protobuf: wire type ${wire}`);
    }
  }
  if (pos !== b.length) throw new Error('malformed protobuf: truncated fixed-width field');
  return out;
}

export interface ResponseHeader {
  readonly memberId: bigint;
  readonly revision: number;
  readonly raftTerm: number;
}

/** The header of any etcd response (field 1 of every *Response message). */
export function decodeResponseHeader(response: Uint8Array): ResponseHeader {
  const header = fields(response).get(1);
  const h = header instanceof Uint8Array ? fields(header) : new Map<number, bigint | Uint8Array>();
  const int = (n: number): bigint => {
    const v = h.get(n);
    return typeof v === 'bigint' ? v : 0n;
  };
  const revision = int(3);
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`revision ${revision} is not a safe integer`);
  return { memberId: int(2), revision: Number(revision), raftTerm: Number(int(4)) };
}
