// One logical watch, as a client sees it across re-watches, and its checker.
// A client watches keys from..to-1 from a start revision; when the member
// serving it crashes, restores a snapshot or leaves, the watch ends (its hub
// cancels it) and the client re-watches on another member from the first
// revision it has not seen. Over all of that the client must receive exactly
// the committed history's events of its range from its start revision: in
// order, with no gap and no duplicate. The one allowed ending is a
// compaction cancel, and only when the watch needed a revision below the
// member's compacted revision: always when its start was below the
// compaction at creation, never when it was not and it needed nothing
// compacted.

import type { Event } from '@logbook/mvcc';
import type { WatchResponse } from '@logbook/watch';
import type { CommittedHistory } from './committed-history.ts';
import { keyIndexOf, toSimKv, describeKv, type KeyIndex } from './store-ops.ts';

/** What the checker needs to know about the member a response came from. */
export interface ServingMember {
  readonly id: number;
  readonly revision: number;
  readonly compactedRevision: number;
}

export type StreamVerdict = 'continue' | 'resume' | 'ended';

export function describeEvent(e: Event): string {
  const key = keyIndexOf(e.kv.key);
  return e.type === 'PUT' ? `PUT ${describeKv(toSimKv(e.kv))}` : `DELETE k${key}@m${e.kv.modRevision}`;
}

export class WatchStream {
  readonly id: number;
  readonly from: KeyIndex;
  readonly to: KeyIndex;
  /** The first revision whose events of the range the client has not received. */
  #next: number;
  /** The start was below the member's compacted revision at creation: a compaction cancel must come, before any event. */
  #mustCancel = false;
  /** The member's revision when the current watcher was created: its created response must say so. */
  #createdAt = 0;
  #violation: string | undefined;
  eventsChecked = 0;

  constructor(id: number, from: KeyIndex, to: KeyIndex, next: number) {
    this.id = id;
    this.from = from;
    this.to = to;
    this.#next = next;
  }

  get next(): number {
    return this.#next;
  }

  get violation(): string | undefined {
    return this.#violation;
  }

  get mustCancel(): boolean {
    return this.#mustCancel;
  }

  /** A watcher was created for this stream from `start` on a member then at `revision`, compacted at `compacted`. */
  created(start: number, revision: number, compacted: number): void {
    this.#mustCancel = start > 0 && start < compacted;
    this.#createdAt = revision;
  }

  #matches(e: Event): boolean {
    const k = keyIndexOf(e.kv.key);
    return k >= this.from && k < this.to;
  }

  #fail(message: string): StreamVerdict {
    this.#violation ??= `watch ${this.id} (k${this.from}..k${this.to - 1}): ${message}`;
    return 'ended';
  }

  /** The committed events of the range at `revision` ([] when none; undefined beyond the committed history). */
  #expected(committed: CommittedHistory, revision: number): Event[] | undefined {
    return committed.eventsAt(revision)?.filter((e) => this.#matches(e));
  }

  /** Checks that revisions next..upTo hold no event of the range (nothing was skipped). */
  #noGap(committed: CommittedHistory, upTo: number, what: string): StreamVerdict | undefined {
    for (let rev = this.#next; rev <= upTo; rev++) {
      const want = this.#expected(committed, rev);
      if (want === undefined) return this.#fail(`${what} reaches revision ${rev}, which was never committed`);
      if (want.length > 0) return this.#fail(`${what} skips revision ${rev}: ${want.map(describeEvent).join(', ')}`);
    }
    return undefined;
  }

  accept(r: WatchResponse, member: ServingMember, committed: CommittedHistory): StreamVerdict {
    if (r.created) {
      if (r.header.revision === this.#createdAt) return 'continue';
      return this.#fail(`created at revision ${r.header.revision} by member ${member.id}, which was at ${this.#createdAt}`);
    }
    if (r.canceled) {
      // The watcher's member crashed, left or restored a snapshot (its hub closed): re-watch elsewhere.
      if (r.compactRevision === 0) return 'resume';
      if (r.compactRevision !== member.compactedRevision) {
        return this.#fail(`compaction cancel at ${r.compactRevision} from member ${member.id}, which is compacted at ${member.compactedRevision}`);
      }
      if (this.#next >= r.compactRevision) {
        return this.#fail(`compaction cancel at ${r.compactRevision}, but the watch only needed revisions from ${this.#next}`);
      }
      return 'ended';
    }
    if (this.#mustCancel) return this.#fail(`started below the compacted revision but got ${r.events.length > 0 ? 'events' : 'a progress notification'} instead of a compaction cancel`);
    if (r.events.length === 0) {
      // A progress notification: everything up to its revision was delivered.
      const gap = this.#noGap(committed, r.header.revision, `progress notification at ${r.header.revision} from member ${member.id}`);
      if (gap !== undefined) return gap;
      this.#next = Math.max(this.#next, r.header.revision + 1);
      return 'continue';
    }
    let i = 0;
    while (i < r.events.length) {
      const rev = r.events[i]!.kv.modRevision;
      let j = i;
      while (j < r.events.length && r.events[j]!.kv.modRevision === rev) j++;
      if (rev < this.#next) return this.#fail(`revision ${rev} delivered again (or out of order) by member ${member.id}; expected ${this.#next} or later`);
      const gap = this.#noGap(committed, rev - 1, `an event at revision ${rev} from member ${member.id} (compacted at ${member.compactedRevision})`);
      if (gap !== undefined) return gap;
      const want = (this.#expected(committed, rev) ?? []).map(describeEvent).join(', ');
      const got = r.events.slice(i, j).map(describeEvent).join(', ');
      if (want !== got) return this.#fail(`revision ${rev} from member ${member.id}: got [${got}], committed [${want}]`);
      this.eventsChecked += j - i;
      this.#next = rev + 1;
      i = j;
    }
    return 'continue';
  }

  /** At the end of a run, after draining: the watch received everything up to the member's revision. */
  caughtUp(member: ServingMember, committed: CommittedHistory): string | undefined {
    if (this.#mustCancel) return this.#fail(`started below the compacted revision and was never cancelled`) === 'ended' ? this.#violation : undefined;
    this.#noGap(committed, member.revision, `at the end, member ${member.id} at revision ${member.revision}`);
    return this.#violation;
  }
}
