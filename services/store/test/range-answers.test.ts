// Long Range answers are written to the client straight from the buffer the
// scan filled, and that buffer is reused for a later answer once the socket
// took it (libs/mvcc wire-kvs.ts, libs/grpc-server whenSent). Many long
// answers in flight at once, on shared connections, each arrive exactly as
// the store holds them: none is overwritten by another's reuse. The reads
// go through @grpc/grpc-js, whose 64 KiB default stream window makes each
// answer leave in many steps while the others are served.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import { EtcdClient } from '@logbook/etcd-client';
import type { RangeRequest, RangeResponse } from '@logbook/mvcc';
import { startSingleMember } from './single-member.ts';

const KEYS = 1500;
const key = (prefix: string, i: number): string => `/${prefix}/${String(i).padStart(5, '0')}`;
/** Distinct per prefix and key, of varied length (200–700 bytes): answers of ~0.7 MB. */
function value(prefix: string, i: number): Buffer {
  return Buffer.alloc(200 + ((i * 37) % 500), `${prefix}${i % 97}|`);
}

test('concurrent long ranges over shared connections each answer exactly the stored keys', async () => {
  const m = await startSingleMember();
  const { endpoint, clientPort } = m;
  const writer = EtcdClient.connect({ endpoints: [endpoint] });
  const readers = [0, 1].map(() => new grpc.Client(`127.0.0.1:${clientPort}`, grpc.credentials.createInsecure()));
  const range = (c: grpc.Client, req: RangeRequest): Promise<RangeResponse> =>
    new Promise((resolve, reject) => {
      c.makeUnaryRequest(
        '/etcdserverpb.KV/Range',
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        api.encodeRangeRequest(req),
        new grpc.Metadata(),
        { deadline: Date.now() + 20_000 },
        (err, res) => (err === null && res !== undefined ? resolve(api.decodeRangeResponse(res).response) : reject(err ?? new Error('no response'))),
      );
    });
  try {
    for (const prefix of ['a', 'b']) {
      let next = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < KEYS) {
          const i = next++;
          await writer.put({ key: Buffer.from(key(prefix, i)), value: value(prefix, i) });
        }
      }));
    }
    const request = (prefix: string, form: 'all' | 'keysOnly' | 'limit'): RangeRequest => ({
      key: Buffer.from(`/${prefix}/`),
      rangeEnd: Buffer.from(`/${prefix}0`),
      serializable: true,
      ...(form === 'keysOnly' ? { keysOnly: true } : {}),
      ...(form === 'limit' ? { limit: 700 } : {}),
    });
    const expect = (r: RangeResponse, prefix: string, form: 'all' | 'keysOnly' | 'limit'): void => {
      const n = form === 'limit' ? 700 : KEYS;
      assert.equal(r.count, KEYS);
      assert.equal(r.kvs.length, n, `${prefix} ${form}`);
      for (let i = 0; i < n; i++) {
        const kv = r.kvs[i]!;
        assert.equal(Buffer.from(kv.key).toString(), key(prefix, i), `${prefix} ${form}: key ${i}`);
        const want = form === 'keysOnly' ? Buffer.alloc(0) : value(prefix, i);
        assert.ok(Buffer.from(kv.value).equals(want), `${prefix} ${form}: value of ${key(prefix, i)}`);
      }
    };
    const check = async (c: grpc.Client, prefix: string, form: 'all' | 'keysOnly' | 'limit'): Promise<void> => {
      expect(await range(c, request(prefix, form)), prefix, form);
    };

    // An answer the client does not read (its stream window is 1000 bytes)
    // waits in the server while other long answers are made and sent.
    const held = http2.connect(endpoint, { settings: { initialWindowSize: 1000 } });
    held.on('error', () => {});
    try {
      const body = api.encodeRangeRequest(request('a', 'all'));
      const framed = Buffer.alloc(5 + body.length);
      framed.writeUInt32BE(body.length, 1);
      framed.set(body, 5);
      const stream = held.request({ ':method': 'POST', ':path': '/etcdserverpb.KV/Range', 'content-type': 'application/grpc', te: 'trailers' });
      stream.end(framed);
      await new Promise<void>((resolve) => stream.once('response', () => resolve()));
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 3; i++) await check(readers[0]!, 'b', 'all');
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      await new Promise<void>((resolve, reject) => {
        stream.once('end', () => resolve());
        stream.once('error', reject);
      });
      const message = Buffer.concat(parts);
      assert.equal(message.readUInt32BE(1), message.length - 5);
      expect(api.decodeRangeResponse(message.subarray(5)).response, 'a', 'all');
    } finally {
      held.close();
    }

    for (let round = 0; round < 3; round++) {
      const forms = ['all', 'keysOnly', 'limit'] as const;
      await Promise.all(Array.from({ length: 12 }, (_, k) => check(readers[k % 2]!, k % 4 < 2 ? 'a' : 'b', forms[k % 3]!)));
    }
  } finally {
    writer.close();
    for (const c of readers) c.close();
    await m.close();
  }
});
