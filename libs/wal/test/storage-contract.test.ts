// The Storage contract against the core's reference MemoryStorage and
// against DiskStorage (fresh, and after a restart; on MemFs and NodeFs).

import { MemoryStorage } from '@logbook/raft/core';
import { DiskStorage } from '../src/disk-storage.ts';
import { describeStorageContract, type StorageSetup } from './storage-contract.ts';
import { fsVariants, RecordingLogger } from './helpers.ts';

describeStorageContract('MemoryStorage (reference)', (setup) => {
  const s = new MemoryStorage();
  if (setup.snapshot !== undefined) s.applySnapshot(setup.snapshot);
  s.append(setup.entries);
  if (setup.hardState !== undefined) s.setHardState(setup.hardState);
  return Promise.resolve({ storage: s, close: () => Promise.resolve() });
});

for (const v of fsVariants) {
  for (const restart of [false, true]) {
    describeStorageContract(`DiskStorage on ${v.name}${restart ? ' after a restart' : ''}`, async (setup: StorageSetup) => {
      const fx = await v.make();
      const opts = { fs: fx.fs, logger: new RecordingLogger(), createIfMissing: { memberId: 1, clusterId: 1 } };
      let ds = await DiskStorage.open(fx.dir, opts);
      await ds.persist({
        entries: setup.entries,
        mustSync: true,
        ...(setup.snapshot !== undefined ? { snapshot: setup.snapshot } : {}),
        ...(setup.hardState !== undefined ? { hardState: setup.hardState } : {}),
      });
      if (restart) {
        await ds.close();
        ds = await DiskStorage.open(fx.dir, opts);
      }
      const opened = ds;
      return {
        storage: opened.storage,
        close: async () => {
          await opened.close();
          await fx.cleanup();
        },
      };
    });
  }
}
