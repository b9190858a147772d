// Throughput of both engines: puts/s (batched and one per transaction) and
// range scan rate. Not a test: run it by hand and read the table.
//   node libs/backend/bench/backend-bench.ts [keys]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Backend } from '../src/backend.ts';
import { LmdbBackend } from '../src/lmdb-backend.ts';
import { MemoryBackend } from '../src/memory-backend.ts';

const KEYS = Number(process.argv[2] ?? 100_000);
const BATCH = 100;
const VALUE = new Uint8Array(256).fill(0x5a);

function keyOf(i: number): Uint8Array {
  const key = new Uint8Array(16);
  key.set(Buffer.from('/registry/pods/'));
  new DataView(key.buffer).setUint32(12, Math.imul(i, 2654435761) >>> 0); // scrambled insert order
  return key;
}

interface Row {
  readonly engine: string;
  readonly operation: string;
  readonly perSecond: number;
}

function rate(count: number, run: () => void): number {
  const start = performance.now();
  run();
  return Math.round(count / ((performance.now() - start) / 1000));
}

async function measure(engine: string, backend: Backend): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push({
    engine,
    operation: `put, ${BATCH} per txn`,
    perSecond: rate(KEYS, () => {
      for (let i = 0; i < KEYS; i += BATCH) {
        backend.write((txn) => {
          for (let j = i; j < Math.min(i + BATCH, KEYS); j++) txn.put(keyOf(j), VALUE);
        });
      }
    }),
  });
  const single = Math.min(KEYS, 20_000);
  rows.push({
    engine,
    operation: 'put, 1 per txn',
    perSecond: rate(single, () => {
      for (let i = 0; i < single; i++) backend.write((txn) => txn.put(keyOf(KEYS + i), VALUE));
    }),
  });
  await backend.flush();
  const total = KEYS + single;
  rows.push({
    engine,
    operation: 'range scan (pairs)',
    perSecond: rate(total, () => {
      const n = backend.read((txn) => {
        let count = 0;
        for (const _ of txn.range(new Uint8Array(0), undefined)) count++;
        return count;
      });
      if (n !== total) throw new Error(`scan saw ${n} pairs, expected ${total}`);
    }),
  });
  rows.push({
    engine,
    operation: 'get (random)',
    perSecond: rate(KEYS, () => {
      backend.read((txn) => {
        for (let i = 0; i < KEYS; i++) txn.get(keyOf((i * 7919) % KEYS));
      });
    }),
  });
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'logbook-backend-bench-'));
try {
  const memory = new MemoryBackend();
  const lmdb = LmdbBackend.open(join(dir, 'lmdb'));
  const rows = [...(await measure('memory', memory)), ...(await measure('lmdb', lmdb))];
  await memory.close();
  await lmdb.close();
  console.log(`${KEYS} keys of 16 bytes, values of ${VALUE.length} bytes`);
  console.log(`${'engine'.padEnd(8)} ${'operation'.padEnd(22)} ${'per second'.padStart(12)}`);
  for (const row of rows) {
    console.log(`${row.engine.padEnd(8)} ${row.operation.padEnd(22)} ${row.perSecond.toLocaleString('en-US').padStart(12)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
