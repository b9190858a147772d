// Which of a leader's messages may wait until it has applied and answered.

import type { Ready } from '../core/ready.ts';
import type { Message, NodeId } from '../core/types.ts';
import { envelopeMember } from './envelope.ts';

/**
 * A leader's Ready that commits entries: which messages go out at once and
 * which may wait until the leader has applied them and answered its own
 * clients. Held back: commit notices (MsgApp without entries) to followers
 * that proposed none of the committed entries and get nothing else in this
 * Ready. Nobody waits on those followers for these entries: they only learn
 * the commit a few tens of microseconds later, and on a machine with fewer
 * cores than members, waking them at once makes them compete for a core
 * with the members that answer the clients. A follower's messages are all
 * sent now or all later, so each follower still gets them in order.
 */
export function splitCommitNotices(rd: Ready): { readonly now: readonly Message[]; readonly later: readonly Message[] } {
  const all = { now: rd.messages, later: [] };
  if (rd.committedEntries.length === 0 || rd.messages.length === 0) return all;
  const waiting = new Set<NodeId>();
  for (const m of rd.messages) if (!isCommitNotice(m)) waiting.add(m.to);
  // Under load every follower usually gets entries: then nothing can wait,
  // and the committed entries' envelopes need not be read here (the applier reads them).
  if (rd.messages.every((m) => waiting.has(m.to))) return all;
  for (const e of rd.committedEntries) {
    if (e.type !== 'normal') return all; // membership changes: everyone at once
    const member = envelopeMember(e.data);
    if (member !== undefined) waiting.add(member);
  }
  let later: Message[] | undefined;
  let now: Message[] | undefined;
  for (const m of rd.messages) {
    if (waiting.has(m.to)) (now ??= []).push(m);
    else (later ??= []).push(m);
  }
  if (later === undefined) return all;
  return { now: now ?? [], later };
}

function isCommitNotice(m: Message): boolean {
  return m.type === 'MsgApp' && m.entries.length === 0;
}
