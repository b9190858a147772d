// Deliberate bugs the simulator must catch: its own self-test. Each names a
// way to break safety; test/mutants.test.ts asserts some seed in a fixed
// budget fails with each one, and that the unmutated system passes.

export const MUTANTS = ['commit-old-term', 'forget-vote', 'skip-fsync', 'stale-read', 'reuse-id'] as const;
export type MutantName = (typeof MUTANTS)[number];

export function isMutantName(s: string): s is MutantName {
  return (MUTANTS as readonly string[]).includes(s);
}

export const MUTANT_DESCRIPTIONS: Readonly<Record<MutantName, string>> = {
  'commit-old-term': "the core commits earlier terms' entries by counting replicas (Raft paper, Figure 8)",
  'forget-vote': 'the disk drops the persisted vote on every restart',
  'skip-fsync': 'the disk never fsyncs, so a crash can lose acknowledged entries and votes',
  'stale-read': 'members serve reads from their local state without ReadIndex (only linearizability can see it)',
  'reuse-id':
    'the operator re-adds a removed id on a wiped drive without waiting until every member has a snapshot past the removal ' +
    '(a member with a stale configuration can then win an election with the new incarnation\'s vote)',
};
