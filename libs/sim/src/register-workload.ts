// The register workload: each member runs the register state machine
// (register-app.ts); sequential clients write, read and compare-and-swap a
// handful of registers (clients.ts, workload.ts); at the end the history is
// checked for linearizability per register.

import type { ClientProtocol, ClientStats, PlannedOp } from './clients.ts';
import { ClientFleet } from './clients.ts';
import { History } from './history.ts';
import { checkLinearizable } from './linearizability.ts';
import type { AppHost } from './member-app.ts';
import { RegisterApp } from './register-app.ts';
import { describeInput, describeOutput, type RegisterInput, type RegisterOutput } from './register-model.ts';
import { codeOf } from './trace.ts';
import type { SimWorkload, WorkloadContext, WorkloadReport } from './sim-workload.ts';
import type { Violation } from './violation.ts';
import { Workload } from './workload.ts';

/** How register clients plan ops (workload.ts) and ask a member (RegisterApp.request). */
class RegisterProtocol implements ClientProtocol<RegisterApp, RegisterInput, RegisterOutput> {
  readonly #plan: Workload;

  constructor(plan: Workload) {
    this.#plan = plan;
  }

  next(clientId: number): PlannedOp<RegisterInput> {
    return this.#plan.next(clientId);
  }

  nextProbe(): PlannedOp<RegisterInput> {
    return this.#plan.nextWrite();
  }

  observe(clientId: number, input: RegisterInput, output: RegisterOutput): void {
    this.#plan.observe(clientId, input, output);
  }

  submit(app: RegisterApp, clientId: number, seq: number, planned: PlannedOp<RegisterInput>): undefined {
    app.request(clientId, seq, planned.input, planned.viaReadIndex);
    return undefined;
  }

  describeInput = describeInput;
  describeOutput = describeOutput;

  traceInput(input: RegisterInput): readonly number[] {
    return [codeOf(input.kind), input.key];
  }

  traceOutput(output: RegisterOutput): number {
    return output.kind === 'read' ? output.value : output.kind === 'cas' ? Number(output.ok) : 0;
  }
}

export class RegisterWorkload implements SimWorkload<RegisterApp> {
  readonly #ctx: WorkloadContext<RegisterApp>;
  readonly #history = new History();
  readonly #clients: ClientFleet<RegisterApp, RegisterInput, RegisterOutput>;

  constructor(ctx: WorkloadContext<RegisterApp>) {
    this.#ctx = ctx;
    const p = ctx.params;
    // Two streams, forked in this order: the plan of operations, then the clients.
    const plan = new Workload(ctx.root.fork(), p.keyCount, p.clients.count, p.clients.readIndexShare);
    this.#clients = new ClientFleet<RegisterApp, RegisterInput, RegisterOutput>(ctx.root.fork(), p.clients, this.#history, new RegisterProtocol(plan), ctx.members, ctx.trace);
  }

  createApp(host: AppHost): RegisterApp {
    const m = this.#ctx.params.member;
    return new RegisterApp(host, { keyCount: m.keyCount, clientCount: m.clientCount, staleReads: m.staleReads }, (member, clientId, seq, output) =>
      this.#clients.deliver(clientId, seq, output, this.#ctx.now(), member),
    );
  }

  step(now: number): void {
    this.#clients.step(now);
  }

  afterPump(): void {}

  enterLiveness(): void {
    this.#clients.setMode('probe');
  }

  get settled(): boolean {
    return this.#clients.allProbed;
  }

  get violation(): Violation | undefined {
    return undefined;
  }

  mayDuplicate(): boolean {
    return true;
  }

  finish(check: boolean): { readonly violation: Violation | undefined; readonly report: WorkloadReport } {
    const lin = check ? checkLinearizable(this.#history.ops()) : undefined;
    const counts = this.#history.counts();
    const clients: ClientStats = this.#clients.stats;
    return {
      violation: lin?.kind === 'violation' ? { checker: 'linearizability', tick: this.#ctx.now(), message: lin.explanation } : undefined,
      report: {
        clients,
        linearizabilitySteps: lin?.steps ?? 0,
        linearizabilityUndecided: lin?.kind === 'undecided',
        historyOps: counts.completed + counts.unknown + counts.pending,
        store: undefined,
        params: '',
      },
    };
  }
}
