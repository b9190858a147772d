// Assertions on etcdctl runs, shared by the store e2e tests. A failing one
// quotes the command and everything it printed, since the next step is
// always to compare that with what etcd prints.

import assert from 'node:assert/strict';

import { errorLine, type EtcdctlResult } from './etcdctl.ts';
import { asInt, field, headerRevision, parseEtcdJson } from './etcd-json.ts';
import type { EtcdctlCallOptions, StoreCluster } from './store-cluster.ts';

function describe(args: readonly string[], r: EtcdctlResult): string {
  return `etcdctl ${args.join(' ')} -> code ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${JSON.stringify(r.stdout)}\nstderr: ${JSON.stringify(r.stderr)}`;
}

/** Runs etcdctl, asserts exit code 0, returns stdout. */
export async function etcdctlOk(cluster: StoreCluster, args: readonly string[], options?: EtcdctlCallOptions): Promise<string> {
  const r = await cluster.etcdctl(args, options);
  assert.equal(r.code, 0, describe(args, r));
  return r.stdout;
}

/** Runs etcdctl with `-w json`, asserts exit code 0, returns the parsed output (large ids as bigints). */
export async function etcdctlJson(cluster: StoreCluster, args: readonly string[], options?: EtcdctlCallOptions): Promise<unknown> {
  return parseEtcdJson(await etcdctlOk(cluster, [...args, '-w', 'json'], options));
}

/** Runs etcdctl expecting it to fail: asserts the exit code and its `Error: ...` line; returns the result. */
export async function etcdctlFails(
  cluster: StoreCluster,
  args: readonly string[],
  expected: { readonly code: number; readonly error: string },
  options?: EtcdctlCallOptions,
): Promise<EtcdctlResult> {
  const r = await cluster.etcdctl(args, options);
  assert.equal(r.code, expected.code, describe(args, r));
  assert.equal(errorLine(r.stderr), `Error: ${expected.error}`, describe(args, r));
  return r;
}

/** The store's current revision, from a linearizable read's header. */
export async function currentRevision(cluster: StoreCluster): Promise<number> {
  return headerRevision(await etcdctlJson(cluster, ['get', 'e2e-revision-probe']));
}

/** One member's `endpoint status`. */
export interface MemberStatus {
  readonly revision: number;
  readonly applied: number;
  readonly leader: unknown;
}

/** Every member's status (`endpoint status` over all endpoints), or undefined while any does not answer. */
export async function memberStatuses(c: StoreCluster): Promise<MemberStatus[] | undefined> {
  const r = await c.etcdctl(['endpoint', 'status', '-w', 'json', '--dial-timeout=500ms', '--command-timeout=1s']);
  if (r.code !== 0) return undefined;
  const list = parseEtcdJson(r.stdout);
  if (!Array.isArray(list)) return undefined;
  return list.map((s) => {
    const st = field(s, 'Status');
    return { revision: asInt(field(field(st, 'header'), 'revision'), 'revision'), applied: asInt(field(st, 'raftAppliedIndex'), 'raftAppliedIndex'), leader: field(st, 'leader') };
  });
}
