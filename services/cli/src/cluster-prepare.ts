// Everything a cluster's processes read, written under D before any starts:
// TLS material, one nats-server config per member, the HAProxy config, and
// cluster.json. `up` calls it for loopback processes; `init` for the compose
// topology (the one-shot `kubeconfig` service), so both run the same files.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ClusterError } from './cluster-error.ts';
import { writeFileAtomic } from './cluster-files.ts';
import { clusterPaths, type ClusterLayout } from './cluster-layout.ts';
import { ensureClusterPki, type ClusterPki } from './cluster-pki.ts';
import { writeState } from './cluster-state.ts';
import { HAPROXY_TEMPLATE, NATS_TEMPLATE, haproxyConfig, loadTemplate, natsConfig } from './cluster-templates.ts';

export async function writeClusterFiles(l: ClusterLayout, now: Date): Promise<ClusterPki> {
  const p = clusterPaths(l.dir);
  mkdirSync(l.dir, { recursive: true, mode: 0o700 });
  const pki = await ensureClusterPki(l, now);
  const natsTemplate = loadTemplate(NATS_TEMPLATE);
  for (const n of l.nats) await writeFileAtomic(p.natsConfig(n.name), natsConfig(natsTemplate, l, n), 0o644);
  await writeFileAtomic(p.haproxyConfig, haproxyConfig(loadTemplate(HAPROXY_TEMPLATE), l), 0o644);
  await writeState(p.state, { layout: l, startTimes: {} });
  return pki;
}

/** `haproxy -c`: a config HAProxy refuses is reported before anything starts, with HAProxy's own words. */
export function checkHaproxyConfig(haproxyBin: string, configPath: string): void {
  const r = spawnSync(haproxyBin, ['-c', '-f', configPath], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) {
    throw new ClusterError('invalid', `haproxy rejects ${configPath}:\n${`${r.stdout}${r.stderr}`.trim() || (r.error?.message ?? `exit ${r.status}`)}`, { cause: r.error });
  }
}
