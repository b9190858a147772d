import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, NetworkMessageType } from '@logbook/raft';
import { decodeMessage, encodeMessage, isNetworkMessageType, logbook, ProtoDecodeError, ProtoEncodeError } from '../src/index.ts';
import { allBytes, EMPTY, entry, msg, seeded, snapshot } from './fixtures.ts';

const pb = logbook.raft.v1;

function roundTrip(m: Message): Message {
  return decodeMessage(encodeMessage(m));
}

function decodeError(bytes: Uint8Array): ProtoDecodeError {
  try {
    decodeMessage(bytes);
  } catch (e) {
    assert.ok(e instanceof ProtoDecodeError, `expected ProtoDecodeError, got ${String(e)}`);
    return e;
  }
  assert.fail('decoding succeeded');
}

/** A representative message of every network type, each using the fields that type uses. */
const EXAMPLES: ReadonlyArray<Message> = [
  msg('MsgApp', { term: 5, logTerm: 4, index: 10, commit: 9, entries: [entry(11, 5, allBytes()), entry(12, 5)] }),
  msg('MsgAppResp', { term: 5, index: 12, reject: true, rejectHint: 7, logTerm: 3 }),
  msg('MsgVote', { term: 6, logTerm: 5, index: 12 }),
  msg('MsgVoteResp', { term: 6, reject: true }),
  msg('MsgPreVote', { term: 7, logTerm: 5, index: 12 }),
  msg('MsgPreVoteResp', { term: 7 }),
  msg('MsgHeartbeat', { term: 5, commit: 9, context: new Uint8Array([1, 2, 3]) }),
  msg('MsgHeartbeatResp', { term: 5, context: new Uint8Array([1, 2, 3]) }),
  msg('MsgSnap', { term: 5, snapshot: snapshot(100, 4, [1, 2, 3], [4], allBytes()) }),
  msg('MsgProp', { entries: [entry(0, 0, new Uint8Array([9])), entry(0, 0, new Uint8Array([7, 7]), 'conf-change')] }),
  msg('MsgReadIndex', { term: 5, context: new Uint8Array([0xff, 0]) }),
  msg('MsgReadIndexResp', { term: 5, index: 42, context: new Uint8Array([0xff, 0]) }),
  msg('MsgTimeoutNow', { term: 5 }),
  msg('MsgTransferLeader', { from: 3, to: 1, term: 5 }),
];

describe('encodeMessage / decodeMessage', () => {
  it('has an example of every network message type', () => {
    const types = new Set(EXAMPLES.map((m) => m.type));
    for (const t of Object.keys(pb.MessageType)) {
      if (t === 'MESSAGE_TYPE_UNSPECIFIED') continue;
      const core = t.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase()) as NetworkMessageType;
      assert.ok(types.has(core), `no example for ${t} (${core})`);
    }
    assert.equal(types.size, Object.keys(pb.MessageType).length - 1);
  });

  for (const m of EXAMPLES) {
    it(`round-trips ${m.type}`, () => {
      assert.deepStrictEqual(roundTrip(m), m);
    });
  }

  it('round-trips a message whose optional fields are all empty', () => {
    const m = msg('MsgHeartbeat');
    const bytes = encodeMessage(m);
    assert.deepStrictEqual(decodeMessage(bytes), m);
    // type + from + to only: three one-byte tags with one-byte values.
    assert.equal(bytes.byteLength, 6);
  });

  it('round-trips noAck, as field 13, and leaves it out when false', () => {
    const notice: Message = { ...msg('MsgApp', { from: 1, to: 2, term: 3, logTerm: 3, index: 5, commit: 5 }), noAck: true };
    const bytes = encodeMessage(notice);
    assert.deepStrictEqual(decodeMessage(bytes), notice);
    assert.equal(Buffer.from(bytes).subarray(-2).toString('hex'), '6801', 'no_ack = 13, varint true');
    const answered = msg('MsgApp', { from: 1, to: 2, term: 3, logTerm: 3, index: 5, commit: 5 });
    assert.equal(encodeMessage(answered).byteLength, bytes.byteLength - 2);
    assert.equal(decodeMessage(encodeMessage(answered)).noAck, false);
  });

  it('round-trips a snapshot with empty data and an empty configuration', () => {
    const m = msg('MsgSnap', { snapshot: snapshot(0, 0, [], [], EMPTY) });
    assert.deepStrictEqual(roundTrip(m), m);
  });

  it('keeps empty entries (leader no-ops) and their order', () => {
    const entries = [entry(1, 1), entry(2, 1, new Uint8Array([0])), entry(3, 2), entry(4, 2, EMPTY, 'conf-change')];
    const m = msg('MsgApp', { entries });
    assert.deepStrictEqual(roundTrip(m).entries, entries);
  });

  it('round-trips the largest safe integers', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const m = msg('MsgApp', {
      from: max, to: max, term: max, logTerm: max, index: max, commit: max, rejectHint: max,
      entries: [entry(max, max)],
      snapshot: snapshot(max, max, [max], [max], EMPTY),
    });
    assert.deepStrictEqual(roundTrip(m), m);
  });

  it('returns plain Uint8Arrays for byte fields even from a Buffer', () => {
    const m = roundTrip(EXAMPLES[0]!);
    assert.equal(Object.getPrototypeOf(m.entries[0]!.data), Uint8Array.prototype);
    const fromBuffer = decodeMessage(Buffer.from(encodeMessage(EXAMPLES[6]!)));
    assert.equal(Object.getPrototypeOf(fromBuffer.context), Uint8Array.prototype);
    assert.deepStrictEqual(fromBuffer.context, new Uint8Array([1, 2, 3]));
  });

  it('keeps the wire layout stable (field numbers never change)', () => {
    const bytes = encodeMessage(msg('MsgApp', { from: 1, to: 2, term: 3, logTerm: 4, index: 5, commit: 6, entries: [entry(7, 3, new Uint8Array([0xab]))] }));
    // type=1 from=1 to=2 term=3 log_term=4 index=5 entries={term=3 index=7 data=ab} commit=6
    assert.equal(Buffer.from(bytes).toString('hex'), '0801' + '1001' + '1802' + '2003' + '2804' + '3005' + '3a07' + '0803' + '1007' + '2201ab' + '4006');
  });

  it('accepts only network message types', () => {
    assert.equal(isNetworkMessageType('MsgApp'), true);
    assert.equal(isNetworkMessageType('MsgHup'), false);
    assert.equal(isNetworkMessageType('MsgSnapStatus'), false);
  });
});

describe('encodeMessage rejects what cannot go on the wire', () => {
  it('a local message type', () => {
    const local = { ...msg('MsgApp'), type: 'MsgBeat' } as const satisfies Message;
    assert.throws(() => encodeMessage(local), (e: unknown) => e instanceof ProtoEncodeError && e.code === 'local-message-type');
  });

  for (const [name, value] of [['negative', -1], ['fractional', 1.5], ['unsafe', 2 ** 53], ['NaN', Number.NaN]] as const) {
    it(`a ${name} number`, () => {
      assert.throws(
        () => encodeMessage(msg('MsgApp', { entries: [entry(1, value)] })),
        (e: unknown) => e instanceof ProtoEncodeError && e.code === 'invalid-integer' && e.field === 'entries[0].term',
      );
    });
  }
});

describe('decodeMessage rejects malformed input', () => {
  it('truncated bytes', () => {
    const bytes = encodeMessage(EXAMPLES[0]!);
    // Cut inside the entries field: its length prefix promises more than there is.
    const e = decodeError(bytes.subarray(0, bytes.byteLength - 20));
    assert.equal(e.code, 'truncated');
    assert.ok(e.cause instanceof Error);
  });

  it('every prefix of a valid encoding decodes or fails with ProtoDecodeError', () => {
    for (const m of EXAMPLES) {
      const bytes = encodeMessage(m);
      for (let n = 0; n < bytes.byteLength; n++) {
        try {
          decodeMessage(bytes.subarray(0, n));
        } catch (e) {
          assert.ok(e instanceof ProtoDecodeError, `${m.type} prefix ${n}: ${String(e)}`);
        }
      }
    }
  });

  it('random bytes fail only with ProtoDecodeError', () => {
    const random = seeded(42);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      try {
        decodeMessage(bytes);
      } catch (e) {
        assert.ok(e instanceof ProtoDecodeError, `input ${Buffer.from(bytes).toString('hex')}: ${String(e)}`);
      }
    }
  });

  it('an invalid wire type', () => {
    // Field 1 (type) with wire type 7, which does not exist.
    assert.equal(decodeError(new Uint8Array([0x0f, 0x01])).code, 'malformed');
  });

  it('an unknown message type', () => {
    const e = decodeError(pb.Message.encode({ type: 99 as logbook.raft.v1.MessageType, from: 1, to: 2 }).finish());
    assert.equal(e.code, 'invalid-enum');
    assert.equal(e.field, 'type');
  });

  it('a message without a type', () => {
    assert.equal(decodeError(pb.Message.encode({ from: 1, to: 2 }).finish()).code, 'invalid-enum');
  });

  it('an unknown entry type', () => {
    const e = decodeError(pb.Message.encode({ type: 1, from: 1, to: 2, entries: [{ index: 1 }, { index: 2, type: 5 as logbook.raft.v1.EntryType }] }).finish());
    assert.equal(e.code, 'invalid-enum');
    assert.equal(e.field, 'entries[1].type');
  });

  for (const value of [2 ** 53, 2 ** 53 + 2, 2 ** 64 - 2 ** 12]) {
    it(`an unsafe integer (${value})`, () => {
      const e = decodeError(pb.Message.encode({ type: 1, from: 1, to: 2, commit: value }).finish());
      assert.equal(e.code, 'unsafe-integer');
      assert.equal(e.field, 'commit');
    });
  }

  it('an unsafe integer nested in a snapshot', () => {
    const bytes = pb.Message.encode({
      type: pb.MessageType.MSG_SNAP, from: 1, to: 2,
      snapshot: { metadata: { index: 1, term: 1, confState: { voters: [1, 2 ** 60] } } },
    }).finish();
    const e = decodeError(bytes);
    assert.equal(e.code, 'unsafe-integer');
    assert.equal(e.field, 'snapshot.metadata.confState.voters[1]');
  });

  it('a message with no sender or no recipient', () => {
    assert.equal(decodeError(pb.Message.encode({ type: 1, to: 2 }).finish()).field, 'from');
    assert.equal(decodeError(pb.Message.encode({ type: 1, from: 2 }).finish()).field, 'to');
  });

  it('MsgSnap without a snapshot, or a snapshot without metadata', () => {
    const noSnap = decodeError(pb.Message.encode({ type: pb.MessageType.MSG_SNAP, from: 1, to: 2 }).finish());
    assert.equal(noSnap.code, 'missing-field');
    assert.equal(noSnap.field, 'snapshot');
    const noMeta = decodeError(pb.Message.encode({ type: pb.MessageType.MSG_SNAP, from: 1, to: 2, snapshot: { data: new Uint8Array([1]) } }).finish());
    assert.equal(noMeta.code, 'missing-field');
    assert.equal(noMeta.field, 'snapshot.metadata');
  });

  it('member id 0 in a configuration', () => {
    const bytes = pb.Message.encode({
      type: pb.MessageType.MSG_SNAP, from: 1, to: 2,
      snapshot: { metadata: { index: 1, term: 1, confState: { voters: [1], learners: [0] } } },
    }).finish();
    assert.equal(decodeError(bytes).field, 'snapshot.metadata.confState.learners[0]');
  });

  it('ignores unknown fields (a newer sender)', () => {
    const known = encodeMessage(EXAMPLES[2]!);
    // Field 50, varint 1: not in this schema.
    const withUnknown = new Uint8Array([...known, 0x90, 0x03, 0x01]);
    assert.deepStrictEqual(decodeMessage(withUnknown), EXAMPLES[2]);
  });
});
