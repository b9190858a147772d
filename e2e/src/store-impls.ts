// Which store implementations the store e2e tests run against. The same
// tests check Logbook's store and real etcd: etcd shows the expected outputs
// are right, Logbook has to produce them.
//
//   STORE_IMPL=logbook (default) | etcd | both

export const STORE_IMPLS = ['logbook', 'etcd'] as const;
export type StoreImpl = (typeof STORE_IMPLS)[number];

/** Parses STORE_IMPL; an unknown value throws so a typo cannot silently test nothing. */
export function parseStoreImpls(value: string | undefined): readonly StoreImpl[] {
  const v = (value ?? '').trim();
  if (v === '') return ['logbook'];
  if (v === 'both') return STORE_IMPLS;
  if ((STORE_IMPLS as readonly string[]).includes(v)) return [v as StoreImpl];
  throw new Error(`STORE_IMPL must be one of logbook, etcd, both; got ${JSON.stringify(v)}`);
}

export function implsUnderTest(): readonly StoreImpl[] {
  return parseStoreImpls(process.env.STORE_IMPL);
}
