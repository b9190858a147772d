// Builds admission attributes for driving the plugin directly, recording
// the companion writes, warnings and audit annotations it emits.

import type { KubeObject } from '@logbook/apistorage';
import { recordingAttributes, rejectsWith, type RecordingAttributes } from '@logbook/admission/testing';

export { rejectsWith };
export type TestAttrs = RecordingAttributes;
export const attrs = recordingAttributes;

export type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

export function container(name: string, resources: Resources = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image: 'x', resources, ...extra };
}

export function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}, status?: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec, ...(status === undefined ? {} : { status }) };
}

/** A quota as the status computation leaves it: status.hard = spec.hard, status.used given. */
export function quota(name: string, hard: Record<string, string>, used: Record<string, string> | undefined, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'default', resourceVersion: '7' },
    spec: { hard, ...spec },
    ...(used === undefined ? {} : { status: { hard, used } }),
  };
}

