// decodeBody's protobuf branch with a stand-in decoder (the real one lives in
// @logbook/kube-protobuf, which the server injects); this checks the media
// type routing and how decoder errors become kube Status answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '@logbook/apimachinery';
import { decodeBody, PROTOBUF_MEDIA_TYPE, type ProtobufBodyDecoder } from '../src/body.ts';

class FakeDecodeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } };
const ok: ProtobufBodyDecoder = () => ns;
const failing = (code: string, message: string): ProtobufBodyDecoder => () => { throw new FakeDecodeError(code, message); };
const body = Buffer.from('k8s\0\x0a\x00', 'latin1');

function status(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (err: unknown) {
    assert.ok(err instanceof StatusError, `not a StatusError: ${String(err)}`);
    return { code: err.code, reason: err.status.reason ?? '', message: err.status.message };
  }
  assert.fail('expected a StatusError');
}

describe('decodeBody with protobuf', () => {
  it('returns the decoder\'s JSON object, with media type parameters ignored', () => {
    assert.deepEqual(decodeBody(PROTOBUF_MEDIA_TYPE, body, { protobuf: ok }), ns);
    assert.deepEqual(decodeBody(`${PROTOBUF_MEDIA_TYPE}; charset=binary`, body, { protobuf: ok }), ns);
  });

  it('is a 415 without a decoder, and the 415 lists protobuf once a decoder is given', () => {
    const without = status(() => decodeBody(PROTOBUF_MEDIA_TYPE, body));
    assert.equal(without.code, 415);
    assert.doesNotMatch(without.message, /protobuf/);
    const other = status(() => decodeBody('text/plain', body, { protobuf: ok }));
    assert.equal(other.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  });

  const CASES = [
    { code: 'UnknownKind', status: 415, reason: 'UnsupportedMediaType', message: /accepted media types include: application\/json, application\/yaml, application\/vnd.kubernetes.protobuf$/ },
    { code: 'TooLarge', status: 413, reason: 'RequestEntityTooLarge', message: /too large/ },
    { code: 'Malformed', status: 400, reason: 'BadRequest', message: /^the object provided is unrecognized \(must be of type Namespace\): unexpected EOF \(6b3873000a00\)$/ },
    { code: 'NotProtobuf', status: 400, reason: 'BadRequest', message: /must be of type Namespace/ },
    { code: 'TooDeep', status: 400, reason: 'BadRequest', message: /unexpected EOF/ },
  ] as const;
  for (const c of CASES) {
    it(`maps decoder error ${c.code} to ${c.status}`, () => {
      const got = status(() => decodeBody(PROTOBUF_MEDIA_TYPE, body, { kind: 'Namespace', protobuf: failing(c.code, c.code === 'TooLarge' ? 'body too large' : 'unexpected EOF') }));
      assert.equal(got.code, c.status);
      assert.equal(got.reason, c.reason);
      assert.match(got.message, c.message);
    });
  }

  it('without an expected kind, a malformed body is a 400 with the decoder text', () => {
    const got = status(() => decodeBody(PROTOBUF_MEDIA_TYPE, body, { protobuf: failing('Malformed', 'unexpected EOF') }));
    assert.deepEqual([got.code, got.message], [400, 'unexpected EOF']);
  });

  it('a decoder bug (no code) is not disguised as a client error', () => {
    assert.throws(() => decodeBody(PROTOBUF_MEDIA_TYPE, body, { protobuf: () => { throw new TypeError('boom'); } }), TypeError);
  });

  it('JSON and YAML are unchanged when a protobuf decoder is present', () => {
    assert.deepEqual(decodeBody('application/json', Buffer.from('{"a":1}'), { protobuf: ok }), { a: 1 });
    assert.deepEqual(decodeBody('application/yaml', Buffer.from('a: 1'), { protobuf: ok }), { a: 1 });
  });
});
