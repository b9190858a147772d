// Several HTTP/2 sessions taking turns, request by request. Behind HAProxy
// (TCP mode) one session is one TCP connection and so sticks to one replica
// for its whole life; a workload that should reach every replica, as many
// independent clients would, needs several sessions, and round-robin over
// them spreads its in-flight requests evenly over the connections.

import { strict as assert } from 'node:assert';
import type { KubeMethod, KubeRequester, KubeResponse } from './kube-session.ts';

export class SessionSpread implements KubeRequester {
  readonly #sessions: readonly KubeRequester[];
  #next = 0;

  constructor(sessions: readonly KubeRequester[]) {
    assert.ok(sessions.length > 0, 'SessionSpread needs at least one session');
    this.#sessions = sessions;
  }

  get size(): number {
    return this.#sessions.length;
  }

  #pick(): KubeRequester {
    const s = this.#sessions[this.#next]!;
    this.#next = (this.#next + 1) % this.#sessions.length;
    return s;
  }

  request(method: KubeMethod, path: string, body?: string): Promise<KubeResponse> {
    return this.#pick().request(method, path, body);
  }

  json(method: KubeMethod, path: string, body?: unknown): Promise<unknown> {
    return this.#pick().json(method, path, body);
  }
}
