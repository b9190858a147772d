// The in-memory fake passes the same contract as the real implementations,
// so tests of the layers above it (cache, registry) test real behaviour.

import { MemoryStorage } from '../src/memory-storage.ts';
import { describeStorageContract } from '../src/testing/contract.ts';

describeStorageContract('MemoryStorage', () => {
  // Progress notify well inside bookmarkTimeoutMs, so the bookmark test runs fast.
  const storage = new MemoryStorage({ progressNotifyIntervalMs: 50 });
  return Promise.resolve({
    storage,
    prefix: '/registry/contract/',
    compact: (rev: number) => Promise.resolve(storage.compact(rev)),
    close: () => storage.close(),
  });
}, { bookmarkTimeoutMs: 1_000 });
