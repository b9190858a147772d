// --backend-batch-interval and --backend-batch-limit reach the member's
// backend: what another process reading the database file sees is what the
// backend committed, so a batch's applies appear there only once the batch
// commits (by age or by key writes), as in etcd's bbolt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EtcdClient } from '@logbook/etcd-client';
import { startSingleMember } from './single-member.ts';

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
  const m = await startSingleMember(flags);
  const client = EtcdClient.connect({ endpoints: [m.endpoint] });
  try {
    await client.put({ key: Buffer.from('/warm'), value: Buffer.from('v') });
    await body(client, m.dataDir);
  } finally {
    client.close();
    await m.close();
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
