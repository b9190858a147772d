// Test fixture: one store member started in this process, on free loopback
// ports and a temporary data dir, leading its single-member cluster.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@logbook/etcd-client/testing';
import { discardLogger } from '@logbook/raft';
import { parseStoreConfig } from '../src/config.ts';
import { startStore, type RunningStore } from '../src/store-member.ts';

export interface SingleMember {
  readonly member: RunningStore;
  readonly dataDir: string;
  readonly clientPort: number;
  /** http://127.0.0.1:<clientPort> */
  readonly endpoint: string;
  /** Stops the member and removes its data dir. */
  close(): Promise<void>;
}

/** Starts a member named s1 with `flags` added to the ones that place it, and waits until it leads. */
export async function startSingleMember(flags: readonly string[] = []): Promise<SingleMember> {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-member-'));
  const dataDir = join(dir, 's1');
  const [clientPort, peerPort] = (await freePorts(2)) as [number, number];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const parsed = parseStoreConfig([
    '--name', 's1', '--data-dir', dataDir,
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `s1=http://127.0.0.1:${peerPort}`,
    ...flags,
  ]);
  if (parsed.kind !== 'config') assert.fail(JSON.stringify(parsed));
  const member = await startStore(parsed.config, discardLogger);
  const close = async (): Promise<void> => {
    await member.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const deadline = Date.now() + 10_000; !member.store.isLeader; ) {
      if (Date.now() > deadline) assert.fail('the single member never became leader');
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { member, dataDir, clientPort, endpoint, close };
}
