// The runtime's persistence contract, run against the DiskStorage members use
// (libs/raft's own tests run it against the in-memory fake), so the fake the
// runtime tests rely on behaves like the real thing.

import { test, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { discardLogger, persistenceContract, type Persistence } from '@logbook/raft';
import { DiskStorage, NodeFs } from '@logbook/wal';

const root = mkdtempSync(join(tmpdir(), 'raftkv-contract-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const dirs = new WeakMap<Persistence, string>();
const fs = new NodeFs();

for (const c of persistenceContract) {
  test(`persistence contract (DiskStorage): ${c.name}`, () =>
    c.run({
      bootstrap: async (cs) => {
        const dir = join(root, `case-${n++}`);
        const p = await DiskStorage.bootstrap(dir, cs, { fs, logger: discardLogger, metadata: { memberId: 1, clusterId: 7 } });
        dirs.set(p, dir);
        return p;
      },
      reopen: async (p) => {
        const dir = dirs.get(p)!;
        const q = await DiskStorage.open(dir, { fs, logger: discardLogger });
        dirs.set(q, dir);
        return q;
      },
    }));
}
