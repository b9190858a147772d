// Shared test fixtures: catalogue entries and a fixed clock.
import type { ResourceInfo } from '@logbook/resources';

export const NOW = new Date('2025-01-01T00:00:00Z');
/** A creationTimestamp `ago` before NOW. */
export function created(agoMs: number): string {
  return new Date(NOW.getTime() - agoMs).toISOString().replace('.000Z', 'Z');
}

export function info(group: string, version: string, kind: string, plural: string, namespaced = true): ResourceInfo {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced, verbs: ['get', 'list', 'watch'], subresources: [], shortNames: [], categories: [] };
}
