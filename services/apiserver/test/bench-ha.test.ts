// The pure parts of `npm run bench:ha` (services/apiserver/bench): flags,
// the failover arithmetic, the 1-vs-3 table, and the readers of
// cluster.json, /proc/net/tcp and /proc/PID/{cmdline,environ}.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailoverTally, summarizeFailover } from '../bench/failover-tally.ts';
import type { FailoverRun } from '../bench/failover-tally.ts';
import { decodeClusterAddresses } from '../bench/ha-cluster.ts';
import { parseHaFlags } from '../bench/ha-flags.ts';
import { fmtValue, formatHaTable, haMetrics, haNotes, ratio } from '../bench/ha-report.ts';
import type { SideResults } from '../bench/ha-report.ts';
import type { KubeRequester, KubeResponse } from '../bench/kube-session.ts';
import { establishedByLocalPort } from '../bench/proc-net-tcp.ts';
import { parseEnviron, splitNulFields } from '../bench/replica-control.ts';
import type { RowResult } from '../bench/report.ts';
import { SessionSpread } from '../bench/session-spread.ts';

describe('parseHaFlags', () => {
  it('defaults: 3 runs of 3 s, 6 sessions, 1000 watchers over 9 sessions at 200 writes/s', () => {
    const r = parseHaFlags([]);
    assert.equal(r.kind, 'ok');
    assert.deepEqual(r.kind === 'ok' ? r.options : undefined, {
      runs: 3, seconds: 3, sessions: 6, watchers: 1000, watchSessions: 9, watchRatePerSec: 200, valueBytes: 256, startTimeoutMs: 120_000, dir: undefined, keep: false,
    });
  });
  it('takes every flag, both spellings', () => {
    const r = parseHaFlags(['--runs', '2', '--seconds=2', '--watchers', '200', '--watch-sessions', '3', '--sessions', '9', '--watch-rate', '50', '--dir', '/tmp/x', '--keep']);
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.equal(r.options.runs, 2);
    assert.equal(r.options.seconds, 2);
    assert.equal(r.options.watchers, 200);
    assert.equal(r.options.watchSessions, 3);
    assert.equal(r.options.sessions, 9);
    assert.equal(r.options.watchRatePerSec, 50);
    assert.equal(r.options.dir, '/tmp/x');
    assert.equal(r.options.keep, true);
    assert.ok(Object.isFrozen(r.options));
  });
  it('--help is help, whatever else is there', () => assert.equal(parseHaFlags(['--runs', 'x', '--help']).kind, 'help'));
  for (const [what, argv, want] of [
    ['zero runs', ['--runs', '0'], /--runs must be an integer in \[1, 100\]/],
    ['fractional seconds', ['--seconds', '1.5'], /--seconds must be an integer/],
    ['too many sessions', ['--sessions', '65'], /--sessions must be an integer in \[1, 64\]/],
    ['a negative rate', ['--watch-rate', '-1'], /--watch-rate/],
    ['more watch sessions than watchers', ['--watchers', '4', '--watch-sessions', '9'], /--watch-sessions \(9\) must not exceed --watchers \(4\)/],
    ['an unknown flag', ['--replicas', '5'], /replicas/],
    ['a missing value', ['--runs'], /runs/],
  ] as const) {
    it(`rejects ${what}`, () => {
      const r = parseHaFlags(argv);
      assert.equal(r.kind, 'invalid');
      if (r.kind === 'invalid') assert.match(r.problems.join('\n'), want);
    });
  }
  it('reports every problem at once', () => {
    const r = parseHaFlags(['--runs', '0', '--seconds', 'x', '--sessions', '0']);
    assert.equal(r.kind === 'invalid' ? r.problems.length : 0, 3);
  });
});

describe('FailoverTally', () => {
  it('one replica of three: only the cut-off clients count; first and last recovery', () => {
    const t = new FailoverTally(3);
    t.success(0, 5);
    t.failure(1, 8); // before the kill: the cluster's fault, not the failover's
    t.kill(100);
    t.failure(0, 101);
    t.failure(0, 120);
    t.failure(2, 130);
    t.success(1, 140); // never failed after the kill: not cut off
    assert.equal(t.allRecovered, false);
    t.success(0, 400);
    t.success(2, 3100);
    t.success(0, 3200);
    assert.equal(t.allRecovered, true);
    assert.deepEqual(t.result(), { loops: 3, affectedLoops: 2, failed: 3, failedBeforeKill: 1, killToFirstSuccessMs: 300, killToAllRecoveredMs: 3000, unrecovered: 0 });
  });
  it('a kill nobody noticed has no outage to time', () => {
    const t = new FailoverTally(2);
    t.kill(0);
    t.success(0, 10);
    assert.equal(t.allRecovered, true);
    assert.deepEqual(t.result(), { loops: 2, affectedLoops: 0, failed: 0, failedBeforeKill: 0, killToFirstSuccessMs: undefined, killToAllRecoveredMs: undefined, unrecovered: 0 });
  });
  it('a client never served again leaves "all recovered" undefined and is counted', () => {
    const t = new FailoverTally(2);
    t.kill(0);
    t.failure(0, 1);
    t.failure(1, 1);
    t.success(1, 50);
    const r = t.result();
    assert.equal(r.killToFirstSuccessMs, 50);
    assert.equal(r.killToAllRecoveredMs, undefined);
    assert.equal(r.unrecovered, 1);
  });
  it('refuses misuse: no loops, an unknown loop, two kills, a result before the kill', () => {
    assert.throws(() => new FailoverTally(0));
    const t = new FailoverTally(1);
    assert.throws(() => t.result());
    assert.throws(() => t.success(1, 0));
    t.kill(0);
    assert.throws(() => t.kill(1));
  });
});

describe('summarizeFailover', () => {
  const run = (first: number | undefined, all: number | undefined, failed: number, affected = 1, unrecovered = 0): FailoverRun => ({
    loops: 6, affectedLoops: affected, failed, failedBeforeKill: 0, killToFirstSuccessMs: first, killToAllRecoveredMs: all, unrecovered,
  });
  it('medians over runs with an outage, and the worst run', () => {
    const s = summarizeFailover([run(90, 3000, 3), run(2000, 2100, 12), run(100, 3100, 4), run(undefined, undefined, 0, 0)]);
    assert.equal(s.runs, 4);
    assert.equal(s.runsWithOutage, 3);
    assert.equal(s.firstSuccessMedianMs, 100);
    assert.equal(s.firstSuccessMaxMs, 2000);
    assert.equal(s.allRecoveredMedianMs, 3000);
    assert.equal(s.allRecoveredMaxMs, 3100);
    assert.equal(s.failedMedian, 3);
  });
  it('no outage at all: times are NaN (shown as -), unrecovered clients add up', () => {
    const s = summarizeFailover([run(undefined, undefined, 0, 0), run(undefined, undefined, 5, 1, 1)]);
    assert.ok([s.firstSuccessMedianMs, s.firstSuccessMaxMs, s.allRecoveredMedianMs, s.allRecoveredMaxMs].every(Number.isNaN));
    assert.equal(s.unrecovered, 1);
  });
});

describe('ha report', () => {
  for (const [one, three, want] of [
    [100, 300, 3],
    [200, 100, 0.5],
    [0, 5, undefined],
    [undefined, 5, undefined],
    [5, Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, 5, undefined],
  ] as const) {
    it(`ratio 3/1 of ${one} and ${three} is ${want}`, () => assert.equal(ratio(one, three), want));
  }
  for (const [kind, v, want] of [['ops', 1234.6, '1235'], ['ms', 3.14159, '3.14'], ['ms', 123.45, '123.5'], ['count', 3, '3'], ['count', 2.5, '2.5'], ['ms', undefined, '-'], ['ops', Number.NaN, '-']] as const) {
    it(`formats ${kind} ${v} as ${want}`, () => assert.equal(fmtValue(kind, v), want));
  }
  const ok = (opsPerSec: number, p50Ms: number, p99Ms: number, clientCpu = 0.2): RowResult => ({ ok: true, summary: { opsPerSec, p50Ms, p99Ms }, errors: 0, clientCpu, note: '', peakRss: undefined });
  const fo = { runs: 3, runsWithOutage: 3, firstSuccessMedianMs: 2000, firstSuccessMaxMs: 2500, allRecoveredMedianMs: 2100, allRecoveredMaxMs: 2600, failedMedian: 6, unrecovered: 0 };
  const one: SideResults = { get: ok(1000, 60, 120), create: ok(300, 180, 300), watch: ok(40000, 2, 20, 0.95), failover: { ok: true, summary: fo } };
  const three: SideResults = { get: ok(1500, 40, 100), create: { ok: false, reason: 'boom' }, watch: ok(40000, 3, 30), failover: { ok: true, summary: { ...fo, firstSuccessMedianMs: 100, runsWithOutage: 2 } } };
  const rows = haMetrics(one, three, { inFlight: 64, watchers: 200, watchRatePerSec: 50 });
  it('has a row per workload quantity with both sides and the ratio', () => {
    assert.equal(rows.length, 14);
    const get = rows[0]!;
    assert.equal(get.metric, 'GET one object (64 in flight): ops/s');
    assert.equal(get.one, 1000);
    assert.equal(get.three, 1500);
    assert.equal(rows[3]!.three, undefined, 'a failed workload has no value');
    assert.equal(rows[6]!.metric, 'watch 200 watchers x 50 writes/s: events/s delivered');
    assert.equal(rows[9]!.three, 100);
  });
  it('prints an aligned table: header, rule, one line per row, "-" for what is missing', () => {
    const lines = formatHaTable(rows).split('\n');
    assert.equal(lines.length, 16);
    assert.match(lines[0]!, /^metric\s+1 replica\s+3 replicas\s+3\/1\s+better$/);
    assert.match(lines[2]!, /^GET one object \(64 in flight\): ops\/s\s+1000\s+1500\s+1\.50\s+higher$/);
    assert.match(lines[5]!, /^CREATE \(64 in flight\): ops\/s\s+300\s+-\s+-\s+higher$/);
    assert.match(lines[11]!, /^failover: kill -> first success ms, median\s+2000\.0\s+100\.0\s+0\.05\s+lower$/);
    // Numbers line up under their headers.
    const col = lines[0]!.indexOf('3/1') + 3;
    for (const l of lines.slice(2)) assert.equal(l.indexOf(' higher') === -1 ? l.indexOf(' lower') : l.indexOf(' higher'), col + 1);
  });
  it('notes a failure, a client-bound run and kills that cut nobody off', () => {
    const notes = haNotes([{ label: '1 replica', results: one }, { label: '3 replicas', results: three }]);
    assert.ok(notes.includes('3 replicas, CREATE: failed: boom'));
    assert.ok(notes.includes('1 replica, watch: client cpu 95%: the client was the limit'));
    assert.ok(notes.includes('3 replicas, failover: 2 of 3 kills cut clients off'));
  });
});

describe('decodeClusterAddresses', () => {
  const layout = (over: Record<string, unknown> = {}): unknown => ({
    layout: { publicServer: 'https://127.0.0.1:6443', apiservers: [{ name: 'apiserver-1', host: '127.0.0.1', securePort: 40001 }, { name: 'apiserver-2', host: '127.0.0.1', securePort: 40002 }], ...over },
  });
  it('reads HAProxy and the replicas', () => {
    assert.deepEqual(decodeClusterAddresses(layout()), {
      publicServer: 'https://127.0.0.1:6443',
      replicas: [{ name: 'apiserver-1', host: '127.0.0.1', securePort: 40001 }, { name: 'apiserver-2', host: '127.0.0.1', securePort: 40002 }],
    });
  });
  for (const [what, raw, want] of [
    ['not an object', [], /cluster.json must be an object/],
    ['no layout', {}, /layout must be an object/],
    ['an http server', layout({ publicServer: 'http://127.0.0.1:6443' }), /publicServer must be https/],
    ['no replicas', layout({ apiservers: [] }), /apiservers must be a non-empty array/],
    ['a port out of range', layout({ apiservers: [{ name: 'a', host: 'h', securePort: 70000 }] }), /securePort must be a port/],
    ['a port as a string', layout({ apiservers: [{ name: 'a', host: 'h', securePort: '1' }] }), /securePort must be a port/],
    ['a nameless replica', layout({ apiservers: [{ host: 'h', securePort: 1 }] }), /name must be a non-empty string/],
    ['duplicate names', layout({ apiservers: [{ name: 'a', host: 'h', securePort: 1 }, { name: 'a', host: 'h', securePort: 2 }] }), /duplicate/],
  ] as const) {
    it(`rejects ${what}`, () => assert.throws(() => decodeClusterAddresses(raw), want));
  }
});

describe('establishedByLocalPort', () => {
  // 40001 = 0x9C41, 40002 = 0x9C42; st 01 = ESTABLISHED, 0A = LISTEN, 06 = TIME_WAIT.
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:9C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1',
    '   1: 0100007F:9C41 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 2',
    '   2: 0100007F:9C41 0100007F:D432 01 00000000:00000000 00:00000000 00000000  1000        0 3',
    '   3: 0100007F:D431 0100007F:9C41 01 00000000:00000000 00:00000000 00000000  1000        0 4',
    '   4: 0100007F:9C42 0100007F:D433 06 00000000:00000000 00:00000000 00000000  1000        0 5',
    '   5: 0100007F:1F90 0100007F:D434 01 00000000:00000000 00:00000000 00000000  1000        0 6',
    'garbage',
    '',
  ].join('\n');
  it('counts established sockets on each asked-for local port; listeners, TIME_WAIT, other ports and the peer side are not counted', () => {
    assert.deepEqual([...establishedByLocalPort(text, [40001, 40002])], [[40001, 2], [40002, 0]]);
  });
  it('is all zeros for an empty table', () => assert.deepEqual([...establishedByLocalPort('', [1])], [[1, 0]]));
});

describe('/proc readers', () => {
  it('splits NUL-terminated fields, keeping empty arguments', () => {
    assert.deepEqual(splitNulFields('node\0cli.js\0\0--x\0'), ['node', 'cli.js', '', '--x']);
    assert.deepEqual(splitNulFields(''), []);
  });
  it('reads KEY=VALUE, keeping "=" in values and dropping fields that are not assignments', () => {
    assert.deepEqual(parseEnviron(['PATH=/bin:/usr/bin', 'A=b=c', 'EMPTY=', 'junk', '=nokey']), { PATH: '/bin:/usr/bin', A: 'b=c', EMPTY: '' });
  });
});

describe('SessionSpread', () => {
  const fake = (name: string, calls: string[]): KubeRequester => ({
    request: (method, path) => {
      calls.push(`${name} ${method} ${path}`);
      return Promise.resolve<KubeResponse>({ status: 200, body: Buffer.from('{}') });
    },
    json: (method, path) => {
      calls.push(`${name} json ${method} ${path}`);
      return Promise.resolve({});
    },
  });
  it('hands requests to the sessions in turn, json and request alike', async () => {
    const calls: string[] = [];
    const s = new SessionSpread([fake('a', calls), fake('b', calls), fake('c', calls)]);
    await s.request('GET', '/1');
    await s.json('POST', '/2', {});
    await s.request('GET', '/3');
    await s.request('GET', '/4');
    assert.deepEqual(calls, ['a GET /1', 'b json POST /2', 'c GET /3', 'a GET /4']);
    assert.equal(s.size, 3);
  });
  it('refuses an empty set', () => assert.throws(() => new SessionSpread([])));
});
