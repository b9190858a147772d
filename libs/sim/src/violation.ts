// What a checker reports. The first violation of a run fails its seed.

export type CheckerName =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'linearizability'
  /** Store runs: a request applied twice, an answer or a serializable read that matches no committed state, a removed lease's key left behind. */
  | 'store-history'
  /** Store runs: a lease expired sooner after its last acknowledged renewal than its TTL. */
  | 'lease-expiry'
  /** Store runs: a watcher missed, repeated or reordered an event, or was cancelled for compaction wrongly. */
  | 'watch'
  | 'liveness'
  /** Something threw: an assertion in the core, or a bug in the simulator. */
  | 'exception';

export interface Violation {
  readonly checker: CheckerName;
  readonly tick: number;
  readonly message: string;
}

export function formatViolation(v: Violation): string {
  return `[${v.checker}] at tick ${v.tick}: ${v.message}`;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
