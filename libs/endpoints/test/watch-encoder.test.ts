import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serveWatch, type WatchEnd, type WatchEvent } from '../src/index.ts';
import { withServer } from './helpers.ts';

const pod = (name: string, rv: string): object => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name, resourceVersion: rv, annotations: { note: 'line1\nline2' } } });

/** An event source the test pushes into; ends when closed. */
function channel(): { events: AsyncIterable<WatchEvent>; push(e: WatchEvent): void; close(): void } {
  const queue: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push(e) { queue.push(e); wake?.(); },
    close() { closed = true; wake?.(); },
    events: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const e = queue.shift();
          if (e !== undefined) { yield e; continue; }
          if (closed) return;
          await new Promise<void>((r) => { wake = r; });
        }
      },
    },
  };
}

async function readLines(body: ReadableStream<Uint8Array>, n: number): Promise<string[]> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  while (buf.split('\n').length - 1 < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
  }
  reader.releaseLock();
  return buf.split('\n').slice(0, n);
}

describe('serveWatch', () => {
  it('flushes headers before any event, then one JSON line per event', async () => {
    const ch = channel();
    let ended: Promise<WatchEnd> | undefined;
    await withServer((_req, res) => { ended = serveWatch(res, ch.events); }, async (base) => {
      const r = await fetch(base); // resolves only because headers were flushed with no event pending
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.equal(r.headers.get('transfer-encoding'), 'chunked');
      ch.push({ type: 'ADDED', object: pod('a', '1') });
      ch.push({ type: 'MODIFIED', object: pod('a', '2') });
      const lines = await readLines(r.body!, 2);
      assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), [{ type: 'ADDED', object: pod('a', '1') }, { type: 'MODIFIED', object: pod('a', '2') }]);
      ch.close();
      assert.equal(await ended, 'done');
    });
  });

  it('ends the stream after an ERROR event', async () => {
    const events = (async function* (): AsyncGenerator<WatchEvent> {
      await Promise.resolve();
      yield { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 1 (5)', reason: 'Expired', code: 410 } };
      yield { type: 'ADDED', object: pod('never', '9') };
    })();
    let ended: Promise<WatchEnd> | undefined;
    await withServer((_req, res) => { ended = serveWatch(res, events); }, async (base) => {
      const text = await (await fetch(base)).text();
      assert.equal(text.split('\n').length, 2);
      assert.equal((JSON.parse(text.split('\n')[0] ?? '') as { object: { code: number } }).object.code, 410);
      assert.equal(await ended, 'error-event');
    });
  });

  it('ends cleanly on timeout while idle', async () => {
    const ch = channel();
    let ended: Promise<WatchEnd> | undefined;
    await withServer((_req, res) => { ended = serveWatch(res, ch.events, { timeoutMs: 50 }); }, async (base) => {
      assert.equal(await (await fetch(base)).text(), '');
      assert.equal(await ended, 'timeout');
    });
  });

  it('ends on server abort', async () => {
    const ch = channel();
    const ac = new AbortController();
    let ended: Promise<WatchEnd> | undefined;
    await withServer((_req, res) => { ended = serveWatch(res, ch.events, { signal: ac.signal }); }, async (base) => {
      const r = await fetch(base);
      ch.push({ type: 'ADDED', object: pod('a', '1') });
      await readLines(r.body!, 1);
      ac.abort();
      assert.equal(await ended, 'aborted');
    });
  });

  it('notices a client that goes away', async () => {
    const ch = channel();
    let ended: Promise<WatchEnd> | undefined;
    await withServer((_req, res) => { ended = serveWatch(res, ch.events); }, async (base) => {
      const ac = new AbortController();
      const r = await fetch(base, { signal: ac.signal });
      assert.equal(r.status, 200);
      ac.abort();
      assert.equal(await ended, 'client-gone');
    });
  });

  it('closes a client that stops reading once the buffer bound is held too long', async () => {
    const big = 'x'.repeat(64 * 1024);
    let sent = 0;
    const events = (async function* (): AsyncGenerator<WatchEvent> {
      for (;;) { await Promise.resolve(); sent++; yield { type: 'ADDED', object: { kind: 'ConfigMap', apiVersion: 'v1', data: { big } } }; }
    })();
    let ended: Promise<WatchEnd> | undefined;
    await withServer((_req, res) => { ended = serveWatch(res, events, { maxBufferedBytes: 256 * 1024, slowClientTimeoutMs: 100 }); }, async (base) => {
      const r = await fetch(base); // and never read the body
      assert.equal(r.status, 200);
      assert.equal(await ended, 'slow-client');
      // bounded: it stopped pulling events; at most socket buffers + bound were produced, not an endless stream
      assert.ok(sent < 400, `pulled ${sent} events`);
    });
  });

  it('refuses an already-started response', async () => {
    await withServer(async (_req, res) => {
      res.flushHeaders();
      await assert.rejects(serveWatch(res, channel().events), /already started/);
      res.end();
    }, async (base) => { await (await fetch(base)).text(); });
  });
});
