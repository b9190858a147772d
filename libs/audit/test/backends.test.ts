import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  newBufferedBackend, newTruncatingBackend, newWebhookBackend, TRUNCATED_ANNOTATION, WebhookStatusError,
} from '../src/index.ts';
import type { AuditEvent, AuditEventList, AuditLogger, BatchConfig, EventSink } from '../src/index.ts';
import { FakeClock, settle } from './fake-clock.ts';

function ev(i: number, more: Partial<AuditEvent> = {}): AuditEvent {
  return {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `id-${i}`, stage: 'ResponseComplete', requestURI: '/api/v1/pods', verb: 'list',
    user: { username: 'alice' }, requestReceivedTimestamp: '2026-01-01T00:00:00.000000Z', stageTimestamp: '2026-01-01T00:00:00.000001Z', ...more,
  };
}

class Logs implements AuditLogger {
  readonly errors: string[] = [];
  info() {}
  error(msg: string) {
    this.errors.push(msg);
  }
}

class RecordingSink implements EventSink {
  readonly name = 'test';
  readonly batches: string[][] = [];
  gate: Promise<void> | undefined;
  fail = false;
  async send(events: readonly AuditEvent[]): Promise<void> {
    if (this.gate !== undefined) await this.gate;
    if (this.fail) throw new Error('disk full');
    this.batches.push(events.map((e) => e.auditID));
  }
}

const BATCH: BatchConfig = { bufferSize: 5, maxBatchSize: 3, maxBatchWaitMs: 1000, asyncDelegate: false };

describe('batch mode', () => {
  it('sends when maxBatchSize events wait, and a partial batch after maxBatchWait', async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const b = newBufferedBackend({ mode: 'batch', batch: BATCH, sink, clock, logger: new Logs() });
    for (let i = 0; i < 4; i++) assert.equal(await b.processEvents([ev(i)]), true);
    await settle();
    assert.deepEqual(sink.batches, [['id-0', 'id-1', 'id-2']]);
    await clock.advance(999);
    assert.equal(sink.batches.length, 1, 'the partial batch waits for maxBatchWait');
    await clock.advance(1);
    assert.deepEqual(sink.batches, [['id-0', 'id-1', 'id-2'], ['id-3']]);
    await b.shutdown();
  });

  it('drops events at a full buffer with an error naming them, and never blocks the caller', async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    let release!: () => void;
    sink.gate = new Promise((r) => (release = r));
    const logs = new Logs();
    const b = newBufferedBackend({ mode: 'batch', batch: BATCH, sink, clock, logger: logs });
    await b.processEvents([ev(0), ev(1), ev(2)]); // taken by the (stuck) sender
    await settle();
    assert.equal(await b.processEvents([ev(3), ev(4), ev(5), ev(6), ev(7), ev(8), ev(9)]), true);
    assert.equal(logs.errors.length, 1);
    assert.match(logs.errors[0] ?? '', /^Error in audit plugin 'test' affecting 2 audit events: audit buffer queue blocked\nImpacted events:\n/);
    assert.match(logs.errors[0] ?? '', /id="id-8"/);
    release();
    await b.shutdown();
    assert.deepEqual(sink.batches.flat(), ['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6', 'id-7']);
  });

  it('throttles batch sends to qps/burst', async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const b = newBufferedBackend({ mode: 'batch', batch: { ...BATCH, bufferSize: 100, maxBatchSize: 1, throttle: { qps: 2, burst: 1 } }, sink, clock, logger: new Logs() });
    await b.processEvents([ev(0), ev(1), ev(2), ev(3)]);
    await settle();
    // As kube's, the limiter is consulted after each send: the burst token goes to the second batch.
    assert.equal(sink.batches.length, 2);
    await clock.advance(499);
    assert.equal(sink.batches.length, 2);
    await clock.advance(1);
    assert.equal(sink.batches.length, 3);
    await clock.advance(500);
    assert.equal(sink.batches.length, 4);
    await b.shutdown();
  });

  it('shutdown flushes what is buffered, ignoring the wait; later events are reported', async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const logs = new Logs();
    const b = newBufferedBackend({ mode: 'batch', batch: BATCH, sink, clock, logger: logs });
    await b.processEvents([ev(0)]);
    await b.shutdown();
    assert.deepEqual(sink.batches, [['id-0']]);
    await b.processEvents([ev(1)]);
    assert.match(logs.errors[0] ?? '', /audit backend shut down/);
  });
});

describe('blocking modes', () => {
  it('blocking waits for the write and swallows failures; blocking-strict reports them', async () => {
    for (const mode of ['blocking', 'blocking-strict'] as const) {
      const sink = new RecordingSink();
      const logs = new Logs();
      const b = newBufferedBackend({ mode, batch: BATCH, sink, clock: new FakeClock(), logger: logs });
      let release!: () => void;
      sink.gate = new Promise((r) => (release = r));
      let done = false;
      const p = b.processEvents([ev(0)]).then((ok) => ((done = true), ok));
      await settle();
      assert.equal(done, false, `${mode} returns before the write`);
      release();
      assert.equal(await p, true);
      sink.gate = undefined;
      sink.fail = true;
      assert.equal(await b.processEvents([ev(1)]), mode === 'blocking');
      assert.equal(logs.errors.length, 1);
      await b.shutdown();
    }
  });

  it('at most bufferSize writes are outstanding; the rest wait', async () => {
    const sink = new RecordingSink();
    let release!: () => void;
    sink.gate = new Promise((r) => (release = r));
    let active = 0;
    let peak = 0;
    const inner = sink.send.bind(sink);
    sink.send = async (e) => {
      peak = Math.max(peak, ++active);
      try {
        await inner(e);
      } finally {
        active--;
      }
    };
    const b = newBufferedBackend({ mode: 'blocking', batch: { ...BATCH, bufferSize: 2 }, sink, clock: new FakeClock(), logger: new Logs() });
    const all = Promise.all([0, 1, 2, 3, 4].map((i) => b.processEvents([ev(i)])));
    await settle();
    assert.equal(peak, 2);
    release();
    assert.deepEqual(await all, [true, true, true, true, true]);
    assert.equal(sink.batches.length, 5);
  });
});

describe('webhook backend', () => {
  function setup(failures: Error[]) {
    const clock = new FakeClock();
    const logs = new Logs();
    const posts: { at: number; body: AuditEventList }[] = [];
    const backend = newWebhookBackend({
      send: (body) => {
        posts.push({ at: clock.now(), body });
        const err = failures.shift();
        return err === undefined ? Promise.resolve() : Promise.reject(err);
      },
      initialBackoffMs: 10_000, mode: 'batch', clock, logger: logs, random: () => 0.5,
      batch: { bufferSize: 10000, maxBatchSize: 400, maxBatchWaitMs: 30_000, asyncDelegate: true, throttle: { qps: 10, burst: 15 } },
    });
    return { clock, logs, posts, backend };
  }

  it('posts an audit.k8s.io/v1 EventList and retries transient failures with growing backoff', async () => {
    const s = setup([new WebhookStatusError(500, 'internal'), Object.assign(new Error('reset'), { code: 'ECONNRESET' }), new WebhookStatusError(429, 'slow down')]);
    await s.backend.processEvents([ev(1), ev(2)]);
    await s.clock.advance(30_000);
    assert.equal(s.posts.length, 1);
    await s.clock.advance(60_000);
    assert.equal(s.posts.length, 4);
    const gaps = s.posts.slice(1).map((p, i) => p.at - (s.posts[i]?.at ?? 0));
    assert.deepEqual(gaps, [11_000, 16_500, 24_750]); // 10s, 15s, 22.5s, each +10% jitter
    assert.deepEqual(s.posts[3]?.body, { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [ev(1), ev(2)] });
    assert.equal(s.logs.errors.length, 0);
    await s.backend.shutdown();
  });

  it('gives up after 5 attempts, and at once on a final error, reporting the lost events', async () => {
    const s = setup(Array.from({ length: 5 }, () => new WebhookStatusError(504, 'timeout')));
    await s.backend.processEvents([ev(1)]);
    await s.clock.advance(200_000);
    assert.equal(s.posts.length, 5);
    assert.match(s.logs.errors[0] ?? '', /affecting 1 audit events: timeout/);
    const t = setup([new WebhookStatusError(400, 'bad request')]);
    await t.backend.processEvents([ev(1)]);
    await t.backend.shutdown();
    assert.equal(t.posts.length, 1);
    assert.match(t.logs.errors[0] ?? '', /bad request/);
  });
});

describe('truncating backend', () => {
  it('strips objects from large events, drops ones still too large, and splits batches by size', async () => {
    const got: AuditEvent[][] = [];
    const logs = new Logs();
    const delegate = { processEvents: (e: readonly AuditEvent[]) => (got.push([...e]), Promise.resolve(true)), shutdown: () => Promise.resolve() };
    const size = (e: AuditEvent) => Buffer.byteLength(JSON.stringify(e));
    const small = ev(1);
    const t = newTruncatingBackend(delegate, { maxEventSizeBytes: size(small) + 120, maxBatchSizeBytes: 2 * size(small) + 150 }, logs);
    const big = ev(2, { level: 'Request', requestObject: { data: 'x'.repeat(500) } });
    const hopeless = ev(3, { level: 'Request', userAgent: 'y'.repeat(500) });
    assert.equal(await t.processEvents([small, big, hopeless, ev(4)]), true);
    assert.deepEqual(got.map((b) => b.map((e) => e.auditID)), [['id-1', 'id-2'], ['id-4']]);
    assert.equal(got[0]?.[1]?.requestObject, undefined);
    assert.equal(got[0]?.[1]?.annotations?.[TRUNCATED_ANNOTATION], 'true');
    assert.match(logs.errors[0] ?? '', /event is too large even after truncating/);
    assert.match(logs.errors[0] ?? '', /id="id-3"/);
  });
});
