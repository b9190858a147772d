// What the store workload's clients do (the ClientProtocol of clients.ts):
// puts (some attached to one of the client's leases), reads (single keys and
// ranges; linearizable, serializable or through the log), deletes,
// compare-and-swap transactions on mod_revision or value, lease grants,
// keep-alives and revokes, and compactions now and then. Every written value
// is unique in the run, so a read names the write it saw. A cas usually
// compares with what the client last saw of the key, so some succeed.

import type { ClientProtocol, PlannedOp } from '../clients.ts';
import type { Prng } from '../prng.ts';
import { codeOf } from '../trace.ts';
import type { StoreApp } from './store-app.ts';
import { describeStoreInput, describeStoreOutput, type KeyIndex, type ReadMode, type SimKv, type StoreInput, type StoreOutput } from './store-ops.ts';
import type { StoreParams } from './store-params.ts';

/** Leases a client holds at once. */
const MAX_LEASES_PER_CLIENT = 2;

interface ClientView {
  /** The last state of each key the client saw (undefined: absent or unknown). */
  readonly seen: (SimKv | undefined)[];
  /** Leases granted to it and not known to be gone. */
  readonly leases: number[];
  grants: number;
  /** The highest revision it saw. */
  revision: number;
}

export class StoreProtocol implements ClientProtocol<StoreApp, StoreInput, StoreOutput> {
  readonly #rng: Prng;
  readonly #params: StoreParams;
  readonly #views: ClientView[];
  readonly #kinds: readonly (keyof StoreParams['mix'])[];
  readonly #weights: readonly number[];
  #nextValue = 1;

  /** Called when a client is acknowledged a keep-alive (the lease checker's input). */
  readonly #onRenewed: (id: number, renewedAt: number) => void;

  constructor(rng: Prng, params: StoreParams, clientCount: number, onRenewed: (id: number, renewedAt: number) => void) {
    this.#rng = rng;
    this.#params = params;
    this.#onRenewed = onRenewed;
    this.#views = Array.from({ length: clientCount }, () => ({ seen: new Array<SimKv | undefined>(params.keyCount).fill(undefined), leases: [], grants: 0, revision: 1 }));
    this.#kinds = Object.keys(params.mix) as (keyof StoreParams['mix'])[];
    this.#weights = this.#kinds.map((k) => params.mix[k]);
  }

  #value(): string {
    return `v${this.#nextValue++}`;
  }

  #pickKind(): keyof StoreParams['mix'] {
    const total = this.#weights.reduce((a, b) => a + b, 0);
    let roll = this.#rng.float() * total;
    for (let i = 0; i < this.#kinds.length; i++) {
      roll -= this.#weights[i]!;
      if (roll < 0) return this.#kinds[i]!;
    }
    return this.#kinds.at(-1)!;
  }

  #mode(): ReadMode {
    const roll = this.#rng.float();
    if (roll < this.#params.serializableShare) return 'serializable';
    if (roll < this.#params.serializableShare + this.#params.logReadShare) return 'log';
    return 'linearizable';
  }

  next(clientId: number): PlannedOp<StoreInput> {
    const rng = this.#rng;
    const v = this.#views[clientId]!;
    const n = this.#params.keyCount;
    const key: KeyIndex = rng.int(n);
    const plain = (input: StoreInput): PlannedOp<StoreInput> => ({ input, viaReadIndex: false });
    const kind = this.#pickKind();
    switch (kind) {
      case 'put': {
        const lease = v.leases.length > 0 && rng.chance(this.#params.leasePutShare) ? rng.pick(v.leases) : 0;
        return plain({ kind: 'put', key, value: this.#value(), lease });
      }
      case 'get':
      case 'range': {
        const single = kind === 'get';
        const from = single ? key : rng.int(n);
        const to = single ? key + 1 : rng.range(from + 1, n);
        const mode = this.#mode();
        return { input: { kind: 'range', from, to, mode }, viaReadIndex: mode === 'linearizable' };
      }
      case 'delete':
        return plain({ kind: 'delete', key });
      case 'cas': {
        const seen = v.seen[key];
        const stale = rng.chance(0.2);
        const compare = rng.chance(0.6)
          ? { target: 'mod' as const, modRevision: stale ? rng.int(v.revision + 1) : (seen?.modRevision ?? 0) }
          : { target: 'value' as const, value: stale || seen === undefined ? `v${rng.int(this.#nextValue)}` : seen.value };
        return plain({ kind: 'cas', key, compare, value: this.#value() });
      }
      case 'leaseGrant':
        if (v.leases.length >= MAX_LEASES_PER_CLIENT) break;
        // Ids are unique per run: the client in the low byte, its grant count above.
        return plain({ kind: 'leaseGrant', id: ++v.grants * 256 + clientId + 1, ttl: rng.range(1, this.#params.maxLeaseTtlSec) });
      case 'keepAlive':
        if (v.leases.length === 0) break;
        return { input: { kind: 'keepAlive', id: rng.pick(v.leases) }, viaReadIndex: true };
      case 'leaseRevoke':
        if (v.leases.length === 0) break;
        return plain({ kind: 'leaseRevoke', id: rng.pick(v.leases) });
      case 'compact':
        return plain({ kind: 'compact', revision: Math.max(1, v.revision - rng.int(10)) });
    }
    return { input: { kind: 'range', from: key, to: key + 1, mode: 'linearizable' }, viaReadIndex: true };
  }

  nextProbe(): PlannedOp<StoreInput> {
    return { input: { kind: 'put', key: this.#rng.int(this.#params.keyCount), value: this.#value(), lease: 0 }, viaReadIndex: false };
  }

  observe(clientId: number, input: StoreInput, output: StoreOutput): void {
    const v = this.#views[clientId]!;
    if ('revision' in output) v.revision = Math.max(v.revision, output.revision);
    switch (output.kind) {
      case 'range':
        if (input.kind !== 'range') return;
        for (let k = input.from; k < input.to; k++) v.seen[k] = output.kvs.find((kv) => kv.key === k);
        return;
      case 'put':
        if (input.kind === 'put') v.seen[input.key] = { key: input.key, value: input.value, modRevision: output.revision, createRevision: 0, version: 0, lease: input.lease };
        return;
      case 'cas':
        if (input.kind !== 'cas') return;
        v.seen[input.key] = output.succeeded ? { key: input.key, value: input.value, modRevision: output.revision, createRevision: 0, version: 0, lease: 0 } : output.kv;
        return;
      case 'delete':
        if (input.kind === 'delete') v.seen[input.key] = undefined;
        return;
      case 'leaseGrant':
        v.leases.push(output.id);
        return;
      case 'leaseRevoke':
        this.#forget(v, input);
        return;
      case 'keepAlive':
        if (output.result === 'renewed' && input.kind === 'keepAlive') this.#onRenewed(input.id, output.renewedAt);
        else this.#forget(v, input);
        return;
      case 'error':
        // A put or revoke naming a lease that is gone.
        if (output.error === 'leaseNotFound') this.#forget(v, input);
        return;
      default:
        return;
    }
  }

  #forget(v: ClientView, input: StoreInput): void {
    const id = input.kind === 'put' ? input.lease : input.kind === 'leaseRevoke' || input.kind === 'keepAlive' ? input.id : 0;
    const at = v.leases.indexOf(id);
    if (at >= 0) v.leases.splice(at, 1);
  }

  submit(app: StoreApp, clientId: number, seq: number, planned: PlannedOp<StoreInput>): StoreOutput | undefined {
    return app.request(clientId, seq, planned.input);
  }

  describeInput = describeStoreInput;
  describeOutput = describeStoreOutput;

  traceInput(input: StoreInput): readonly number[] {
    return [codeOf(input.kind), 'key' in input ? input.key : 'from' in input ? input.from : 0];
  }

  traceOutput(output: StoreOutput): number {
    return 'revision' in output ? output.revision : codeOf(output.kind);
  }
}
