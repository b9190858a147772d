// HPACK decoding against nghttp2 (Node's HTTP/2) on both sides: header
// blocks Node's encoder wrote decode to what was sent, and strings our
// Huffman code table encodes are what nghttp2's decoder reads back.

import assert from 'node:assert/strict';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import * as http2 from 'node:http2';
import { describe, it } from 'node:test';
import { HpackDecoder, HpackError, encodeLiteralBlock, huffmanCode, huffmanDecode, type HeaderField } from '../src/hpack.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** The header blocks in a client's byte stream (HEADERS + CONTINUATION joined; no padding or priority expected from Node). */
function headerBlocks(bytes: Buffer): Buffer[] {
  assert.ok(bytes.subarray(0, PREFACE.length).equals(PREFACE));
  const blocks: Buffer[] = [];
  let open: Buffer[] | undefined;
  for (let at = PREFACE.length; at + 9 <= bytes.length; ) {
    const length = bytes.readUIntBE(at, 3);
    const type = bytes[at + 3]!;
    const flags = bytes[at + 4]!;
    const payload = bytes.subarray(at + 9, at + 9 + length);
    at += 9 + length;
    if (type === 0x1) {
      assert.equal(flags & 0x28, 0, 'Node sent padding or priority');
      open = [payload];
    } else if (type === 0x9) {
      open!.push(payload);
    } else continue;
    if ((flags & 0x4) !== 0) {
      blocks.push(Buffer.concat(open!));
      open = undefined;
    }
  }
  return blocks;
}

/** Everything a Node HTTP/2 client sends for `requests`, captured by a server that never answers. */
async function captureClient(requests: readonly Record<string, string>[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const server = createNetServer((s) => s.on('data', (c: Buffer) => chunks.push(c)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = http2.connect(`http://127.0.0.1:${port}`);
  client.on('error', () => {});
  for (const headers of requests) client.request({ ':method': 'POST', ...headers }, { endStream: true }).on('error', () => {});
  await new Promise((r) => setTimeout(r, 200));
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Buffer.concat(chunks);
}

/** A test-only Huffman encoder built from huffmanCode(). */
function huffmanEncode(s: Buffer): Buffer {
  let bits = 0n;
  let n = 0;
  for (const byte of s) {
    const { code, length } = huffmanCode(byte);
    bits = (bits << BigInt(length)) | BigInt(code);
    n += length;
  }
  const pad = (8 - (n % 8)) % 8;
  bits = (bits << BigInt(pad)) | ((1n << BigInt(pad)) - 1n);
  n += pad;
  const out = Buffer.alloc(n / 8);
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(bits & 0xffn);
    bits >>= 8n;
  }
  return out;
}

function hpackString(bytes: Buffer, huffman: boolean): Buffer {
  const data = huffman ? huffmanEncode(bytes) : bytes;
  const len: number[] = [];
  if (data.length < 127) len.push((huffman ? 0x80 : 0) | data.length);
  else {
    len.push((huffman ? 0x80 : 0) | 127);
    let rest = data.length - 127;
    while (rest >= 128) {
      len.push((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    len.push(rest);
  }
  return Buffer.concat([Buffer.from(len), data]);
}

describe('HPACK', () => {
  it('builds RFC 7541 Appendix B from its code lengths', () => {
    const known: [number, number, number][] = [[0, 0x1ff8, 13], [10, 0x3ffffffc, 30], [32, 0x14, 6], [48, 0x0, 5], [97, 0x3, 5], [88, 0xfc, 8], [92, 0x7fff0, 19], [255, 0x3ffffee, 26], [256, 0x3fffffff, 30]];
    for (const [symbol, code, length] of known) assert.deepEqual(huffmanCode(symbol), { code, length }, `symbol ${symbol}`);
  });

  it("decodes the header blocks Node's encoder writes: static and dynamic indexes, Huffman, eviction", async () => {
    const requests: Record<string, string>[] = [];
    for (let i = 0; i < 40; i++) {
      requests.push({
        ':path': `/etcdserverpb.KV/${i % 3 === 0 ? 'Range' : 'Put'}`,
        ':authority': i % 2 === 0 ? 'http://127.0.0.1:2379' : 'member-1.example:2379',
        'content-type': 'application/grpc',
        'user-agent': 'grpc-go/1.26.0',
        te: 'trailers',
        // Distinct long values fill the 4 KiB dynamic table and evict older entries.
        [`x-big-${i % 5}`]: `${'v'.repeat(200)}-${i}-${'~!"#$%&'.repeat(i % 4)}`,
        'x-same': 'repeated value',
      });
    }
    const blocks = headerBlocks(await captureClient(requests));
    assert.equal(blocks.length, requests.length);
    const decoder = new HpackDecoder();
    blocks.forEach((block, i) => {
      const got = new Map(decoder.decode(block));
      for (const [name, value] of Object.entries(requests[i]!)) assert.equal(got.get(name), value, `request ${i}: ${name}`);
      assert.equal(got.get(':method'), 'POST');
      assert.equal(got.get(':scheme'), 'http');
    });
  });

  it('Huffman strings our table encodes are what nghttp2 reads, for every byte a header value may hold', async () => {
    // nghttp2 refuses control characters in values; the rest of the byte range goes through it.
    const allowed = Buffer.from(Array.from({ length: 256 }, (_, b) => b).filter((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f)));
    const value = Buffer.concat([Buffer.from('x'), allowed, Buffer.from('x')]);
    const server = http2.createServer();
    const seen = new Promise<string>((resolve) => server.on('stream', (s, h) => {
      resolve(String(h['x-all']));
      s.respond({ ':status': 200 }, { endStream: true });
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    // A literal-with-indexing block: :method POST (3), :scheme http (6), :path / (4), then new-name fields.
    const field = (name: string, v: Buffer, huffman: boolean): Buffer => Buffer.concat([Buffer.from([0x40]), hpackString(Buffer.from(name), huffman), hpackString(v, huffman)]);
    const block = Buffer.concat([Buffer.from([0x83, 0x86, 0x84]), field(':authority', Buffer.from(`127.0.0.1:${port}`), true), field('x-all', value, true)]);
    const frame = (type: number, flags: number, stream: number, payload: Buffer): Buffer => {
      const h = Buffer.alloc(9);
      h.writeUIntBE(payload.length, 0, 3);
      h[3] = type;
      h[4] = flags;
      h.writeUInt32BE(stream, 5);
      return Buffer.concat([h, payload]);
    };
    const socket = netConnect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(Buffer.concat([PREFACE, frame(0x4, 0, 0, Buffer.alloc(0)), frame(0x1, 0x5, 1, block)]));
    try {
      assert.equal(await seen, value.toString('latin1'));
      // And our decoder reads the same block back.
      const fields = new Map(new HpackDecoder().decode(block));
      assert.equal(fields.get('x-all'), value.toString('latin1'));
      assert.equal(fields.get(':authority'), `127.0.0.1:${port}`);
    } finally {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses malformed Huffman strings and indexes', () => {
    const eos = Buffer.from([0xff, 0xff, 0xff, 0xff]); // EOS (30 ones) then padding
    assert.throws(() => huffmanDecode(eos), HpackError);
    assert.throws(() => huffmanDecode(Buffer.from([0x1f, 0xff])), /padding/); // 'a' then 11 one-bits: padding longer than 7
    assert.throws(() => huffmanDecode(Buffer.from([0x18])), /padding/); // 'a' then padding of zeros
    assert.equal(huffmanDecode(Buffer.from([0x1f])), 'a');
    const decoder = new HpackDecoder();
    assert.throws(() => decoder.decode(Buffer.from([0x80])), /index 0/);
    assert.throws(() => decoder.decode(Buffer.from([0xbe])), /not in the table/); // index 62: dynamic, empty
    assert.throws(() => decoder.decode(Buffer.from([0x3f, 0xe2, 0x1f])), /above the limit/); // size update to 4096 + 1
    assert.throws(() => decoder.decode(Buffer.from([0x00, 0x05, 0x61])), /truncated/);
  });

  it('writes literal blocks any decoder reads the same, long names and values included', () => {
    const fields: HeaderField[] = [[':authority', '127.0.0.1:2379'], ['x-long', 'y'.repeat(70_000 - 200)], ['k'.repeat(300), '']];
    const block = encodeLiteralBlock(fields);
    const decoder = new HpackDecoder(4096, 128 * 1024);
    assert.deepEqual(decoder.decode(block), fields);
    // Literals without indexing leave the table alone: the same block decodes again identically.
    assert.deepEqual(decoder.decode(block), fields);
    assert.throws(() => new HpackDecoder().decode(block), /header list too large/);
  });
});
