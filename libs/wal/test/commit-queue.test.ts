import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitQueue, type CommitItem } from '../src/commit-queue.ts';

interface Flush {
  readonly values: string[];
  readonly sync: boolean;
}

/** A queue whose flushes are recorded and complete only when released. */
function harness(maxPendingBytes: number) {
  const flushes: Flush[] = [];
  const gates: (() => void)[] = [];
  let fail: Error | undefined;
  const q = new CommitQueue<string>(
    maxPendingBytes,
    async (items: readonly CommitItem<string>[], sync: boolean) => {
      flushes.push({ values: items.map((i) => i.value), sync });
      await new Promise<void>((resolve) => gates.push(resolve));
      if (fail !== undefined) throw fail;
    },
    (cause) => new Error('refused', { cause }),
  );
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  const release = async (): Promise<void> => {
    await settle();
    gates.shift()?.();
    await settle();
  };
  return { q, flushes, release, settle, failWith: (e: Error) => (fail = e) };
}

describe('CommitQueue', () => {
  it('coalesces submits made in the same turn into one flush', async () => {
    const h = harness(1000);
    const done = ['a', 'b', 'c'].map((v, i) => h.q.submit(v, 10, i === 1));
    await h.release();
    await Promise.all(done);
    assert.deepEqual(h.flushes, [{ values: ['a', 'b', 'c'], sync: true }]);
  });

  it('groups everything that arrives during a flush into the next one', async () => {
    const h = harness(1000);
    const first = h.q.submit('a', 10, true);
    await h.settle();
    const later = [h.q.submit('b', 10, false), h.q.submit('c', 10, false), h.q.submit('d', 10, false)];
    await h.release();
    await first;
    await h.release();
    await Promise.all(later);
    assert.deepEqual(h.flushes, [
      { values: ['a'], sync: true },
      { values: ['b', 'c', 'd'], sync: false },
    ]);
  });

  it('at the byte bound, later submits wait for the next group, in submit order', async () => {
    const h = harness(25);
    const all = ['a', 'b', 'c', 'd', 'e'].map((v) => h.q.submit(v, 10, false));
    await h.settle();
    // a+b fit (20); c would make 30: it and everything after it wait.
    assert.deepEqual(h.flushes[0]!.values, ['a', 'b']);
    assert.equal(h.q.waitingCount, 1); // c, d moved into pending when the flush took a, b; e still waits
    await h.release();
    await h.release();
    await h.release();
    await Promise.all(all);
    assert.deepEqual(
      h.flushes.map((f) => f.values),
      [['a', 'b'], ['c', 'd'], ['e']],
    );
  });

  it('accepts a single batch larger than the bound, alone', async () => {
    const h = harness(10);
    const p = [h.q.submit('small', 5, false), h.q.submit('huge', 100, false), h.q.submit('after', 5, false)];
    await h.release();
    await h.release();
    await h.release();
    await Promise.all(p);
    assert.deepEqual(
      h.flushes.map((f) => f.values),
      [['small'], ['huge'], ['after']],
    );
  });

  it('a failed flush rejects its group with the error, and everything after with the refusal', async () => {
    const h = harness(15);
    const boom = new Error('EIO');
    h.failWith(boom);
    const a = h.q.submit('a', 10, true);
    const b = h.q.submit('b', 10, true); // waits at the bound
    await h.release();
    await assert.rejects(a, boom);
    await assert.rejects(b, (err: Error) => err.message === 'refused' && err.cause === boom);
    await assert.rejects(h.q.submit('c', 1, false), (err: Error) => err.message === 'refused');
    assert.equal(h.flushes.length, 1);
  });

  it('close() flushes what was accepted, then refuses', async () => {
    const h = harness(100);
    const a = h.q.submit('a', 10, false);
    const closing = h.q.close(() => new Error('closed'));
    await h.release();
    await a;
    await closing;
    await assert.rejects(h.q.submit('b', 1, false), /closed/);
  });
});
