// The body of a change message (proto/etcd/logbook_store.proto,
// logbook.store.v1.PublishedChange): one revision's events on one subject,
// or — when they do not fit NATS's max_payload — a reference naming the
// changed keys, to be read from the store. Decode is a trust boundary (bytes
// from NATS): anything that breaks the message's invariants is refused with
// a ProtoDecodeError rather than handed to a watch cache.

import type { Event, Revision } from '@logbook/mvcc';
import { fromWireEvent, logbook, toWireEvent } from '@logbook/etcd-api';
import { ProtoDecodeError, field, readArray, readBool, readBytes, readObject, readUint64, runDecode } from '@logbook/proto';
import { assert } from './errors.ts';

const PB = logbook.store.v1.PublishedChange;

export type PublishedChange =
  | {
      readonly revision: Revision;
      /** No event on this subject has a revision in (prevRevision, revision). */
      readonly prevRevision: Revision;
      readonly reference: false;
      /** Every event of `revision` on the subject, in sub-revision order (never empty). */
      readonly events: readonly Event[];
    }
  | {
      readonly revision: Revision;
      readonly prevRevision: Revision;
      readonly reference: true;
      /** The changed keys; empty when even they did not fit (read the subject's whole prefix at `revision`). */
      readonly referenceKeys: readonly Uint8Array[];
    };

function checkChain(revision: Revision, prevRevision: Revision): string | undefined {
  if (!Number.isSafeInteger(revision) || revision < 1) return `revision ${revision} is not a positive integer`;
  if (!Number.isSafeInteger(prevRevision) || prevRevision < 0) return `prevRevision ${prevRevision} is not a non-negative integer`;
  if (prevRevision >= revision) return `prevRevision ${prevRevision} is not below revision ${revision}`;
  return undefined;
}

export function encodePublishedChange(c: PublishedChange): Uint8Array {
  const bad = checkChain(c.revision, c.prevRevision);
  assert(bad === undefined, () => `encodePublishedChange: ${bad}`);
  if (!c.reference) {
    assert(c.events.length > 0, 'a change message carries at least one event');
    for (const e of c.events) assert(e.kv.modRevision === c.revision, () => `event at ${e.kv.modRevision} in a message for ${c.revision}`);
    return PB.encode({ revision: c.revision, prevRevision: c.prevRevision, events: c.events.map((e, i) => toWireEvent(e, `events[${i}]`)) }).finish();
  }
  return PB.encode({ revision: c.revision, prevRevision: c.prevRevision, reference: true, referenceKeys: [...c.referenceKeys] }).finish();
}

/** Decodes and validates a change message body. Throws ProtoDecodeError. */
export function decodePublishedChange(bytes: Uint8Array): PublishedChange {
  const o: object = runDecode('PublishedChange', () => PB.decode(bytes));
  const revision = readUint64(field(o, 'revision'), 'revision');
  const prevRevision = readUint64(field(o, 'prevRevision'), 'prevRevision');
  const bad = checkChain(revision, prevRevision);
  if (bad !== undefined) throw new ProtoDecodeError('invalid-field', 'revision', bad);
  const events = readArray(field(o, 'events'), 'events').map((e, i) => {
    const path = `events[${i}]`;
    if (readObject(e, path) === undefined) throw new ProtoDecodeError('invalid-field', path, 'null event');
    return fromWireEvent(e, path);
  });
  const keys = readArray(field(o, 'referenceKeys'), 'referenceKeys').map((k, i) => readBytes(k, `referenceKeys[${i}]`));
  if (readBool(field(o, 'reference'), 'reference')) {
    if (events.length > 0) throw new ProtoDecodeError('invalid-field', 'events', 'a reference message carries no events');
    return { revision, prevRevision, reference: true, referenceKeys: keys };
  }
  if (keys.length > 0) throw new ProtoDecodeError('invalid-field', 'referenceKeys', 'only a reference message names keys');
  if (events.length === 0) throw new ProtoDecodeError('missing-field', 'events', 'a change message carries at least one event');
  events.forEach((e, i) => {
    if (e.kv.modRevision !== revision) {
      throw new ProtoDecodeError('invalid-field', `events[${i}].kv.modRevision`, `${e.kv.modRevision} differs from revision ${revision}`);
    }
  });
  return { revision, prevRevision, reference: false, events };
}
