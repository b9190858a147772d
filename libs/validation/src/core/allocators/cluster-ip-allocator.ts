// Service cluster IPs from `--service-cluster-ip-range`, one allocator per
// IP family. The network address (and, for IPv4, the broadcast address) is
// never handed out; the first usable IP is kept for the `kubernetes` service
// and given out only when asked for by name.

import type { RandomInt } from '@logbook/apimachinery';
import { cidrContains, formatCIDR, formatIP, parseCIDR, parseIP, type CIDR, type IPFamily } from '../ip.ts';
import { AllocationError, RANGE_FULL_MSG } from './allocation-error.ts';
import type { AllocationStore } from './allocation-store.ts';
import { pickInBand, rangeOffset, withRetries } from './range-core.ts';

export interface ClusterIpAllocatorOptions {
  /** The `--service-cluster-ip-range` CIDR for this family, e.g. `10.96.0.0/12` or `fd00::/108`. */
  readonly cidr: string;
  /** Canonical IP strings, kept by the registry (one key per family). */
  readonly store: AllocationStore<string>;
  readonly randomInt: RandomInt;
}

export class ClusterIpAllocator {
  readonly family: IPFamily;
  readonly #cidr: CIDR;
  readonly #first: bigint;
  readonly #size: bigint;
  readonly #offset: bigint;
  readonly #store: AllocationStore<string>;
  readonly #randomInt: RandomInt;

  constructor(opts: ClusterIpAllocatorOptions) {
    const cidr = parseCIDR(opts.cidr);
    if (cidr === undefined) throw new AllocationError('invalid', `invalid service cluster IP range ${JSON.stringify(opts.cidr)}`);
    this.#cidr = cidr;
    this.family = cidr.family;
    // Slot 0 is the address after the network address; IPv4 also loses its broadcast address.
    const reserved = cidr.family === 'IPv4' ? 2n : 1n;
    this.#size = cidr.size > reserved ? cidr.size - reserved : 0n;
    this.#first = cidr.base + 1n;
    // kube 1.33 keeps min(max(16, size/16), 256) low addresses for static requests.
    this.#offset = rangeOffset(cidr.size, 16n, 256n, 16n);
    this.#store = opts.store;
    this.#randomInt = opts.randomInt;
  }

  get range(): string {
    return formatCIDR(this.#cidr);
  }

  /** The IP the `kubernetes` service takes: the first usable address. */
  get firstIP(): string {
    return formatIP({ family: this.family, value: this.#first });
  }

  #slot(ipText: string): { slot: bigint; canonical: string } {
    const ip = parseIP(ipText);
    const inRange = ip !== undefined && cidrContains(this.#cidr, ip) && ip.value >= this.#first && ip.value - this.#first < this.#size;
    if (ip === undefined || !inRange) {
      throw new AllocationError('not-in-range', `the provided IP (${ipText}) is not in the valid range. The range of valid IPs is ${this.range}`);
    }
    return { slot: ip.value - this.#first, canonical: formatIP(ip) };
  }

  /** Claims a requested IP. Errors: not-in-range, already-allocated, conflict. */
  async allocate(ipText: string): Promise<string> {
    const { canonical } = this.#slot(ipText);
    return withRetries(this.#store, (allocated) => {
      if (allocated.has(canonical)) throw new AllocationError('already-allocated', 'provided IP is already allocated');
      allocated.add(canonical);
      return canonical;
    });
  }

  /** Picks a free IP, preferring the upper band. Errors: range-full, conflict. */
  async allocateNext(): Promise<string> {
    return withRetries(this.#store, (allocated) => {
      const taken = new Set<bigint>([0n]); // the kubernetes service's IP is never picked dynamically
      for (const ip of allocated) {
        const parsed = parseIP(ip);
        if (parsed !== undefined && parsed.family === this.family) taken.add(parsed.value - this.#first);
      }
      const slot = pickInBand(this.#offset, this.#size, taken, this.#randomInt) ?? pickInBand(0n, this.#offset, taken, this.#randomInt);
      if (slot === undefined) throw new AllocationError('range-full', RANGE_FULL_MSG);
      const ip = formatIP({ family: this.family, value: this.#first + slot });
      allocated.add(ip);
      return ip;
    });
  }

  /** Frees an IP (on delete, type change to ExternalName, or a dual-stack downgrade); unknown IPs are ignored. */
  async release(ipText: string): Promise<void> {
    const ip = parseIP(ipText);
    if (ip === undefined) return;
    const canonical = formatIP(ip);
    await withRetries(this.#store, (allocated) => {
      allocated.delete(canonical);
    });
  }

  async isAllocated(ipText: string): Promise<boolean> {
    const ip = parseIP(ipText);
    if (ip === undefined) return false;
    return (await this.#store.read()).allocated.has(formatIP(ip));
  }
}
