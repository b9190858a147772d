// The operations the client API offers, over a running member: writes go
// through raft (a follower's proposal is forwarded inside raft), reads are
// linearizable by default (a ReadIndex barrier, then the local state).

import type { NodeStatus, RaftNode } from '@logbook/raft';
import { encodeCommand, type KvCommand, type KvResult } from './kv-command.ts';
import type { KvStateMachine } from './kv-state-machine.ts';

export interface KvGetResult {
  readonly key: string;
  /** null when the key does not exist. */
  readonly value: string | null;
  /** The index the state reflected when read. */
  readonly index: number;
}

export class KvService {
  readonly #node: RaftNode<KvResult>;
  readonly #sm: KvStateMachine;

  constructor(node: RaftNode<KvResult>, sm: KvStateMachine) {
    this.#node = node;
    this.#sm = sm;
  }

  async get(key: string, opts: { readonly serializable: boolean; readonly signal: AbortSignal }): Promise<KvGetResult> {
    if (!opts.serializable) await this.#node.read(opts.signal);
    return { key, value: this.#sm.get(key) ?? null, index: this.#sm.applied };
  }

  write(cmd: KvCommand, signal: AbortSignal): Promise<KvResult> {
    return this.#node.propose(encodeCommand(cmd), { signal });
  }

  status(): NodeStatus {
    return this.#node.status();
  }
}
