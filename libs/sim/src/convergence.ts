// What the liveness phase waits for, over the members of the final
// configuration (a removed member is out of it; a learner is in it): exactly
// one leader among the running members, a member of that configuration;
// every member of it up, in the leader's term, following it, with the
// leader's commit index, nothing persisted beyond it, everything applied and
// the same state.

import type { NodeId } from '@logbook/raft';
import type { SimMember } from './member.ts';

export function converged(members: readonly SimMember[], inConfig: (id: NodeId) => boolean): boolean {
  const statuses = members.map((m) => m.status());
  const leaders = statuses.filter((s) => s?.softState.raftState === 'leader');
  if (leaders.length !== 1) return false;
  const l = leaders[0]!;
  if (!inConfig(l.id)) return false;
  const commit = l.hardState.commit;
  const digest = members.find((m) => m.id === l.id)!.digest;
  return members.every((m, i) => {
    if (!inConfig(m.id)) return true;
    const s = statuses[i];
    return (
      s !== undefined &&
      s.hardState.term === l.hardState.term &&
      s.softState.lead === l.id &&
      s.hardState.commit === commit &&
      m.lastIndex === commit &&
      m.applied === commit &&
      m.digest === digest
    );
  });
}

/** One line per member of the final configuration (and any other running member), for a liveness failure. */
export function convergenceReport(members: readonly SimMember[], inConfig: (id: NodeId) => boolean): string {
  const parts: string[] = [];
  for (const m of members) {
    const member = inConfig(m.id);
    if (!member && !m.up) continue;
    const tag = member ? '' : ' (not in the configuration)';
    const s = m.status();
    if (s === undefined) {
      parts.push(`${m.id}${tag}: down`);
      continue;
    }
    let progress = '';
    for (const [id, pr] of s.progress) {
      if (id === m.id) continue;
      progress += ` [${id}: ${pr.state} match ${pr.match} next ${pr.next} inflight ${pr.inflightCount}${pr.isLearner ? ' learner' : ''}${pr.recentActive ? '' : ' inactive'}]`;
    }
    parts.push(
      `${m.id}${tag}: ${s.softState.raftState} term ${s.hardState.term} lead ${s.softState.lead} ` +
        `commit ${s.hardState.commit} last ${m.lastIndex} applied ${m.applied}${m.writing ? ' (write in flight)' : ''}${progress}`,
    );
  }
  return parts.join('; ');
}
