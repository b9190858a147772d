import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthnError, parseTokenFile, tokenFileAuthenticator } from '../src/index.ts';
import { parseCsv } from '../src/csv.ts';

describe('CSV reader (Go encoding/csv rules)', () => {
  const valid: [string, string, string[][]][] = [
    ['plain', 'a,b,c\n', [['a', 'b', 'c']]],
    ['quoted comma', 'a,"b,c"\n', [['a', 'b,c']]],
    ['doubled quote', '"a""b",c', [['a"b', 'c']]],
    ['CRLF and blank lines', 'a,b\r\n\r\n\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['newline in quotes', '"a\nb",c\nd', [['a\nb', 'c'], ['d']]],
    ['empty fields', ',,\n', [['', '', '']]],
    ['leading space kept', ' a, b', [[' a', ' b']]],
  ];
  for (const [name, text, want] of valid) {
    it(`reads ${name}`, () => assert.deepEqual(parseCsv(text).map((r) => r.fields), want));
  }
  const invalid: [string, string, string][] = [
    ['bare quote', 'a,b"c\n', 'parse error on line 1, column 4: bare " in non-quoted field'],
    ['text after closing quote', 'ok,x\n"a"b,c\n', 'parse error on line 2, column 4: extraneous or missing " in quoted-field'],
    ['unterminated quote', 'a,"bc', 'parse error on line 1, column 6: extraneous or missing " in quoted-field'],
    ['unterminated across lines', '"a\nb', 'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field'],
  ];
  for (const [name, text, message] of invalid) {
    it(`refuses ${name}`, () => assert.throws(() => parseCsv(text), { message }));
  }
});

describe('token file', () => {
  it('maps tokens to users, uids and groups', async () => {
    const a = tokenFileAuthenticator(parseTokenFile('t1,alice,1,"a,b"\nt2,bob,2\nt3,carol,3,solo,ignored\n', 'f'));
    assert.deepEqual(await a.authenticateToken('t1'), { kind: 'ok', user: { name: 'alice', uid: '1', groups: ['a', 'b'], extra: {} } });
    assert.deepEqual(await a.authenticateToken('t2'), { kind: 'ok', user: { name: 'bob', uid: '2', groups: [], extra: {} } });
    assert.deepEqual(await a.authenticateToken('t3'), { kind: 'ok', user: { name: 'carol', uid: '3', groups: ['solo'], extra: {} } });
    assert.deepEqual(await a.authenticateToken('t4'), { kind: 'none' });
    assert.deepEqual(await a.authenticateToken(''), { kind: 'none' });
  });

  it('refuses records with fewer than 3 columns with kube\'s message', () => {
    assert.throws(() => parseTokenFile('t1,alice\n', '/etc/tokens.csv'), (err: unknown) => {
      assert.ok(err instanceof AuthnError);
      assert.equal(err.code, 'invalid-token-file');
      assert.equal(err.message, "token file '/etc/tokens.csv' must have at least 3 columns (token, user name, user uid), found 2");
      return true;
    });
  });

  it('reports CSV errors as invalid-token-file', () => {
    assert.throws(() => parseTokenFile('secret"x,a,b\n', 'f'), (err: unknown) => err instanceof AuthnError && err.code === 'invalid-token-file' && !err.message.includes('secret'));
  });

  it('skips empty tokens and lets a duplicate win, warning by record number only', async () => {
    const warnings: string[] = [];
    const tokens = parseTokenFile(',nobody,0\ndup-secret,first,1\ndup-secret,second,2\n', 'f', { warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, ["empty token has been found in token file 'f', record number '1'", "duplicate token has been found in token file 'f', record number '3'"]);
    assert.equal(tokens.size, 1);
    const r = await tokenFileAuthenticator(tokens).authenticateToken('dup-secret');
    assert.equal(r.kind === 'ok' ? r.user.name : '', 'second');
  });
});
