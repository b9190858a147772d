// Builds admission attributes for driving plugins directly, recording the
// warnings and audit annotations they emit.

import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { recordingAttributes, rejectsWith, type RecordingAttributes } from '../src/testing.ts';

export { rejectsWith };
export type TestAttrs = RecordingAttributes;
export const attrs = recordingAttributes;

export function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', ...meta }, spec };
}

/** Runs admit then validate, as the chain does. */
export async function run(plugin: AdmissionPlugin, a: AdmissionAttributes): Promise<void> {
  if (plugin.admit !== undefined) await plugin.admit(a);
  if (plugin.validate !== undefined) await plugin.validate(a);
}
