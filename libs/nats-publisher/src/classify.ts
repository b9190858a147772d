// The subscriber's rule, per subject. `lastSeen` is the highest revision the
// subscriber has applied on the subject (after a list: the list's revision).
// Every message satisfies: no event on its subject has a revision strictly
// between prevRevision and revision (DESIGN.md). So:
//   revision <= lastSeen      -> duplicate (already applied, or superseded by a list): drop it;
//   prevRevision > lastSeen   -> gap: events in (lastSeen, prevRevision] may be missing;
//                                repair from the store's history before applying;
//   otherwise                 -> new: apply it and set lastSeen = revision.

import type { Revision } from '@logbook/mvcc';

export const CLASSIFICATIONS = ['new', 'duplicate', 'gap'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export function classify(lastSeen: Revision, msg: { readonly revision: Revision; readonly prevRevision: Revision }): Classification {
  if (msg.revision <= lastSeen) return 'duplicate';
  if (msg.prevRevision > lastSeen) return 'gap';
  return 'new';
}
