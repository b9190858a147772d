// The storage contract: one suite every Storage implementation passes (etcd
// v3 over real etcd, the same over Logbook's store, the watch cache). Each
// test asks `make` for a fresh harness with its own key prefix, so tests do
// not see each other's keys; `compact` affects the whole store, and no test
// relies on history another test wrote.

import { describe } from 'node:test';
import { crudContract } from './contract-crud.ts';
import type { ContractContext, ContractOptions, MakeHarness } from './contract-helpers.ts';
import { listContract } from './contract-list.ts';
import { watchContract } from './contract-watch.ts';

export type { ContractHarness, ContractOptions, MakeHarness } from './contract-helpers.ts';

export function describeStorageContract(name: string, make: MakeHarness, opts: ContractOptions = {}): void {
  const c: ContractContext = { make, bookmarkTimeoutMs: opts.bookmarkTimeoutMs ?? 5_000, eventTimeoutMs: opts.eventTimeoutMs ?? 5_000, eventWindow: opts.eventWindow };
  describe(`storage contract: ${name}`, () => {
    describe('create, get, delete, guaranteedUpdate', () => crudContract(c));
    describe('getList', () => listContract(c));
    describe('watch', () => watchContract(c));
  });
}
