// Turning a chunk of committed history into messages: one message per
// (subject, revision) holding all of that revision's events on the subject
// (a txn can touch several keys of one namespace), in sub-revision order.
// Pure: the publisher does the I/O.

import type { Event, Revision } from '@logbook/mvcc';
import { assert } from './errors.ts';
import { encodePublishedChange } from './published-change.ts';
import type { SubjectChain } from './subject-chain.ts';
import { subjectForKey } from './subject.ts';

export interface OutgoingChange {
  readonly subject: string;
  readonly revision: Revision;
  readonly prevRevision: Revision;
  readonly body: Uint8Array;
  readonly reference: boolean;
}

/** Splits revision-ordered events into runs of one revision each. */
export function groupByRevision(events: readonly Event[]): Array<[Revision, Event[]]> {
  const groups: Array<[Revision, Event[]]> = [];
  let current: [Revision, Event[]] | undefined;
  for (const e of events) {
    const rev = e.kv.modRevision;
    if (current === undefined || current[0] !== rev) {
      assert(current === undefined || rev > current[0], () => `history out of order: ${rev} after ${current?.[0]}`);
      current = [rev, []];
      groups.push(current);
    }
    current[1].push(e);
  }
  return groups;
}

/**
 * The messages for one revision. A message whose body would exceed
 * maxBodyBytes becomes a reference (keys only); if even the keys do not fit
 * (a range delete of thousands of keys), a reference without keys. Stages
 * each subject's revision in `chain` (committed by the caller after flush).
 */
export function buildRevisionMessages(
  prefix: string,
  revision: Revision,
  events: readonly Event[],
  chain: SubjectChain,
  maxBodyBytes: number,
): OutgoingChange[] {
  const bySubject = new Map<string, Event[]>();
  for (const e of events) {
    assert(e.kv.modRevision === revision, () => `event at ${e.kv.modRevision} grouped under ${revision}`);
    const subject = subjectForKey(prefix, e.kv.key);
    const list = bySubject.get(subject);
    if (list === undefined) bySubject.set(subject, [e]);
    else list.push(e);
  }
  const out: OutgoingChange[] = [];
  for (const [subject, evs] of bySubject) {
    const prevRevision = chain.prevFor(subject, revision);
    let reference = false;
    let body = encodePublishedChange({ revision, prevRevision, reference: false, events: evs });
    if (body.length > maxBodyBytes) {
      reference = true;
      body = encodePublishedChange({ revision, prevRevision, reference: true, referenceKeys: evs.map((e) => e.kv.key) });
      if (body.length > maxBodyBytes) body = encodePublishedChange({ revision, prevRevision, reference: true, referenceKeys: [] });
    }
    chain.stage(subject, revision);
    out.push({ subject, revision, prevRevision, body, reference });
  }
  return out;
}
