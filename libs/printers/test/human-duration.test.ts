import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, since } from '../src/index.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

describe('humanDuration (kube duration.HumanDuration thresholds)', () => {
  const cases: [number, string][] = [
    [-2 * S, '<invalid>'],
    [-10 * Y, '<invalid>'],
    [-1999, '0s'],
    [-1 * S, '0s'],
    [-1, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * S, '5s'],
    [119 * S + 999, '119s'],
    [2 * M, '2m'],
    [3 * M + 20 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 5 * M, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'],
    [47 * H, '47h'],
    [2 * D, '2d'],
    [2 * D + 3 * H, '2d3h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D + 5 * H, '8d'],
    [729 * D, '729d'],
    [2 * Y, '2y'],
    [4 * Y + 150 * D, '4y150d'],
    [7 * Y + 364 * D, '7y364d'],
    [8 * Y, '8y'],
    [30 * Y + 100 * D, '30y'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('since', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  it('formats the time since an RFC 3339 timestamp', () => {
    assert.equal(since('2024-12-31T23:56:40Z', now), '3m20s');
  });
  it('is <unknown> for a missing, empty or unparseable timestamp', () => {
    for (const ts of [undefined, null, '', 'yesterday', 42]) assert.equal(since(ts, now), '<unknown>');
  });
  it('is <invalid> for a timestamp far in the future', () => {
    assert.equal(since('2025-01-01T00:01:00Z', now), '<invalid>');
  });
});
