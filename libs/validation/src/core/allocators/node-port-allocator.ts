// Service node ports from `--service-node-port-range` (default 30000-32767).
// Like kube 1.33, the low min(max(16, size/32), 128) ports are kept for
// explicit requests; dynamic picks come from the rest first.

import type { RandomInt } from '@logbook/apimachinery';
import { AllocationError, RANGE_FULL_MSG } from './allocation-error.ts';
import type { AllocationStore } from './allocation-store.ts';
import { pickInBand, rangeOffset, withRetries } from './range-core.ts';

export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export interface NodePortAllocatorOptions {
  /** `--service-node-port-range`: `base-max` inclusive, or a single port. */
  readonly range?: string;
  readonly store: AllocationStore<number>;
  readonly randomInt: RandomInt;
}

export function parsePortRange(text: string): { base: number; size: number } | undefined {
  const m = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?$/.exec(text);
  if (m === null) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 0 || hi > 65535 || hi < lo) return undefined;
  return { base: lo, size: hi - lo + 1 };
}

export class NodePortAllocator {
  readonly #base: number;
  readonly #size: number;
  readonly #offset: bigint;
  readonly #store: AllocationStore<number>;
  readonly #randomInt: RandomInt;

  constructor(opts: NodePortAllocatorOptions) {
    const text = opts.range ?? DEFAULT_NODE_PORT_RANGE;
    const range = parsePortRange(text);
    if (range === undefined) throw new AllocationError('invalid', `invalid service node port range ${JSON.stringify(text)}`);
    this.#base = range.base;
    this.#size = range.size;
    this.#offset = rangeOffset(BigInt(range.size), 16n, 128n, 32n);
    this.#store = opts.store;
    this.#randomInt = opts.randomInt;
  }

  /** kube's PortRange.String(): `30000-32767`. */
  get range(): string {
    return `${this.#base}-${this.#base + this.#size - 1}`;
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.#base && port < this.#base + this.#size;
  }

  /** Claims a requested port. Errors: not-in-range, already-allocated, conflict. */
  async allocate(port: number): Promise<number> {
    if (!this.contains(port)) {
      throw new AllocationError('not-in-range', `provided port is not in the valid range. The range of valid ports is ${this.range}`);
    }
    return withRetries(this.#store, (allocated) => {
      if (allocated.has(port)) throw new AllocationError('already-allocated', 'provided port is already allocated');
      allocated.add(port);
      return port;
    });
  }

  /** Picks a free port, preferring the upper band. Errors: range-full, conflict. */
  async allocateNext(): Promise<number> {
    return withRetries(this.#store, (allocated) => {
      const taken = new Set<bigint>();
      for (const p of allocated) if (this.contains(p)) taken.add(BigInt(p - this.#base));
      const size = BigInt(this.#size);
      const slot = pickInBand(this.#offset, size, taken, this.#randomInt) ?? pickInBand(0n, this.#offset, taken, this.#randomInt);
      if (slot === undefined) throw new AllocationError('range-full', RANGE_FULL_MSG);
      const port = this.#base + Number(slot);
      allocated.add(port);
      return port;
    });
  }

  /** Frees a port (on delete, or a change away from NodePort/LoadBalancer); unknown ports are ignored. */
  async release(port: number): Promise<void> {
    await withRetries(this.#store, (allocated) => {
      allocated.delete(port);
    });
  }

  async isAllocated(port: number): Promise<boolean> {
    return (await this.#store.read()).allocated.has(port);
  }
}
