// The client requests one running member holds: proposals waiting for their
// entry to be applied, and ReadIndex reads waiting for their read index (and
// then for the state machine to reach it). Lost on a crash, like any memory.
// A read carries a payload: what to serve (the register's key; the store's op).
//
// Bound: MAX_PENDING_REQUESTS of each kind; beyond it the oldest is forgotten
// and its client times out (an unknown outcome, which the history allows).

import { readContextKey, requestKey } from './command.ts';
import type { ReadState } from '@logbook/raft';

const MAX_PENDING_REQUESTS = 256;

interface PendingRead<R> {
  readonly clientId: number;
  readonly seq: number;
  readonly payload: R;
  /** -1 until the ReadState arrives. */
  index: number;
}

export interface ServedRead<R> {
  readonly clientId: number;
  readonly seq: number;
  readonly payload: R;
}

export class PendingRequests<R = number> {
  readonly #proposals = new Map<string, { readonly clientId: number; readonly seq: number }>();
  readonly #reads = new Map<string, PendingRead<R>>();

  addProposal(clientId: number, seq: number): void {
    remember(this.#proposals, requestKey(clientId, seq), { clientId, seq });
  }

  /** `index` 0 serves the read at the next apply whatever was applied (the stale-read mutation); -1 waits for its ReadState. */
  addRead(clientId: number, seq: number, payload: R, index: 0 | -1): void {
    remember(this.#reads, requestKey(clientId, seq), { clientId, seq, payload, index });
  }

  /** The entry of request (clientId, seq) was applied here: true if this member accepted it (and must answer). */
  takeProposal(clientId: number, seq: number): boolean {
    return this.#proposals.delete(requestKey(clientId, seq));
  }

  readStates(states: readonly ReadState[]): void {
    for (const rs of states) {
      const pending = this.#reads.get(readContextKey(rs.requestCtx));
      if (pending !== undefined) pending.index = rs.index;
    }
  }

  /** Removes and returns the reads serviceable once `applied` is applied. */
  takeServiceable(applied: number): ServedRead<R>[] {
    const out: ServedRead<R>[] = [];
    for (const [key, r] of this.#reads) {
      if (r.index < 0 || r.index > applied) continue;
      this.#reads.delete(key);
      out.push(r);
    }
    return out;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_PENDING_REQUESTS) map.delete(map.keys().next().value!);
}
