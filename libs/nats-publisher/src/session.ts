// A walk along the history: the chain of per-subject revisions and the last
// revision walked (`position`). The leader's walk publishes; a follower's
// walk (its "shadow") only observes, trailing the cursor the leader
// announces, so a promoted follower starts publishing right after what it
// knows was published, with the chain the old leader had at that point.

import type { Revision } from '@logbook/mvcc';
import { groupByRevision } from './batch.ts';
import type { ChangeSource } from './options.ts';
import { SubjectChain } from './subject-chain.ts';
import { subjectForKey } from './subject.ts';

export interface Session {
  chain: SubjectChain;
  position: Revision;
}

/** Every key: from "\0" to the end of the keyspace. */
export const ALL_KEYS = Uint8Array.of(0);

export function newSession(start: Revision, maxSubjects: number): Session {
  return { chain: new SubjectChain(start, maxSubjects), position: start };
}

export interface FollowLimits {
  readonly prefix: string;
  readonly maxBatchEvents: number;
}

/**
 * Moves a follower's shadow toward `target` (the highest cursor announced)
 * by one chunk of history. Returns true when another step could make
 * progress now. Never moves past `target`: the shadow must stay at or below
 * what is known published, since a promotion publishes from its position.
 * If history before the shadow was compacted, it may restart at the
 * compacted revision only when that revision is known published; otherwise
 * it stays put, and the promoted leader will publish a reset.
 */
export function followStep(source: ChangeSource, s: Session, target: Revision, limits: FollowLimits): boolean {
  if (s.position >= target) return false;
  const res = source.eventsSince({ startRevision: s.position + 1, key: ALL_KEYS, rangeEnd: ALL_KEYS, limit: limits.maxBatchEvents });
  if ('compactRevision' in res) {
    if (res.compactRevision > target) return false;
    s.chain = new SubjectChain(res.compactRevision, s.chain.maxSubjects);
    s.position = res.compactRevision;
    return true;
  }
  const through = Math.min(res.nextRevision - 1, target);
  for (const [revision, events] of groupByRevision(res.events)) {
    if (revision > through) break;
    for (const subject of new Set(events.map((e) => subjectForKey(limits.prefix, e.kv.key)))) {
      s.chain.prevFor(subject, revision); // asserts the walk only moves forward
      s.chain.stage(subject, revision);
    }
  }
  s.chain.commit();
  s.position = through;
  return through < target && through < source.currentRevision;
}

/**
 * Where a promoted follower starts. Its shadow is kept unless history before
 * it is gone; then it restarts at the compacted revision if that is known
 * published, or if nothing was ever seen published (then all retained
 * history is published). Otherwise the gap is real and the drain publishes a
 * reset when it reads compacted history.
 */
export function sessionForPromotion(shadow: Session, cursor: Revision | undefined, compacted: Revision): Session {
  if (shadow.position >= compacted) return shadow;
  if (cursor === undefined || compacted <= cursor) return newSession(compacted, shadow.chain.maxSubjects);
  return shadow;
}
