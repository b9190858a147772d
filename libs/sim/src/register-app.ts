// The register workload's application on a member: the register state
// machine, the client requests this member accepted (answered when their
// entry is applied), and ReadIndex reads (answered once the member applied
// the read index).

import type { Entry, LogIndex, NodeId, ReadState } from '@logbook/raft';
import { encodeCommand, encodeReadContext } from './command.ts';
import type { AppHost, MemberApp } from './member-app.ts';
import { PendingRequests } from './pending-requests.ts';
import { RegisterMachine } from './register-machine.ts';
import type { RegisterInput, RegisterOutput } from './register-model.ts';

/** Where a member's answers go: the client fleet. */
export type RegisterResultSink = (member: NodeId, clientId: number, seq: number, output: RegisterOutput) => void;

export interface RegisterAppSettings {
  readonly keyCount: number;
  readonly clientCount: number;
  /** Mutation: serve "ReadIndex" reads from local state without asking the leader. */
  readonly staleReads: boolean;
}

export class RegisterApp implements MemberApp {
  readonly #host: AppHost;
  readonly #settings: RegisterAppSettings;
  readonly #sink: RegisterResultSink;
  readonly #sm: RegisterMachine;
  readonly #requests = new PendingRequests();

  constructor(host: AppHost, settings: RegisterAppSettings, sink: RegisterResultSink) {
    this.#host = host;
    this.#settings = settings;
    this.#sink = sink;
    this.#sm = new RegisterMachine(settings.keyCount, settings.clientCount);
  }

  /**
   * A client request. Throws NotLeaderError / ProposalDroppedError when the
   * core refuses it (the request had no effect); otherwise the result comes
   * later through the sink, or never.
   */
  request(clientId: number, seq: number, input: RegisterInput, viaReadIndex: boolean): void {
    if (viaReadIndex) {
      if (input.kind !== 'read') throw new Error('only reads go through ReadIndex');
      if (this.#settings.staleReads) {
        // Served at this member's next apply, whatever it has applied: stale.
        this.#requests.addRead(clientId, seq, input.key, 0);
        return;
      }
      this.#host.readIndex(encodeReadContext(clientId, seq));
      this.#requests.addRead(clientId, seq, input.key, -1);
    } else {
      this.#host.propose(encodeCommand({ clientId, seq, input }));
      this.#requests.addProposal(clientId, seq);
    }
  }

  restore(data: Uint8Array, _index: LogIndex): void {
    this.#sm.restore(data);
  }

  apply(entry: Entry): void {
    const r = this.#sm.apply(entry.data);
    if (r.output !== undefined && this.#requests.takeProposal(r.command.clientId, r.command.seq)) {
      this.#sink(this.#host.id, r.command.clientId, r.command.seq, r.output);
    }
  }

  serveReads(readStates: readonly ReadState[], applied: number): void {
    this.#requests.readStates(readStates);
    for (const r of this.#requests.takeServiceable(applied)) {
      this.#sink(this.#host.id, r.clientId, r.seq, { kind: 'read', value: this.#sm.read(r.payload) });
    }
  }

  snapshot(): Uint8Array {
    return this.#sm.snapshot();
  }

  digest(): string {
    return this.#sm.digest();
  }

  leadershipChanged(): void {}

  tick(): void {}

  close(): void {}
}
