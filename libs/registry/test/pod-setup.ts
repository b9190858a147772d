// A registry over MemoryStorage with a settable clock, a default namespace,
// and helpers for the pod subresource tests.

import assert from 'node:assert/strict';
import { StatusError, type StatusCause } from '@logbook/apimachinery';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { Registry, type ResourceStore } from '../src/index.ts';

export const T0 = Date.parse('2026-11-21T10:00:00Z');
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');
export const ns = { namespace: 'default' };

export interface Setup {
  readonly clock: { t: number };
  readonly registry: Registry;
  readonly pods: ResourceStore;
  readonly pdbs: ResourceStore;
}

export async function setup(): Promise<Setup> {
  const clock = { t: T0 };
  let uid = 0;
  const registry = new Registry({
    etcdPrefix: '/registry', resources: catalogue(), storageFor: () => new MemoryStorage(),
    env: { now: () => clock.t, uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
  });
  await registry.lookup('', 'v1', 'namespaces')!.create({ namespace: '' }, { metadata: { name: 'default' } });
  return { clock, registry, pods: registry.lookup('', 'v1', 'pods')!, pdbs: registry.lookup('policy', 'v1', 'poddisruptionbudgets')! };
}

export interface Failure {
  readonly code: number;
  readonly reason: string | undefined;
  readonly message: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

export async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) {
      const d = err.status.details;
      return {
        code: err.status.code, reason: err.status.reason, message: err.status.message,
        ...(d?.causes !== undefined ? { causes: d.causes } : {}), ...(d?.retryAfterSeconds !== undefined ? { retryAfterSeconds: d.retryAfterSeconds } : {}),
      };
    }
    throw err;
  }
  assert.fail('expected a StatusError');
}

export const pod = (name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ metadata: { name, ...meta }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });

/** A pod a kubelet would be running: on a node, phase Running, Ready as asked. */
export async function runningPod(pods: ResourceStore, name: string, labels: Record<string, string>, ready = true): Promise<KubeObject> {
  const created = await pods.create(ns, pod(name, { nodeName: 'n1' }, { labels }));
  return pods.update(ns, name, { ...created, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } }, 'status');
}
