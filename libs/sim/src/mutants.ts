// Deliberate bugs the simulator must catch: its own self-test. Each names a
// way to break safety; test/mutants.test.ts asserts some seed in a fixed
// budget fails with each one, and that the unmutated system passes.

/** Mutants of the register workload (and of Raft itself). */
export const MUTANTS = ['commit-old-term', 'forget-vote', 'skip-fsync', 'stale-read', 'reuse-id'] as const;
/** Mutants of the store workload: its watch, lease and exactly-once checkers must catch them. */
export const STORE_MUTANTS = ['watch-skip-event', 'duplicate-proposals', 'early-lease-expiry', 'stale-read'] as const;
export type RegisterMutantName = (typeof MUTANTS)[number];
export type StoreMutantName = (typeof STORE_MUTANTS)[number];
export type MutantName = RegisterMutantName | StoreMutantName;

/** A register (or Raft) mutant. */
export function isMutantName(s: string): s is RegisterMutantName {
  return (MUTANTS as readonly string[]).includes(s);
}

export function isStoreMutantName(s: string): s is StoreMutantName {
  return (STORE_MUTANTS as readonly string[]).includes(s);
}

export const MUTANT_DESCRIPTIONS: Readonly<Record<MutantName, string>> = {
  'commit-old-term': "the core commits earlier terms' entries by counting replicas (Raft paper, Figure 8)",
  'forget-vote': 'the disk drops the persisted vote on every restart',
  'skip-fsync': 'the disk never fsyncs, so a crash can lose acknowledged entries and votes',
  'stale-read': 'members serve reads from their local state without ReadIndex (only linearizability can see it)',
  'reuse-id':
    'the operator re-adds a removed id on a wiped drive without waiting until every member has a snapshot past the removal ' +
    '(a member with a stale configuration can then win an election with the new incarnation\'s vote)',
  'watch-skip-event': "each member's watch hub is not told of the last event of every fifth revision",
  'duplicate-proposals':
    'the network duplicates forwarded proposals (MsgProp) in store runs, so a write can be applied twice ' +
    '(the real transport never resends one; the store keeps no per-client dedup)',
  'early-lease-expiry': "the leader's lessor clock runs twice as fast, so it expires leases early",
};
