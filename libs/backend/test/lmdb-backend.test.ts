import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LmdbBackend } from '../src/lmdb-backend.ts';
import { describeBackendContract } from './backend-contract.ts';

const root = mkdtempSync(join(tmpdir(), 'logbook-lmdb-'));
let counter = 0;
const freshDir = (): string => join(root, `db-${counter++}`);
after(() => rmSync(root, { recursive: true, force: true }));

// A small restore batch so the contract's restores span several transactions.
describeBackendContract('LmdbBackend', () => LmdbBackend.open(freshDir(), { restoreBatchBytes: 4096 }));
describeBackendContract('LmdbBackend (commitSync none)', () => LmdbBackend.open(freshDir(), { restoreBatchBytes: 4096, commitSync: 'none' }));
// Batches that also end at 5 keys written, so the contract's writes cross batch boundaries.
describeBackendContract('LmdbBackend (commitSync none, batches)', () =>
  LmdbBackend.open(freshDir(), { restoreBatchBytes: 4096, commitSync: 'none', batchMs: 20, batchMaxKeyWrites: 5 }),
);

/** What another process reading the environment sees of key [k] in the live keyspace: the committed state only. */
function committedValue(dir: string, k: number): string {
  const script = `
    import { open } from 'lmdb';
    const env = open({ path: ${JSON.stringify(dir)}, readOnly: true, maxDbs: 4, keyEncoding: 'binary', encoding: 'binary' });
    const meta = env.openDB({ name: 'meta', keyEncoding: 'binary', encoding: 'binary' });
    const kv = env.openDB({ name: meta.get(Buffer.from('active')).toString(), keyEncoding: 'binary', encoding: 'binary' });
    const v = kv.get(Buffer.of(${k}));
    process.stdout.write(v === undefined ? 'absent' : Buffer.from(v).toString('hex'));
    await env.close();`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)) }).toString();
}

const VALUE_4000 = new Uint8Array(4000).fill(7);

async function* restorePairs(): AsyncIterable<readonly [Uint8Array, Uint8Array]> {
  for (let i = 0; i < 400; i++) {
    if (i % 100 === 0) await Promise.resolve();
    yield [Uint8Array.of(9, i >> 8, i & 0xff), VALUE_4000] as const;
  }
}

describe('LmdbBackend specifics', () => {
  it('keeps data across close and reopen, including after a restore flipped keyspaces', async () => {
    const dir = freshDir();
    const first = LmdbBackend.open(dir);
    first.write((t) => t.put(Uint8Array.of(1), Uint8Array.of(1)));
    await first.restore(
      (async function* () {
        yield [Uint8Array.of(2), Uint8Array.of(2)] as const;
        await Promise.resolve();
        yield [Uint8Array.of(3), Uint8Array.of(3)] as const;
      })(),
    );
    first.write((t) => t.put(Uint8Array.of(4), Uint8Array.of(4)));
    await first.close();
    const second = LmdbBackend.open(dir);
    const keys = second.read((t) => [...t.range(new Uint8Array(0), undefined)].map(([k]) => k[0]));
    assert.deepEqual(keys, [2, 3, 4]);
    assert.ok(second.sizeBytes() > 0);
    await second.close();
  });

  /** Runs the crash writer until it reported 300 commits, SIGKILLs it; returns the last sequence it printed. */
  async function killWriterMidStream(dir: string, ...args: string[]): Promise<number> {
    const script = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
    const child = spawn(process.execPath, [script, dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let lastPrinted = -1;
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) lastPrinted = Number(line);
        if (lastPrinted >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    assert.equal(await exited, 'SIGKILL', `writer died on its own: ${stderr}`);
    return lastPrinted;
  }

  /** Sequence number → keys found, and the `last` marker's value. */
  function readWriterState(db: LmdbBackend): { counts: Map<number, number>; marker: number } {
    const counts = new Map<number, number>();
    let marker = -1;
    db.read((t) => {
      for (const [k, v] of t.range(new Uint8Array(0), undefined)) {
        if (k.length === 5) {
          marker = new DataView(v.buffer, v.byteOffset).getUint32(0);
          continue;
        }
        const seq = new DataView(k.buffer, k.byteOffset).getUint32(0);
        counts.set(seq, (counts.get(seq) ?? 0) + 1);
      }
    });
    return { counts, marker };
  }

  for (const mode of ['overlapping', 'none'] as const) {
    it(`commitSync ${mode}: a writer SIGKILLed mid-stream leaves a database holding every transaction it committed, none partial`, async () => {
      const dir = freshDir();
      const lastPrinted = await killWriterMidStream(dir, mode);
      const db = LmdbBackend.open(dir, { commitSync: mode });
      try {
        assert.equal(db.discardedAfterMachineCrash, false);
        const { counts, marker } = readWriterState(db);
        // Every transaction the child reported committed survived a process
        // crash (the page cache outlives the process), and nothing is partial.
        assert.ok(marker >= lastPrinted, `marker ${marker} < last printed ${lastPrinted}`);
        assert.equal(counts.size, marker + 1);
        for (let seq = 0; seq <= marker; seq++) assert.equal(counts.get(seq), 8, `transaction ${seq} is partial`);
      } finally {
        await db.close();
      }
    });
  }

  it('batches: a SIGKILLed writer loses at most its open batch, and no write() in part', async () => {
    const dir = freshDir();
    const lastPrinted = await killWriterMidStream(dir, 'batched');
    const db = LmdbBackend.open(dir, { commitSync: 'none' });
    try {
      const { counts, marker } = readWriterState(db);
      // Batches commit after every 10th write(): the survivors end at one's last write.
      assert.equal((marker + 1) % 10, 0, `marker ${marker} is not the last write of a batch`);
      assert.ok(marker >= lastPrinted - 10, `marker ${marker}: more than the open batch before ${lastPrinted} was lost`);
      assert.equal(counts.size, marker + 1);
      for (let seq = 0; seq <= marker; seq++) assert.equal(counts.get(seq), 8, `write ${seq} is partial`);
    } finally {
      await db.close();
    }
  });

  it('batches: reads see a write at once; the file holds it once its batch commits (by age or by size)', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { commitSync: 'none', batchMs: 300, batchMaxKeyWrites: 3 });
    try {
      db.write((t) => t.put(Uint8Array.of(1), Uint8Array.of(0xa1)));
      assert.deepEqual(db.read((t) => t.get(Uint8Array.of(1))), Uint8Array.of(0xa1));
      assert.equal(committedValue(dir, 1), 'absent');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(committedValue(dir, 1), 'a1', 'the batch commits batchMs after it opened');
      // Three keys written end a batch whatever its age.
      db.write((t) => t.put(Uint8Array.of(2), Uint8Array.of(0xa2)));
      assert.equal(committedValue(dir, 2), 'absent');
      db.write((t) => {
        t.put(Uint8Array.of(3), Uint8Array.of(0xa3));
        t.delete(Uint8Array.of(1));
      });
      assert.equal(committedValue(dir, 2), 'a2');
      assert.equal(committedValue(dir, 1), 'absent');
    } finally {
      await db.close();
    }
  });

  it('batches: a failed write() undoes only its own writes; the batch around it commits', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { commitSync: 'none', batchMs: 60_000 });
    db.write((t) => {
      t.put(Uint8Array.of(1), Uint8Array.of(1));
      t.put(Uint8Array.of(2), Uint8Array.of(2));
    });
    assert.throws(() =>
      db.write((t) => {
        t.put(Uint8Array.of(1), Uint8Array.of(9));
        t.delete(Uint8Array.of(2));
        t.put(Uint8Array.of(3), Uint8Array.of(3));
        t.put(Uint8Array.of(1), Uint8Array.of(8));
        throw new Error('boom');
      }),
    /boom/);
    // A throw with a range iterator still open: it is closed before the undo writes.
    assert.throws(() =>
      db.write((t) => {
        t.put(Uint8Array.of(5), Uint8Array.of(5));
        t.range(new Uint8Array(0), undefined)[Symbol.iterator]().next();
        throw new Error('mid-range');
      }),
    /mid-range/);
    db.write((t) => t.put(Uint8Array.of(4), Uint8Array.of(4)));
    const contents = (b: LmdbBackend): string[] => b.read((t) => [...t.range(new Uint8Array(0), undefined)].map(([k, v]) => `${k[0]}=${v[0]}`));
    assert.deepEqual(contents(db), ['1=1', '2=2', '4=4']);
    await db.close();
    const reopened = LmdbBackend.open(dir, { commitSync: 'none' });
    assert.deepEqual(contents(reopened), ['1=1', '2=2', '4=4']);
    await reopened.close();
  });

  it('batches: a dump and a copy hold every write made before them', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { commitSync: 'none', batchMs: 60_000 });
    try {
      for (let i = 1; i <= 3; i++) db.write((t) => t.put(Uint8Array.of(i), Uint8Array.of(i)));
      const dumped: number[] = [];
      for await (const [k] of db.dump()) dumped.push(k[0]!);
      assert.deepEqual(dumped, [1, 2, 3]);
      db.write((t) => t.put(Uint8Array.of(4), Uint8Array.of(4)));
      const copy = freshDir();
      await db.copyTo(copy);
      const copied: number[] = [];
      for await (const [k] of LmdbBackend.readCopy(copy)) copied.push(k[0]!);
      assert.deepEqual(copied, [1, 2, 3, 4]);
    } finally {
      await db.close();
    }
  });

  it('batches need commitSync none and a sane size', () => {
    assert.throws(() => LmdbBackend.open(freshDir(), { batchMs: 10 }), (e: unknown) => e instanceof Error && /commitSync 'none'/.test(e.message));
    assert.throws(() => LmdbBackend.open(freshDir(), { commitSync: 'none', batchMs: -1 }), /non-negative/);
    assert.throws(() => LmdbBackend.open(freshDir(), { commitSync: 'none', batchMs: 10, batchMaxKeyWrites: 0 }), /positive integer/);
  });

  it('commitSync none: unsynced commits of another boot (a machine crash) are discarded at open', async () => {
    const dir = freshDir();
    await killWriterMidStream(dir, 'none', 'boot-A');
    // Same boot: the kernel still holds every page, the data is trusted.
    const same = LmdbBackend.open(dir, { commitSync: 'none', bootId: 'boot-A' });
    assert.equal(same.discardedAfterMachineCrash, false);
    assert.ok(readWriterState(same).marker >= 300);
    same.write((t) => t.put(Uint8Array.of(9), Uint8Array.of(9)));
    await same.close();
    // close() synced and removed the marker: another boot trusts the file too.
    const other = LmdbBackend.open(dir, { commitSync: 'none', bootId: 'boot-B' });
    assert.equal(other.discardedAfterMachineCrash, false);
    assert.deepEqual(other.read((t) => t.get(Uint8Array.of(9))), Uint8Array.of(9));
    await other.close();

    const crashed = freshDir();
    await killWriterMidStream(crashed, 'none', 'boot-A');
    const rebooted = LmdbBackend.open(crashed, { commitSync: 'none', bootId: 'boot-B' });
    try {
      assert.equal(rebooted.discardedAfterMachineCrash, true);
      assert.equal(readWriterState(rebooted).counts.size, 0, 'a possibly torn file is never read');
      rebooted.write((t) => t.put(Uint8Array.of(1), Uint8Array.of(1)));
    } finally {
      await rebooted.close();
    }
    // The default (overlapping) mode honours a marker too, and removes it.
    await killWriterMidStream(crashed, 'none', 'boot-A');
    const overlapping = LmdbBackend.open(crashed, { bootId: 'boot-C' });
    assert.equal(overlapping.discardedAfterMachineCrash, true);
    await overlapping.close();
    const again = LmdbBackend.open(crashed, { bootId: 'boot-D' });
    assert.equal(again.discardedAfterMachineCrash, false);
    await again.close();
  });

  it('sizeBytes is the data file\'s size after every write and restore (commitSync overlapping)', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { restoreBatchBytes: 4096 });
    const fileSize = (): number => statSync(join(dir, 'data.mdb')).size;
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      db.write((t) => t.put(Uint8Array.of(i >> 8, i & 0xff), VALUE_4000));
      assert.equal(db.sizeBytes(), fileSize());
      assert.equal(db.sizeBytes(), fileSize(), 'asked twice in one generation');
      assert.equal(db.sizeBoundBytes(), fileSize());
      seen.add(db.sizeBytes());
    }
    assert.ok(seen.size > 1, 'the file grew while it was written');
    await db.restore(restorePairs());
    assert.equal(db.sizeBytes(), fileSize());
    await db.close();
  });

  it('with a writable map (commitSync none), sizeBytes counts the pages in use, not the whole map', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { restoreBatchBytes: 4096, commitSync: 'none' });
    const fileSize = (): number => statSync(join(dir, 'data.mdb')).size;
    let previous = 0;
    let grew = 0;
    for (let i = 0; i < 200; i++) {
      db.write((t) => t.put(Uint8Array.of(i >> 8, i & 0xff), VALUE_4000));
      const bytes = db.sizeBytes();
      assert.equal(db.sizeBytes(), bytes, 'asked twice in one generation');
      assert.equal(bytes % 4096, 0, 'whole pages');
      assert.ok(bytes >= previous, `shrank from ${previous} to ${bytes}`);
      if (bytes > previous) grew++;
      previous = bytes;
      // Each 4,000-byte value takes a page of its own.
      assert.ok(bytes >= (i + 1) * 4096, `${bytes} bytes hold ${i + 1} values`);
      assert.ok(bytes <= (i + 1) * 4096 + 64 * 4096, `${bytes} bytes for ${i + 1} values`);
      assert.equal(db.sizeBoundBytes(), fileSize());
      assert.ok(db.sizeBoundBytes() >= bytes);
    }
    assert.ok(grew > 100, `grew ${grew} times in 200 writes`);
    assert.ok(fileSize() > previous, 'LMDB sized the file to its whole map');
    await db.restore(restorePairs());
    // The restore wrote 400 values into the idle keyspace, then cleared the 200 of the old one.
    assert.ok(db.sizeBytes() >= 400 * 4096 && db.sizeBytes() <= fileSize(), `${db.sizeBytes()} bytes after the restore`);
    await db.close();
  });

  it('with batches, sizeBoundBytes stays at or above sizeBytes, which commits the batch first', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { commitSync: 'none', batchMs: 60_000 });
    let exact = db.sizeBytes();
    for (let i = 0; i < 200; i++) {
      db.write((t) => t.put(Uint8Array.of(i >> 8, i & 0xff), VALUE_4000));
      assert.ok(db.sizeBoundBytes() >= exact, `bound ${db.sizeBoundBytes()} below the last exact size ${exact}`);
      if (i % 20 === 19) {
        const before = exact;
        exact = db.sizeBytes();
        assert.ok(exact >= before + 20 * 4096, `${exact} bytes after 20 more 4,000-byte values (was ${before})`);
        assert.ok(db.sizeBoundBytes() >= exact, `bound ${db.sizeBoundBytes()} below ${exact} after a commit`);
      }
    }
    await db.close();
  });

  it('rejects an unknown commitSync', () => {
    assert.throws(() => LmdbBackend.open(freshDir(), { commitSync: 'sometimes' as 'none' }), { code: 'invalid-argument' });
  });

  it('an interrupted restore (crash before the flip) is invisible and cleared on open', async () => {
    const dir = freshDir();
    const db = LmdbBackend.open(dir, { restoreBatchBytes: 16 });
    db.write((t) => t.put(Uint8Array.of(1), Uint8Array.of(1)));
    // The stream fails after several batches were committed to the idle keyspace.
    async function* failing(): AsyncIterable<readonly [Uint8Array, Uint8Array]> {
      for (let i = 10; i < 40; i++) {
        await Promise.resolve();
        yield [Uint8Array.of(i), new Uint8Array(16)];
      }
      throw new Error('peer went away');
    }
    await assert.rejects(db.restore(failing()), /peer went away/);
    const keys = db.read((t) => [...t.range(new Uint8Array(0), undefined)].map(([k]) => k[0]));
    assert.deepEqual(keys, [1]);
    await db.close();
    const reopened = LmdbBackend.open(dir);
    assert.deepEqual(
      reopened.read((t) => [...t.range(new Uint8Array(0), undefined)].map(([k]) => k[0])),
      [1],
    );
    await reopened.close();
  });

  it('close waits for an in-flight flush', async () => {
    const db = LmdbBackend.open(freshDir());
    db.write((t) => t.put(Uint8Array.of(1), new Uint8Array(4096)));
    const flushes = [db.flush(), db.flush()];
    await db.close();
    await Promise.all(flushes);
  });

  it('copyTo writes a copy of the live keyspace that readCopy reads back and restore installs elsewhere', async () => {
    const source = LmdbBackend.open(freshDir(), { commitSync: 'none' });
    const key = (i: number): Uint8Array => Uint8Array.of(i >> 8, i & 255);
    source.write((t) => {
      for (let i = 0; i < 2000; i++) t.put(key(i), new Uint8Array(100).fill(i & 255));
    });
    // A restore flips the live keyspace to kv-b: the copy must follow the flip.
    await source.restore(
      (async function* () {
        for (let i = 0; i < 3000; i += 2) {
          if (i % 1000 === 0) await Promise.resolve();
          yield [key(i), new Uint8Array(50).fill(i & 7)] as const;
        }
      })(),
    );
    source.write((t) => t.delete(key(0)));
    const expected = source.read((t) => [...t.range(new Uint8Array(0), undefined)].map(([k, v]) => [[...k], [...v]]));
    const copyDir = join(freshDir(), 'copy');
    const copying = source.copyTo(copyDir);
    // Writes after the call may or may not be in the copy; the copy must be one of the two states, whole.
    source.write((t) => t.put(key(9999), Uint8Array.of(1)));
    await copying;
    const copied: (readonly [Uint8Array, Uint8Array])[] = [];
    for await (const pair of LmdbBackend.readCopy(copyDir)) copied.push(pair);
    const got = copied.map(([k, v]) => [[...k], [...v]]);
    const withLate = [...expected, [[...key(9999)], [1]]];
    assert.ok(got.length === expected.length || got.length === withLate.length, `copy holds ${got.length} pairs`);
    assert.deepEqual(got, got.length === expected.length ? expected : withLate);
    // The copy installs into another backend through restore().
    const target = LmdbBackend.open(freshDir());
    target.write((t) => t.put(Uint8Array.of(200), Uint8Array.of(1)));
    await target.restore(LmdbBackend.readCopy(copyDir));
    assert.deepEqual(
      target.read((t) => [...t.range(new Uint8Array(0), undefined)].map(([k, v]) => [[...k], [...v]])),
      got,
    );
    await Promise.all([source.close(), target.close()]);
  });

  it('copyTo refuses a target that holds files and close waits for a copy in flight', async () => {
    const db = LmdbBackend.open(freshDir());
    db.write((t) => t.put(Uint8Array.of(1), new Uint8Array(4096)));
    const dir = join(freshDir(), 'copy');
    await db.copyTo(dir);
    await assert.rejects(db.copyTo(dir), { code: 'invalid-argument' });
    const inFlight = db.copyTo(join(freshDir(), 'copy'));
    await db.close();
    await inFlight;
    await assert.rejects(async () => {
      for await (const _ of LmdbBackend.readCopy(freshDir())) break;
    }, /no LMDB copy/);
  });

  it('restore lets the event loop turn between batches even when its source never waits on I/O', async () => {
    const db = LmdbBackend.open(freshDir(), { restoreBatchBytes: 64 * 1024, commitSync: 'none' });
    let turns = 0;
    const counting = (): void => {
      turns++;
      if (!done) setImmediate(counting);
    };
    let done = false;
    setImmediate(counting);
    // Resolves every step at once (microtasks only), as a copy read from local disk does.
    await db.restore(
      (async function* () {
        for (let i = 0; i < 4000; i++) {
          if (i % 1000 === 0) await Promise.resolve();
          yield [Uint8Array.of(i >> 8, i & 255), new Uint8Array(256)] as const;
        }
      })(),
    );
    done = true;
    // 4000 pairs of ~258 bytes in 64 KiB transactions: ~16 batches, each followed by a turn.
    assert.ok(turns >= 10, `the event loop turned ${turns} times during the restore`);
    await db.close();
  });

  it('rejects a bad restoreBatchBytes', () => {
    assert.throws(() => LmdbBackend.open(freshDir(), { restoreBatchBytes: 0 }), { code: 'invalid-argument' });
  });
});
