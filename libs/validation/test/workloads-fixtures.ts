// Shared builders for the workloads tests: minimal valid manifests that a
// test then breaks in one place, and a way to run a kind's rules as the
// registry does (default, then validate) and read kube's messages.

import type { JsonObject } from '../src/types.ts';
import { rulesFor } from '../src/index.ts';

export function rules(groupKind: string): NonNullable<ReturnType<typeof rulesFor>> {
  const [group = '', kind = ''] = groupKind.split('/');
  const r = rulesFor(group, kind);
  if (r === undefined) throw new Error(`no rules for ${groupKind}`);
  return r;
}

/** Defaults then validates on create, returning kube's `path: Type: detail` lines. */
export function createErrors(groupKind: string, obj: JsonObject): string[] {
  const r = rules(groupKind);
  r.default?.(obj);
  return (r.validateCreate?.(obj) ?? []).map((e) => e.message());
}

export function updateErrors(groupKind: string, obj: JsonObject, old: JsonObject): string[] {
  const r = rules(groupKind);
  r.default?.(obj);
  r.default?.(old);
  return (r.validateUpdate?.(obj, old) ?? []).map((e) => e.message());
}

export function container(extra: JsonObject = {}): JsonObject {
  return { name: 'app', image: 'nginx:1.27', ...extra };
}

export function podSpec(extra: JsonObject = {}): JsonObject {
  return { containers: [container()], ...extra };
}

export function pod(spec: JsonObject = podSpec(), name = 'p'): JsonObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
}

export function template(spec: JsonObject = podSpec(), labels: Record<string, string> = { app: 'web' }): JsonObject {
  return { metadata: { labels }, spec };
}

export function deployment(spec: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
  };
}

export function workload(kind: string, spec: JsonObject = {}, name = 'web'): JsonObject {
  return {
    apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
  };
}

export function job(spec: JsonObject = {}, name = 'pi', uid = 'u-1'): JsonObject {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default', uid },
    spec: { template: template(podSpec({ restartPolicy: 'Never' }), {}), ...spec },
  };
}

export function cronJob(spec: JsonObject = {}, name = 'tick'): JsonObject {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template(podSpec({ restartPolicy: 'OnFailure' }), {}) } }, ...spec },
  };
}
