import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  StatusError, decodeListOptions, parseBool, parseDeleteQuery, parseGetOptions, parseListOptions, parseResourceVersion, validateListOptions,
} from '../src/index.ts';

function q(s: string): URLSearchParams {
  return new URLSearchParams(s);
}

function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (err: unknown) {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    return { code: err.code, reason: err.reason ?? '', message: err.message };
  }
  assert.fail('expected a StatusError');
}

describe('parseBool (Go strconv.ParseBool)', () => {
  const table: ReadonlyArray<readonly [string, boolean | undefined]> = [
    ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
    ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
    ['', undefined], ['yes', undefined], ['tRUE', undefined], ['no', undefined], [' true', undefined], ['2', undefined], ['truE', undefined],
  ];
  for (const [input, want] of table) {
    it(JSON.stringify(input), () => {
      const r = parseBool(input);
      if (want === undefined) {
        assert.deepEqual(r, { ok: false, error: `strconv.ParseBool: parsing ${JSON.stringify(input)}: invalid syntax` });
      } else {
        assert.deepEqual(r, { ok: true, value: want });
      }
    });
  }
});

describe('parseResourceVersion', () => {
  for (const [input, want] of [['', 0], ['0', 0], ['1', 1], ['007', 7], ['123456789', 123456789], ['18446744073709551615', Number.MAX_SAFE_INTEGER]] as const) {
    it(`accepts ${JSON.stringify(input)}`, () => assert.equal(parseResourceVersion(input), want));
  }
  const bad: ReadonlyArray<readonly [string, string]> = [
    ['abc', 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'],
    ['-1', 'invalid resource version: resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax'],
    ['+1', 'invalid resource version: resourceVersion: Invalid value: "+1": strconv.ParseUint: parsing "+1": invalid syntax'],
    ['1.5', 'invalid resource version: resourceVersion: Invalid value: "1.5": strconv.ParseUint: parsing "1.5": invalid syntax'],
    [' 1', 'invalid resource version: resourceVersion: Invalid value: " 1": strconv.ParseUint: parsing " 1": invalid syntax'],
    ['18446744073709551616', 'invalid resource version: resourceVersion: Invalid value: "18446744073709551616": strconv.ParseUint: parsing "18446744073709551616": value out of range'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} with 400`, () => assert.deepEqual(statusOf(() => parseResourceVersion(input)), { code: 400, reason: 'BadRequest', message }));
  }
});

describe('decodeListOptions', () => {
  it('defaults', () => {
    const o = decodeListOptions(q(''));
    assert.equal(o.watch, false);
    assert.equal(o.limit, 0);
    assert.equal(o.resourceVersion, '');
    assert.equal(o.continue, '');
    assert.equal(o.timeoutSeconds, undefined);
    assert.equal(o.sendInitialEvents, undefined);
    assert.ok(o.labelSelector.isEmpty());
    assert.ok(o.fieldSelector.isEmpty());
  });

  it('reads what kubectl sends for delete --wait', () => {
    const o = decodeListOptions(q('allowWatchBookmarks=true&fieldSelector=metadata.name%3Dp&resourceVersion=42&timeoutSeconds=447&watch=true'));
    assert.equal(o.watch, true);
    assert.equal(o.allowWatchBookmarks, true);
    assert.equal(o.fieldSelector.exactName(), 'p');
    assert.equal(o.resourceVersion, '42');
    assert.equal(o.timeoutSeconds, 447);
  });

  it('takes the first of repeated parameters, like kube', () => {
    assert.equal(decodeListOptions(q('limit=5&limit=7')).limit, 5);
  });

  it('treats a negative limit as no limit', () => {
    assert.equal(decodeListOptions(q('limit=-3')).limit, 0);
  });

  const bad: ReadonlyArray<readonly [string, string]> = [
    ['limit=abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['limit=', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['limit=1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ['limit=99999999999999999999', 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
    ['timeoutSeconds=ten', 'strconv.ParseInt: parsing "ten": invalid syntax'],
    ['watch=yes', 'strconv.ParseBool: parsing "yes": invalid syntax'],
    ['allowWatchBookmarks=', 'strconv.ParseBool: parsing "": invalid syntax'],
    ['labelSelector=a%20b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['fieldSelector=a', "invalid selector: 'a'; can't understand 'a'"],
  ];
  for (const [query, message] of bad) {
    it(`400 for ${query}`, () => assert.deepEqual(statusOf(() => decodeListOptions(q(query))), { code: 400, reason: 'BadRequest', message }));
  }

  it('lenient booleans read like kube\'s own decoder', () => {
    assert.equal(decodeListOptions(q('watch=yes'), true).watch, true);
    assert.equal(decodeListOptions(q('watch='), true).watch, true);
    assert.equal(decodeListOptions(q('watch=FALSE'), true).watch, false);
    assert.equal(decodeListOptions(q('watch=0'), true).watch, false);
  });
});

// The cases and messages of kube's own TestValidateListOptions.
describe('validateListOptions', () => {
  const table: ReadonlyArray<readonly [string, string, boolean, readonly string[]]> = [
    ['valid default', '', false, []],
    ['exact with rv', 'resourceVersion=1&resourceVersionMatch=Exact', false, []],
    ['exact with rv 0', 'resourceVersion=0&resourceVersionMatch=Exact', false, ['resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"']],
    ['notOlderThan with rv 0', 'resourceVersion=0&resourceVersionMatch=NotOlderThan', false, []],
    ['unknown match', 'resourceVersion=0&resourceVersionMatch=foo', false, ['resourceVersionMatch: Unsupported value: "foo": supported values: "Exact", "NotOlderThan", ""']],
    ['match without rv', 'resourceVersionMatch=NotOlderThan', false, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided']],
    ['match with continue', 'resourceVersion=5&resourceVersionMatch=Exact&continue=abc', false, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided']],
    ['everything wrong on a list', 'resourceVersionMatch=exact&continue=abc', false, [
      'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
      'resourceVersionMatch: Unsupported value: "exact": supported values: "Exact", "NotOlderThan", ""',
    ]],
    ['sendInitialEvents on list', 'sendInitialEvents=true', true, ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']],
    ['sendInitialEvents=false on list', 'sendInitialEvents=false', true, ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']],
    ['valid watch', 'watch=true', false, []],
    ['watch-list on', 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', true, []],
    ['watch-list off (sendInitialEvents=false)', 'watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', true, []],
    ['watch match without sendInitialEvents', 'watch=true&resourceVersionMatch=NotOlderThan', false, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided']],
    ['watch sendInitialEvents without match, gate off', 'watch=true&sendInitialEvents=true', false, [
      'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    ]],
    ['watch sendInitialEvents with Exact', 'watch=true&sendInitialEvents=true&resourceVersionMatch=Exact&allowWatchBookmarks=true', true, [
      'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"',
    ]],
    ['watch-list without bookmarks is allowed', 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan', true, []],
    ['watch-list with gate off', 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', false, ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled']],
    ['watch-list with continue', 'watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&continue=123', true, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided']],
  ];
  for (const [name, query, watchList, want] of table) {
    it(name, () => {
      assert.deepEqual(validateListOptions(decodeListOptions(q(query)), watchList).map((e) => e.message()), want);
    });
  }
});

describe('parseListOptions', () => {
  it('returns typed options with the parsed revision', () => {
    const o = parseListOptions(q('limit=500&resourceVersion=0&labelSelector=app%3Dweb'), { watchListEnabled: false });
    assert.equal(o.limit, 500);
    assert.equal(o.revision, 0);
    assert.equal(o.resourceVersion, '0');
    assert.equal(o.resourceVersionMatch, '');
    assert.ok(o.labelSelector.matches({ app: 'web' }));
  });

  it('422 with kube\'s ListOptions message', () => {
    assert.deepEqual(statusOf(() => parseListOptions(q('resourceVersionMatch=NotOlderThan'), { watchListEnabled: false })), {
      code: 422, reason: 'Invalid', message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    });
    try {
      parseListOptions(q('watch=1&resourceVersionMatch=NotOlderThan'), { watchListEnabled: false });
      assert.fail('expected 422');
    } catch (err: unknown) {
      assert.ok(err instanceof StatusError);
      assert.deepEqual(err.status.details, {
        group: 'meta.k8s.io', kind: 'ListOptions',
        causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided', field: 'resourceVersionMatch' }],
      });
    }
  });

  it('several 422 problems are bracketed', () => {
    assert.equal(statusOf(() => parseListOptions(q('watch=true&sendInitialEvents=true'), { watchListEnabled: false })).message,
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled]');
  });

  it('400 for a resourceVersion with continue, but rv 0 is tolerated', () => {
    assert.deepEqual(statusOf(() => parseListOptions(q('continue=tok&resourceVersion=5'), { watchListEnabled: false })), {
      code: 400, reason: 'BadRequest', message: 'specifying resource version is not allowed when using continue',
    });
    assert.equal(parseListOptions(q('continue=tok&resourceVersion=0'), { watchListEnabled: false }).continue, 'tok');
  });

  it('400 for a malformed resourceVersion after the 422 checks pass', () => {
    assert.equal(statusOf(() => parseListOptions(q('resourceVersion=x'), { watchListEnabled: false })).code, 400);
    assert.equal(statusOf(() => parseListOptions(q('resourceVersion=x&resourceVersionMatch=bogus'), { watchListEnabled: false })).code, 422);
  });
});

describe('get and delete options', () => {
  it('get: resourceVersion', () => {
    assert.deepEqual(parseGetOptions(q('resourceVersion=12')), { resourceVersion: '12', revision: 12 });
    assert.deepEqual(parseGetOptions(q('')), { resourceVersion: '', revision: 0 });
    assert.equal(statusOf(() => parseGetOptions(q('resourceVersion=z'))).code, 400);
  });

  it('delete: typed options', () => {
    assert.deepEqual(parseDeleteQuery(q('gracePeriodSeconds=0&propagationPolicy=Foreground&dryRun=All')), { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });
    assert.deepEqual(parseDeleteQuery(q('')), { dryRun: [] });
  });

  const bad: ReadonlyArray<readonly [string, number, string]> = [
    ['gracePeriodSeconds=x', 400, 'strconv.ParseInt: parsing "x": invalid syntax'],
    ['orphanDependents=maybe', 400, 'strconv.ParseBool: parsing "maybe": invalid syntax'],
    ['dryRun=Server', 422, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Server"]: supported values: "All"'],
    ['propagationPolicy=Sometimes', 422, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"'],
    ['orphanDependents=true&propagationPolicy=Orphan', 422, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set'],
  ];
  for (const [query, code, message] of bad) {
    it(`delete rejects ${query}`, () => {
      const s = statusOf(() => parseDeleteQuery(q(query)));
      assert.equal(s.code, code);
      assert.equal(s.message, message);
    });
  }
});
