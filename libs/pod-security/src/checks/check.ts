// A check of the Pod Security Standards: one rule, at one level, whose
// behaviour may differ by policy version. A check returns undefined when the
// pod passes, or kube's forbidden reason (always printed) and detail (printed
// in parentheses for a single object).

import type { PodMetaView, PodSpecView } from '../pod-spec.ts';

export interface Violation {
  readonly reason: string;
  readonly detail: string;
}

export type CheckPodFn = (meta: PodMetaView, spec: PodSpecView) => Violation | undefined;

export interface VersionedCheck {
  /** The first policy minor (v1.<minor>) this behaviour applies to. */
  readonly minimumVersion: number;
  readonly checkPod: CheckPodFn;
  /** Baseline checks this restricted check replaces at this version. */
  readonly overrides?: readonly string[];
}

export interface Check {
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  /** Strictly increasing minimumVersion. */
  readonly versions: readonly VersionedCheck[];
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** kube's joinQuote: plain double quotes around each item, no escaping. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** A sorted, de-duplicated list (Go's sets.List order: byte order for the ASCII these hold). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** A setter list for messages like `pod and containers "a", "b" must not ...`. */
export function setters(pod: boolean, containers: readonly string[]): string[] {
  const out: string[] = [];
  if (pod) out.push('pod');
  if (containers.length > 0) out.push(containersPhrase(containers));
  return out;
}

// Windows pods: API validation refuses Linux-only security fields when
// spec.os.name is windows, so from v1.25 the Linux-only checks pass them.
export function exemptWindows(check: CheckPodFn): CheckPodFn {
  return (meta, spec) => (spec.osName === 'windows' ? undefined : check(meta, spec));
}
