// What the allocators need from storage: the allocated set with a version,
// and a compare-and-set write. This mimics kube's RangeAllocation (one key,
// a bitmap, written with a resourceVersion precondition) which 1.33 still
// uses for node ports at /registry/ranges/servicenodeports. For cluster IPs
// 1.33 tracks one networking.k8s.io/v1 IPAddress object per IP instead
// (MultiCIDRServiceAllocator is GA); the set-with-version shape keeps both
// allocators on one contract, and the registry may back the cluster IP store
// with /registry/ranges/serviceips or derive the set from IPAddress objects.
// Tests use MemoryAllocationStore.

export interface AllocationSnapshot<T> {
  readonly allocated: ReadonlySet<T>;
  /** Opaque; changes on every successful write (the key's mod revision in the store). */
  readonly version: string;
}

export interface AllocationStore<T> {
  read(): Promise<AllocationSnapshot<T>>;
  /** Replaces the set iff the stored version is still `expectedVersion`; false when another writer won. */
  compareAndSet(allocated: ReadonlySet<T>, expectedVersion: string): Promise<boolean>;
}

/** An in-memory store with real compare-and-set semantics (tests, the embedded mode before wiring). */
export class MemoryAllocationStore<T> implements AllocationStore<T> {
  #allocated: ReadonlySet<T> = new Set<T>();
  #version = 0;

  read(): Promise<AllocationSnapshot<T>> {
    return Promise.resolve({ allocated: new Set(this.#allocated), version: String(this.#version) });
  }

  compareAndSet(allocated: ReadonlySet<T>, expectedVersion: string): Promise<boolean> {
    if (expectedVersion !== String(this.#version)) return Promise.resolve(false);
    this.#allocated = new Set(allocated);
    this.#version++;
    return Promise.resolve(true);
  }
}
