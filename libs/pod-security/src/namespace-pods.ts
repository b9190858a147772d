// When a namespace's enforce level is raised, kube dry-runs the new level
// against the pods already there and warns about the ones it would refuse.
// Bounded as kube bounds it: at most 3000 pods and one second (or half of
// the request's remaining time), then a warning that says how far it got.
// One pod per controller goes first, so a large ReplicaSet cannot hide a
// differently-configured pod behind its replicas.

import type { ObjectReader } from '@logbook/admission';
import { goQuote } from '@logbook/apimachinery';
import { evaluateDecoded, forbiddenReason } from './evaluator.ts';
import { type LevelVersion, formatLevelVersion } from './level-version.ts';
import { type PodMetaView, type PodSpecView, toPodMeta, toPodSpec } from './pod-spec.ts';

export const NAMESPACE_MAX_PODS_TO_CHECK = 3000;
export const NAMESPACE_POD_CHECK_TIMEOUT_MS = 1000;

export interface NamespacePodCheckOptions {
  readonly reader: ObjectReader;
  readonly now: () => number;
  readonly isExemptRuntimeClass: (name: string) => boolean;
  readonly maxPods?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

interface Decoded { readonly meta: PodMetaView; readonly spec: PodSpecView }

function prioritize(pods: readonly Decoded[], isExempt: (rc: string) => boolean): Decoded[] {
  const first: Decoded[] = [];
  const duplicates: Decoded[] = [];
  const seen = new Set<string>();
  for (const p of pods) {
    if (p.spec.runtimeClassName !== '' && isExempt(p.spec.runtimeClassName)) continue;
    const uid = p.meta.controllerUid;
    if (uid === '') first.push(p);
    else if (seen.has(uid)) duplicates.push(p);
    else {
      seen.add(uid);
      first.push(p);
    }
  }
  return [...first, ...duplicates];
}

function podsPrefix(name: string, count: number): string {
  if (count === 1) return name;
  if (count === 2) return `${name} (and 1 other pod)`;
  return `${name} (and ${count - 1} other pods)`;
}

export async function evaluatePodsInNamespace(namespace: string, enforce: LevelVersion, opts: NamespacePodCheckOptions): Promise<string[]> {
  const deadline = opts.now() + (opts.timeoutMs ?? NAMESPACE_POD_CHECK_TIMEOUT_MS);
  let listed;
  try {
    listed = await opts.reader.list({ group: '', resource: 'pods' }, namespace, opts.signal);
  } catch (err: unknown) {
    // The namespace write itself must not fail over an advisory check; kube says only this.
    void err;
    return ['failed to list pods while checking new PodSecurity enforce level'];
  }
  const all = prioritize(listed.map((p) => ({ meta: toPodMeta(p.metadata), spec: toPodSpec(p['spec']) })), opts.isExemptRuntimeClass);
  const total = all.length;
  const pods = all.slice(0, opts.maxPods ?? NAMESPACE_MAX_PODS_TO_CHECK);
  let checked = pods.length;
  // Identical reasons are reported once, under the lexically first pod name.
  const byWarning = new Map<string, { name: string; count: number }>();
  for (const [i, pod] of pods.entries()) {
    const r = evaluateDecoded(enforce, pod.meta, pod.spec);
    if (!r.allowed) {
      const w = forbiddenReason(r);
      const c = byWarning.get(w);
      if (c === undefined) byWarning.set(w, { name: pod.meta.name, count: 1 });
      else byWarning.set(w, { name: pod.meta.name < c.name ? pod.meta.name : c.name, count: c.count + 1 });
    }
    if (opts.now() >= deadline || opts.signal?.aborted === true) {
      checked = i + 1;
      break;
    }
  }
  const warnings: string[] = [];
  if (checked < total) warnings.push(`new PodSecurity enforce level only checked against the first ${checked} of ${total} existing pods`);
  if (byWarning.size > 0) {
    warnings.push(`existing pods in namespace ${goQuote(namespace)} violate the new PodSecurity enforce level ${goQuote(formatLevelVersion(enforce))}`);
  }
  const podWarnings = [...byWarning].map(([w, c]) => `${podsPrefix(c.name, c.count)}: ${w}`).sort();
  return [...warnings, ...podWarnings];
}
