// The behaviour every Backend must show, run against each implementation.
// A factory returns a fresh, empty backend; the suite closes what it opens.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Backend, Bytes, ValueSink } from '../src/backend.ts';
import { BackendClosedError, BackendError } from '../src/errors.ts';
import { MAX_KEY_BYTES, compareBytes } from '../src/keys.ts';

export type BackendFactory = () => Backend | Promise<Backend>;

const b = (...bytes: number[]): Bytes => Uint8Array.from(bytes);
const hex = (bytes: Bytes): string => Buffer.from(bytes).toString('hex');
const key = (i: number): Bytes => {
  const k = new Uint8Array(4);
  new DataView(k.buffer).setUint32(0, i);
  return k;
};

function keysOf(backend: Backend, start: Bytes, end: Bytes | undefined, reverse = false, limit?: number): string[] {
  return backend.read((txn) =>
    [...txn.range(start, end, { reverse, ...(limit === undefined ? {} : { limit }) })].map(([k]) => hex(k)),
  );
}

async function collect(pairs: AsyncIterable<readonly [Bytes, Bytes]>): Promise<(readonly [Bytes, Bytes])[]> {
  const out: (readonly [Bytes, Bytes])[] = [];
  for await (const pair of pairs) out.push(pair);
  return out;
}

async function* fromArray(pairs: readonly (readonly [Bytes, Bytes])[]): AsyncIterable<readonly [Bytes, Bytes]> {
  for (const pair of pairs) {
    await Promise.resolve();
    yield pair;
  }
}

/** A ValueSink that keeps each value's bounds, growing its buffer as the contract allows. */
class TestSink implements ValueSink {
  buffer = new Uint8Array(4);
  used = 0;
  readonly bounds: [number, number][] = [];
  #pending = -1;

  reserve(size: number): number {
    assert.equal(this.#pending, -1, 'reserve() twice without written()');
    if (this.used + size > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.used + size));
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    this.#pending = size;
    return this.used;
  }

  written(): void {
    assert.notEqual(this.#pending, -1, 'written() without reserve()');
    this.bounds.push([this.used, this.used + this.#pending]);
    this.used += this.#pending;
    this.#pending = -1;
  }

  values(): string[] {
    return this.bounds.map(([a, z]) => hex(this.buffer.subarray(a, z)));
  }
}

function isCode(code: BackendError['code']): (error: unknown) => boolean {
  return (error: unknown) => error instanceof BackendError && error.code === code;
}

// Byte-order edge cases: 0x00 and 0xff bytes, and keys that prefix others.
const ORDER_KEYS = [b(0x00), b(0x00, 0x00), b(0x00, 0xff), b(0x01), b(0x01, 0x00), b(0x01, 0x00, 0x00), b(0x01, 0xff), b(0x02), b(0x7f), b(0x80), b(0xff), b(0xff, 0x00), b(0xff, 0xff)];

export function describeBackendContract(name: string, factory: BackendFactory): void {
  describe(`Backend contract: ${name}`, () => {
    const opened: Backend[] = [];
    const fresh = async (): Promise<Backend> => {
      const backend = await factory();
      opened.push(backend);
      return backend;
    };
    afterEach(async () => {
      for (const backend of opened.splice(0)) await backend.close();
    });

    it('gets, puts, overwrites and deletes', async () => {
      const db = await fresh();
      assert.equal(db.read((t) => t.get(b(1))), undefined);
      db.write((t) => t.put(b(1), b(10)));
      assert.deepEqual(db.read((t) => t.get(b(1))), b(10));
      db.write((t) => t.put(b(1), b(11, 12)));
      assert.deepEqual(db.read((t) => t.get(b(1))), b(11, 12));
      db.write((t) => t.put(b(2), new Uint8Array(0)));
      assert.deepEqual(db.read((t) => t.get(b(2))), new Uint8Array(0));
      db.write((t) => t.delete(b(1)));
      db.write((t) => t.delete(b(3))); // absent: no-op
      assert.equal(db.read((t) => t.get(b(1))), undefined);
      assert.deepEqual(keysOf(db, b(), undefined), ['02']);
    });

    it('returns the write callback result', async () => {
      const db = await fresh();
      assert.equal(db.write(() => 42), 42);
      assert.equal(db.read(() => 'x'), 'x');
    });

    it('does not alias caller buffers', async () => {
      const db = await fresh();
      const k = b(5);
      const v = b(1, 2, 3);
      db.write((t) => t.put(k, v));
      v[0] = 99;
      k[0] = 6;
      const got = db.read((t) => t.get(b(5)));
      assert.deepEqual(got, b(1, 2, 3));
      if (got !== undefined) got[1] = 99;
      assert.deepEqual(db.read((t) => t.get(b(5))), b(1, 2, 3));
    });

    it('orders keys bytewise, with 0x00, 0xff and prefixes', async () => {
      const db = await fresh();
      const shuffled = [...ORDER_KEYS].reverse();
      db.write((t) => {
        for (const k of shuffled) t.put(k, k);
      });
      const sorted = ORDER_KEYS.map(hex);
      assert.deepEqual(keysOf(db, b(), undefined), sorted);
      assert.deepEqual(keysOf(db, b(), undefined, true), [...sorted].reverse());
      assert.deepEqual(
        db.read((t) => [...t.range(b(), undefined)].map(([k, v]) => compareBytes(k, v))),
        sorted.map(() => 0),
      );
    });

    it('ranges: start inclusive, end exclusive, undefined end, absent bounds', async () => {
      const db = await fresh();
      db.write((t) => {
        for (const k of ORDER_KEYS) t.put(k, k);
      });
      assert.deepEqual(keysOf(db, b(0x01), b(0x02)), ['01', '0100', '010000', '01ff']);
      assert.deepEqual(keysOf(db, b(0x01, 0x00), b(0x01, 0xff)), ['0100', '010000']);
      assert.deepEqual(keysOf(db, b(0xff), undefined), ['ff', 'ff00', 'ffff']);
      // Bounds that are not keys.
      assert.deepEqual(keysOf(db, b(0x03), b(0x80, 0x00)), ['7f', '80']);
      assert.deepEqual(keysOf(db, b(0x00, 0x01), b(0x01)), ['00ff']);
      // Empty and inverted ranges.
      assert.deepEqual(keysOf(db, b(0x02), b(0x02)), []);
      assert.deepEqual(keysOf(db, b(0x80), b(0x02)), []);
      assert.deepEqual(keysOf(db, b(0xff, 0xff, 0x00), undefined), []);
    });

    it('rangeInto yields the keys of range() and copies each value into the sink, in order', async () => {
      const db = await fresh();
      const big = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251);
      db.write((t) => {
        for (const k of ORDER_KEYS) t.put(k, Uint8Array.from([...k, 0xee]));
        t.put(b(0x03), big);
      });
      const into = (start: Bytes, end: Bytes | undefined): { keys: string[]; values: string[] } =>
        db.read((t) => {
          const sink = new TestSink();
          const keys = [...t.rangeInto(start, end, sink)].map(hex);
          return { keys, values: sink.values() };
        });
      for (const [start, end] of [[b(), undefined], [b(0x01), b(0x02)], [b(0x00, 0x01), b(0x01)], [b(0x02), b(0x02)], [b(0x80), b(0x02)], [b(0xff), undefined]] as const) {
        const pairs = db.read((t) => [...t.range(start, end)].map(([k, v]) => [hex(k), hex(v)] as const));
        const got = into(start, end);
        assert.deepEqual(got.keys, pairs.map(([k]) => k));
        assert.deepEqual(got.values, pairs.map(([, v]) => v));
      }
      assert.equal(into(b(0x03), b(0x04)).values[0], hex(big));
      // Two scans and plain reads interleaved: each value lands in its own scan's sink.
      db.read((t) => {
        const s1 = new TestSink();
        const s2 = new TestSink();
        const i1 = t.rangeInto(b(0x01), b(0x02), s1)[Symbol.iterator]();
        const i2 = t.rangeInto(b(0x7f), undefined, s2)[Symbol.iterator]();
        const k1 = [hex(i1.next().value as Bytes)];
        const k2 = [hex(i2.next().value as Bytes)];
        assert.equal(hex(t.get(b(0x02)) ?? b()), '02ee');
        for (const [k] of t.range(b(0x00), b(0x01))) assert.equal(k[0], 0x00);
        for (let r = i1.next(); r.done !== true; r = i1.next()) k1.push(hex(r.value));
        for (let r = i2.next(); r.done !== true; r = i2.next()) k2.push(hex(r.value));
        assert.deepEqual(k1, ['01', '0100', '010000', '01ff']);
        assert.deepEqual(s1.values(), k1.map((k) => `${k}ee`));
        assert.deepEqual(k2, ['7f', '80', 'ff', 'ff00', 'ffff']);
        assert.deepEqual(s2.values(), k2.map((k) => `${k}ee`));
      });
      // Inside a write it sees the transaction's own writes.
      db.write((t) => {
        t.put(b(0x01, 0x01), b(0xaa));
        t.delete(b(0x01, 0x00));
        const sink = new TestSink();
        assert.deepEqual([...t.rangeInto(b(0x01), b(0x02), sink)].map(hex), ['01', '010000', '0101', '01ff']);
        assert.deepEqual(sink.values(), ['01ee', '010000ee', 'aa', '01ffee']);
      });
    });

    it('count() is the number of keys range() yields, for every bound shape, and sees a write\'s own writes', async () => {
      const db = await fresh();
      db.write((t) => {
        for (const k of ORDER_KEYS) t.put(k, Uint8Array.from({ length: 100 }, () => k[0] ?? 0));
      });
      const shapes: ReadonlyArray<readonly [Bytes, Bytes | undefined]> = [
        [b(), undefined], [b(0x01), b(0x02)], [b(0x01, 0x00), b(0x01, 0xff)], [b(0xff), undefined], [b(0x03), b(0x80, 0x00)],
        [b(0x00, 0x01), b(0x01)], [b(0x02), b(0x02)], [b(0x80), b(0x02)], [b(0xff, 0xff, 0x00), undefined], [b(0x00), b(0x00, 0x00)],
      ];
      for (const [start, end] of shapes) {
        const want = keysOf(db, start, end).length;
        assert.equal(db.read((t) => t.count(start, end)), want, `count [${hex(start)}, ${end === undefined ? '∞' : hex(end)})`);
      }
      assert.equal(db.read((t) => t.count(b(), undefined)), ORDER_KEYS.length);
      db.write((t) => {
        t.put(b(0x01, 0x01), b(0xaa));
        t.delete(b(0x01, 0x00));
        t.delete(b(0x01, 0xff));
        assert.equal(t.count(b(0x01), b(0x02)), 3);
      });
      assert.equal(db.read((t) => t.count(b(0x01), b(0x02))), 3);
    });

    it('bytes a read returns are the caller\'s own', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), Uint8Array.from({ length: 300 }, () => 7)));
      const v = db.read((t) => t.get(b(1)));
      assert.ok(v !== undefined);
      v.fill(0);
      const [[k, w]] = db.read((t) => [...t.range(b(), undefined)]) as [[Bytes, Bytes]];
      k.fill(9);
      assert.equal(w[0], 7);
      w.fill(0);
      assert.deepEqual(db.read((t) => [t.get(b(1))?.[0], [...t.range(b(), undefined)][0]?.[0]]), [7, b(1)]);
    });

    it('ranges in reverse with the same bounds, and limits', async () => {
      const db = await fresh();
      db.write((t) => {
        for (const k of ORDER_KEYS) t.put(k, k);
      });
      assert.deepEqual(keysOf(db, b(0x01), b(0x02), true), ['01ff', '010000', '0100', '01']);
      assert.deepEqual(keysOf(db, b(0x03), b(0x80, 0x00), true), ['80', '7f']);
      assert.deepEqual(keysOf(db, b(0xff), undefined, true), ['ffff', 'ff00', 'ff']);
      assert.deepEqual(keysOf(db, b(), b(0x00, 0x00), true), ['00']);
      assert.deepEqual(keysOf(db, b(0x02), b(0x02), true), []);
      assert.deepEqual(keysOf(db, b(), undefined, false, 2), ['00', '0000']);
      assert.deepEqual(keysOf(db, b(), undefined, true, 2), ['ffff', 'ff00']);
      assert.deepEqual(keysOf(db, b(0x01), b(0x02), true, 1), ['01ff']);
      assert.deepEqual(keysOf(db, b(), undefined, false, 0), []);
      assert.deepEqual(keysOf(db, b(0x01), b(0x02), false, 100).length, 4);
      assert.throws(() => keysOf(db, b(), undefined, false, -1), isCode('invalid-argument'));
    });

    it('a range is lazy: stopping early is fine', async () => {
      const db = await fresh();
      db.write((t) => {
        for (let i = 0; i < 100; i++) t.put(key(i), key(i));
      });
      const firstThree = db.read((t) => {
        const out: string[] = [];
        for (const [k] of t.range(b(), undefined)) {
          out.push(hex(k));
          if (out.length === 3) break;
        }
        return out;
      });
      assert.deepEqual(firstThree, ['00000000', '00000001', '00000002']);
    });

    it('rejects empty and oversized keys with invalid-key', async () => {
      const db = await fresh();
      assert.throws(() => db.write((t) => t.put(new Uint8Array(0), b(1))), isCode('invalid-key'));
      assert.throws(() => db.write((t) => t.put(new Uint8Array(MAX_KEY_BYTES + 1), b(1))), isCode('invalid-key'));
      assert.throws(() => db.read((t) => t.get(new Uint8Array(0))), isCode('invalid-key'));
      const longest = new Uint8Array(MAX_KEY_BYTES).fill(7);
      db.write((t) => t.put(longest, b(1)));
      assert.deepEqual(db.read((t) => t.get(longest)), b(1));
    });

    it('write is atomic: a throw applies nothing and propagates', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), b(1)));
      const boom = new Error('boom');
      assert.throws(
        () =>
          db.write((t) => {
            t.put(b(1), b(2));
            t.put(b(2), b(2));
            t.delete(b(1));
            throw boom;
          }),
        (error: unknown) => error === boom,
      );
      assert.deepEqual(keysOf(db, b(), undefined), ['01']);
      assert.deepEqual(db.read((t) => t.get(b(1))), b(1));
      // A key error mid-transaction also rolls back everything before it.
      assert.throws(
        () =>
          db.write((t) => {
            t.put(b(3), b(3));
            t.put(new Uint8Array(0), b(3));
          }),
        isCode('invalid-key'),
      );
      assert.equal(db.read((t) => t.get(b(3))), undefined);
    });

    it('refuses a write while a range iterator is unfinished, and allows it after the loop ends', async () => {
      const db = await fresh();
      db.write((t) => {
        for (let i = 1; i <= 3; i++) t.put(b(i), b(i));
      });
      assert.throws(
        () =>
          db.write((t) => {
            for (const [k] of t.range(b(), undefined)) t.delete(k);
          }),
        isCode('invalid-argument'),
      );
      assert.deepEqual(keysOf(db, b(), undefined), ['01', '02', '03'], 'nothing was applied');
      db.write((t) => {
        const keys: Uint8Array[] = [];
        for (const [k] of t.range(b(), undefined)) keys.push(k);
        for (const k of keys.slice(0, 2)) t.delete(k);
        // a loop left by break closes its iterator too
        for (const [k] of t.range(b(), undefined)) {
          t.get(k);
          break;
        }
        t.put(b(9), b(9));
      });
      assert.deepEqual(keysOf(db, b(), undefined), ['03', '09']);
    });

    it('rejects an async write callback and applies nothing', async () => {
      const db = await fresh();
      // eslint-disable-next-line @typescript-eslint/require-await
      assert.throws(() => db.write(async (t) => t.put(b(1), b(1))), isCode('invalid-argument'));
      assert.equal(db.read((t) => t.get(b(1))), undefined);
    });

    it('reads inside a write see its own writes', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), b(1)));
      db.write((t) => {
        t.put(b(2), b(2));
        t.delete(b(1));
        assert.deepEqual(t.get(b(2)), b(2));
        assert.equal(t.get(b(1)), undefined);
        assert.deepEqual([...t.range(b(), undefined)].map(([k]) => hex(k)), ['02']);
      });
    });

    it('nested read or write inside a write is refused', async () => {
      const db = await fresh();
      assert.throws(() => db.write(() => db.write(() => 1)), isCode('nested-txn'));
      assert.throws(() => db.write(() => db.read(() => 1)), isCode('nested-txn'));
      db.write((t) => t.put(b(1), b(1)));
      assert.equal(db.read(() => db.read((t) => t.get(b(1))?.length)), 1);
    });

    it('a read view is isolated from later writes', async () => {
      const db = await fresh();
      db.write((t) => {
        t.put(b(1), b(1));
        t.put(b(2), b(2));
      });
      // A dump holds a view across event-loop turns while writes land.
      const dump = db.dump()[Symbol.asyncIterator]();
      const first = await dump.next();
      assert.equal(first.done, false);
      db.write((t) => {
        t.put(b(3), b(3));
        t.put(b(2), b(22));
        t.delete(b(1));
      });
      await new Promise((resolve) => setImmediate(resolve));
      const rest: string[] = [];
      for (let r = await dump.next(); r.done !== true; r = await dump.next()) rest.push(`${hex(r.value[0])}=${hex(r.value[1])}`);
      assert.deepEqual(rest, ['02=02']);
      // Fresh reads see the new state, also while a dump was open.
      assert.deepEqual(keysOf(db, b(), undefined), ['02', '03']);
      assert.deepEqual(db.read((t) => t.get(b(2))), b(22));
    });

    it('a read sees every write committed before it began', async () => {
      const db = await fresh();
      for (let i = 0; i < 20; i++) {
        db.write((t) => t.put(key(i), key(i)));
        assert.equal(keysOf(db, b(), undefined).length, i + 1);
      }
    });

    it('using a transaction or its range after the callback fails with txn-ended', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), b(1)));
      const leakedTxn = db.read((t) => t);
      assert.throws(() => leakedTxn.get(b(1)), isCode('txn-ended'));
      const leakedRange = db.read((t) => t.range(b(), undefined));
      assert.throws(() => [...leakedRange], isCode('txn-ended'));
      const leakedIterator = db.read((t) => {
        const it = t.range(b(), undefined)[Symbol.iterator]();
        return it;
      });
      assert.throws(() => leakedIterator.next(), isCode('txn-ended'));
      const leakedWrite = db.write((t) => t);
      assert.throws(() => leakedWrite.put(b(2), b(2)), isCode('txn-ended'));
      assert.equal(db.read((t) => t.get(b(2))), undefined);
    });

    it('dump and restore round trip, replacing all contents', async () => {
      const source = await fresh();
      source.write((t) => {
        for (const k of ORDER_KEYS) t.put(k, Uint8Array.from([...k, 1]));
      });
      const dumped = await collect(source.dump());
      assert.deepEqual(dumped.map(([k]) => hex(k)), ORDER_KEYS.map(hex));

      const target = await fresh();
      target.write((t) => {
        t.put(b(0x05), b(5)); // not in the snapshot: must vanish
        t.put(b(0x01), b(9)); // overwritten by the snapshot
      });
      await target.restore(fromArray(dumped));
      assert.deepEqual(await collect(target.dump()), dumped);
      assert.equal(target.read((t) => t.get(b(0x05))), undefined);
      // Restoring an empty snapshot empties it; writes go on afterwards.
      await target.restore(fromArray([]));
      assert.deepEqual(await collect(target.dump()), []);
      target.write((t) => t.put(b(7), b(7)));
      assert.deepEqual(keysOf(target, b(), undefined), ['07']);
    });

    it('generation goes up with every write and restore, and never with a read', async () => {
      const db = await fresh();
      const g0 = db.generation;
      db.read((t) => t.get(b(1)));
      assert.equal(db.generation, g0, 'a read changes nothing');
      db.write((t) => t.put(b(1), b(1)));
      const g1 = db.generation;
      assert.ok(g1 > g0, 'a write moves it');
      assert.throws(() => db.write(() => { throw new Error('no'); }));
      const g2 = db.generation;
      assert.ok(g2 >= g1);
      await db.restore(fromArray([[b(2), b(2)]]));
      assert.ok(db.generation > g2, 'a restore moves it');
    });

    it('a failed restore leaves the old contents', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), b(1)));
      await assert.rejects(db.restore(fromArray([[b(3), b(3)], [b(2), b(2)]])), isCode('restore-order'));
      await assert.rejects(db.restore(fromArray([[b(2), b(2)], [b(2), b(3)]])), isCode('restore-order'));
      async function* failing(): AsyncIterable<readonly [Bytes, Bytes]> {
        yield [b(5), b(5)];
        await Promise.resolve();
        throw new Error('stream broke');
      }
      await assert.rejects(db.restore(failing()), (e: unknown) => e instanceof Error && !(e instanceof BackendError) && e.message === 'stream broke');
      assert.deepEqual(keysOf(db, b(), undefined), ['01']);
      // And a later restore still works.
      await db.restore(fromArray([[b(9), b(9)]]));
      assert.deepEqual(keysOf(db, b(), undefined), ['09']);
    });

    it('stores and returns 1 MiB values', async () => {
      const db = await fresh();
      const big = new Uint8Array(1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      db.write((t) => t.put(b(1), big));
      assert.deepEqual(db.read((t) => t.get(b(1))), big);
      const restored = await fresh();
      await restored.restore(db.dump());
      assert.deepEqual(restored.read((t) => t.get(b(1))), big);
    });

    it('keeps 20k keys in order, across overwrites and deletes', async () => {
      const db = await fresh();
      const n = 20_000;
      // Insert in a scrambled order (a multiplicative permutation of 0..n-1).
      db.write((t) => {
        for (let i = 0; i < n; i++) {
          const j = (i * 7919) % n;
          t.put(key(j), key(j));
        }
      });
      db.write((t) => {
        for (let i = 0; i < n; i += 2) t.delete(key(i));
      });
      const keys = db.read((t) => [...t.range(b(), undefined)].map(([k]) => new DataView(k.buffer, k.byteOffset).getUint32(0)));
      assert.equal(keys.length, n / 2);
      keys.forEach((k, i) => assert.equal(k, 2 * i + 1));
      const reversed = db.read((t) => [...t.range(key(100), key(200), { reverse: true, limit: 10 })].map(([k]) => hex(k)));
      assert.deepEqual(reversed, [199, 197, 195, 193, 191, 189, 187, 185, 183, 181].map((i) => hex(key(i))));
      assert.ok(db.sizeBytes() > 0);
      assert.ok(db.sizeBoundBytes() >= db.sizeBytes(), `bound ${db.sizeBoundBytes()} below size ${db.sizeBytes()}`);
    });

    it('flush resolves after writes', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), b(1)));
      await db.flush();
      assert.deepEqual(db.read((t) => t.get(b(1))), b(1));
    });

    it('after close every operation throws BackendClosedError; close is idempotent', async () => {
      const db = await fresh();
      db.write((t) => t.put(b(1), b(1)));
      await db.close();
      await db.close();
      const closed = (error: unknown): boolean => error instanceof BackendClosedError && error.code === 'closed';
      assert.throws(() => db.read((t) => t.get(b(1))), closed);
      assert.throws(() => db.write((t) => t.put(b(1), b(1))), closed);
      assert.throws(() => db.sizeBytes(), closed);
      assert.throws(() => db.sizeBoundBytes(), closed);
      await assert.rejects(async () => db.flush(), closed);
      await assert.rejects(collect(db.dump()), closed);
      await assert.rejects(db.restore(fromArray([])), closed);
    });

    it('close ends an open dump: its next step throws BackendClosedError', async () => {
      const db = await fresh();
      db.write((t) => {
        for (let i = 0; i < 10; i++) t.put(key(i), key(i));
      });
      const dump = db.dump()[Symbol.asyncIterator]();
      assert.equal((await dump.next()).done, false);
      await db.close();
      await assert.rejects(dump.next(), (error: unknown) => error instanceof BackendClosedError);
    });
  });
}
