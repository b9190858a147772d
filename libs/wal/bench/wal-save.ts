// Throughput of the WAL's write path on the real disk: batches of entries
// saved with fsync, one at a time and N concurrently (group commit).
//   node libs/wal/bench/wal-save.ts [--dir DIR] [--batches N] [--entries E] [--bytes B] [--concurrency C]
// Prints one JSON line per scenario.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Entry, LogIndex, Term } from '@logbook/raft/core';
import { discardLogger } from '@logbook/raft/core';
import { CountingFs } from '../src/fs/counting-fs.ts';
import { NodeFs } from '../src/fs/node-fs.ts';
import { Wal } from '../src/wal.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: tmpdir() },
    batches: { type: 'string', default: '500' },
    entries: { type: 'string', default: '16' },
    bytes: { type: 'string', default: '256' },
    concurrency: { type: 'string', default: '8' },
  },
});
const batches = Number(values.batches);
const perBatch = Number(values.entries);
const bytes = Number(values.bytes);
const concurrency = Number(values.concurrency);

async function scenario(name: string, parallel: number): Promise<void> {
  const root = await mkdtemp(join(values.dir, 'logbook-wal-bench-'));
  try {
    const fs = new CountingFs(new NodeFs());
    await Wal.create(fs, join(root, 'wal'), { memberId: 1, clusterId: 1 });
    const { wal } = await Wal.open(fs, join(root, 'wal'), { logger: discardLogger });
    const payload = new Uint8Array(bytes).fill(7);
    let next = 1;
    const batch = (): Entry[] =>
      Array.from({ length: perBatch }, () => ({ index: next++ as LogIndex, term: 1 as Term, type: 'normal' as const, data: payload }));
    fs.reset();
    const t0 = process.hrtime.bigint();
    for (let done = 0; done < batches; done += parallel) {
      const n = Math.min(parallel, batches - done);
      await Promise.all(Array.from({ length: n }, () => wal.save({ entries: batch() }, true)));
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await wal.close();
    console.log(
      JSON.stringify({
        bench: 'wal-save',
        scenario: name,
        batches,
        entriesPerBatch: perBatch,
        entryBytes: bytes,
        seconds: Math.round(seconds * 1000) / 1000,
        entriesPerSec: Math.round((batches * perBatch) / seconds),
        savesPerSec: Math.round(batches / seconds),
        fsyncs: fs.counts.datasyncs,
        writes: fs.counts.writes,
        mbPerSec: Math.round((fs.counts.bytesWritten / seconds / 1e6) * 10) / 10,
      }),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await scenario('sequential', 1);
await scenario(`concurrent-${concurrency}`, concurrency);
