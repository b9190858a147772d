// --backend-batch-interval and --backend-batch-limit reach the member's
// backend: what another process reading the database file sees is what the
// backend committed, so a batch's applies appear there only once the batch
// commits (by age or by key writes), as in etcd's bbolt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EtcdClient } from '@logbook/etcd-client';
import { freePorts } from '@logbook/etcd-client/testing';
import { discardLogger } from '@logbook/raft';
import { parseStoreConfig } from '../src/config.ts';
import { startStore, type RunningStore } from '../src/store-member.ts';

/** Entries in the member's live keyspace as another process reads the file: committed state only. */
function committedEntries(dataDir: string): number {
  const script = `
    import { open } from 'lmdb';
    const env = open({ path: ${JSON.stringify(join(dataDir, 'member', 'db'))}, readOnly: true, maxDbs: 4, keyEncoding: 'binary', encoding: 'binary' });
    const meta = env.openDB({ name: 'meta', keyEncoding: 'binary', encoding: 'binary' });
    const kv = env.openDB({ name: meta.get(Buffer.from('active')).toString(), keyEncoding: 'binary', encoding: 'binary' });
    process.stdout.write(String(kv.getKeysCount()));
    await env.close();`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)) }).toString());
}

async function withMember(flags: readonly string[], body: (client: EtcdClient, dataDir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-batch-'));
  const dataDir = join(dir, 's1');
  const [clientPort, peerPort] = (await freePorts(2)) as [number, number];
  const parsed = parseStoreConfig([
    '--name', 's1', '--data-dir', dataDir,
    '--listen-client-urls', `http://127.0.0.1:${clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${clientPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `s1=http://127.0.0.1:${peerPort}`,
    ...flags,
  ]);
  if (parsed.kind !== 'config') assert.fail(JSON.stringify(parsed));
  const member: RunningStore = await startStore(parsed.config, discardLogger);
  const client = EtcdClient.connect({ endpoints: [`http://127.0.0.1:${clientPort}`] });
  try {
    for (const deadline = Date.now() + 10_000; !member.store.isLeader; ) {
      if (Date.now() > deadline) assert.fail('the single member never became leader');
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.put({ key: Buffer.from('/warm'), value: Buffer.from('v') });
    await body(client, dataDir);
  } finally {
    client.close();
    await member.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--backend-batch-interval: applies stay out of the database file until the batch is that old', async () => {
  await withMember(['--backend-batch-interval', '10m'], async (client, dataDir) => {
    const before = committedEntries(dataDir);
    for (let i = 0; i < 5; i++) await client.put({ key: Buffer.from(`/k${i}`), value: Buffer.from('v') });
    // Well past etcd's default of 100 ms: that batch would have committed by now.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(committedEntries(dataDir), before);
  });
});

test('--backend-batch-limit: a batch commits once its writes reach the limit, whatever its age', async () => {
  await withMember(['--backend-batch-interval', '10m', '--backend-batch-limit', '1'], async (client, dataDir) => {
    let last = committedEntries(dataDir);
    for (let i = 0; i < 3; i++) {
      await client.put({ key: Buffer.from(`/k${i}`), value: Buffer.from('v') });
      // Each put's apply writes more than one key, so its batch committed as the apply ended.
      const now = committedEntries(dataDir);
      assert.ok(now > last, `put ${i}: ${now} committed entries, ${last} before`);
      last = now;
    }
  });
});
