// The pure parts of `npm run bench:apiserver` (services/apiserver/bench):
// statistics, watch-line reading, pacing, /proc parsing and the table.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueAtMs, writesDue } from '../bench/pacing.ts';
import { parseProcStatusKb } from '../bench/proc-memory.ts';
import { formatNotes, formatTable, fmtRss } from '../bench/report.ts';
import type { Row } from '../bench/report.ts';
import { LineSplitter, readEventHead, writeNumberOf } from '../bench/watch-lines.ts';
import { changedValue } from '../bench/workloads.ts';

describe('LineSplitter', () => {
  it('joins lines split across chunks and skips empty ones', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push(Buffer.from('{"a":1}\n{"b"')), ['{"a":1}']);
    assert.equal(s.pendingBytes, 4);
    assert.deepEqual(s.push(Buffer.from(':2}\n\n{"c":3}\n')), ['{"b":2}', '{"c":3}']);
    assert.equal(s.pendingBytes, 0);
  });
  it('keeps a multi-byte character split across chunks whole', () => {
    const s = new LineSplitter();
    const bytes = Buffer.from('"é"\n');
    assert.deepEqual(s.push(bytes.subarray(0, 2)), []);
    assert.deepEqual(s.push(bytes.subarray(2)), ['"é"']);
  });
  it('rejects a line that outgrows the bound', () => {
    const s = new LineSplitter(8);
    assert.deepEqual(s.push(Buffer.from('12345678')), []);
    assert.throws(() => s.push(Buffer.from('9')), RangeError);
  });
});

describe('readEventHead', () => {
  const cm = (rv: string): string => `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"w-1","namespace":"n","resourceVersion":"${rv}"},"data":{"v":"7 vvv"}}`;
  it('reads the type and resourceVersion of an event', () => {
    assert.deepEqual(readEventHead(`{"type":"MODIFIED","object":${cm('42')}}`), { type: 'MODIFIED', resourceVersion: '42' });
  });
  it('falls back to a full parse when the type is not first', () => {
    assert.deepEqual(readEventHead(`{"object":${cm('9')},"type":"ADDED"}`), { type: 'ADDED', resourceVersion: '9' });
  });
  it('is not fooled by a second "resourceVersion" (in data): parses in full', () => {
    const line = `{"type":"ADDED","object":{"kind":"ConfigMap","data":{"x":"\\"resourceVersion\\":\\"1\\""},"metadata":{"resourceVersion":"5"}}}`;
    assert.deepEqual(readEventHead(line), { type: 'ADDED', resourceVersion: '5' });
  });
  it('an ERROR event carries a Status without resourceVersion', () => {
    assert.deepEqual(readEventHead('{"type":"ERROR","object":{"kind":"Status","code":410}}'), { type: 'ERROR', resourceVersion: '' });
  });
  for (const [what, line] of [
    ['not JSON', '{"type":"ADDED",'],
    ['an unknown type', '{"type":"CHANGED","object":{"metadata":{"resourceVersion":"1"}}}'],
    ['no object', '{"type":"ADDED"}'],
    ['a non-object object', '{"type":"ADDED","object":3}'],
    ['a JSON array', '[1,2]'],
  ] as const) {
    it(`rejects ${what}`, () => assert.throws(() => readEventHead(line), SyntaxError));
  }
});

describe('writeNumberOf and changedValue', () => {
  it('reads back the number changedValue put in front, at the value length', () => {
    const v = changedValue(1234, 'v'.repeat(256));
    assert.equal(v.length, 256);
    assert.equal(writeNumberOf(`{"type":"MODIFIED","object":{"data":{"v":"${v}"}}}`), 1234);
  });
  it('makes successive values differ', () => assert.notEqual(changedValue(1, 'vvvvvv'), changedValue(2, 'vvvvvv')));
  it('grows a value too short to hold the number rather than losing it', () => assert.equal(changedValue(12345, 'vv'), '12345 '));
  it('is undefined for an object the writer did not write', () => {
    assert.equal(writeNumberOf('{"type":"ADDED","object":{"data":{"v":"vvvv"}}}'), undefined);
    assert.equal(writeNumberOf('{"type":"ADDED","object":{"metadata":{}}}'), undefined);
  });
});

describe('pacing', () => {
  for (const [elapsed, rate, want] of [[0, 200, 1], [4.99, 200, 1], [5, 200, 2], [1000, 200, 201], [-1, 200, 0], [999, 1, 1]] as const) {
    it(`${want} writes due at ${elapsed} ms at ${rate}/s`, () => assert.equal(writesDue(elapsed, rate), want));
  }
  it('write n is due when writesDue first counts it', () => {
    for (let n = 0; n < 50; n++) assert.equal(writesDue(dueAtMs(n, 200), 200), n + 1);
  });
  for (const rate of [0, -5, Number.NaN]) {
    it(`rejects rate ${rate}`, () => {
      assert.throws(() => writesDue(1, rate), RangeError);
      assert.throws(() => dueAtMs(1, rate), RangeError);
    });
  }
});

describe('parseProcStatusKb', () => {
  it('reads the kB fields and skips the rest', () => {
    const m = parseProcStatusKb('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\nbogus\n');
    assert.equal(m.get('VmHWM'), 204800);
    assert.equal(m.get('VmRSS'), 102400);
    assert.equal(m.has('Threads'), false);
    assert.equal(m.has('Name'), false);
  });
  it('is empty for text that is not /proc status', () => assert.equal(parseProcStatusKb('').size, 0));
});

describe('report', () => {
  const ok = (over: Partial<{ clientCpu: number; errors: number; note: string }> = {}): Row['result'] => ({
    ok: true,
    summary: { opsPerSec: 1234.4, p50Ms: 1.234, p99Ms: 45.67 },
    errors: over.errors ?? 0,
    clientCpu: over.clientCpu ?? 0.25,
    note: over.note ?? '',
    peakRss: { bytes: 200 * 1024 * 1024, source: 'hwm' },
  });
  const rows: Row[] = [
    { workload: 'GET one object', inFlight: 64, result: ok() },
    { workload: 'LIST', inFlight: 1, result: ok({ clientCpu: 0.95, errors: 2, note: 'response 4.9 MB' }) },
    { workload: 'watch', inFlight: 1000, result: { ok: false, reason: 'boom' } },
  ];
  it('prints one aligned row per workload', () => {
    const lines = formatTable(rows).split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[2]!, /^GET one object\s+64\s+1234\s+1\.23\s+45\.7\s+200\s+25%\s+0$/);
    assert.match(lines[4]!, /^watch\s+1000(\s+-){5}\s+failed$/);
    assert.equal(new Set(lines.map((l) => l.length)).size, 1);
  });
  it('notes failures, errors and a client-bound row, and stays quiet otherwise', () => {
    assert.deepEqual(formatNotes(rows), [
      'LIST: response 4.9 MB; 2 errors; client cpu 95%: the client was the limit, the server may do more',
      'watch: failed: boom',
    ]);
  });
  it('marks a sampled peak and shows an unmeasured one as -', () => {
    assert.equal(fmtRss({ bytes: 3 << 20, source: 'sampled' }), '~3');
    assert.equal(fmtRss(undefined), '-');
  });
});
