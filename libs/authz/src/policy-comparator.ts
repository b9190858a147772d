// Whether one set of rules covers another (kube's validation.Covers), used by
// escalation prevention and bootstrap reconciliation. The covered rules are
// broken down to single (group, resource, verb, name) or (url, verb) tuples,
// each of which a single owner rule either covers or not.

import { goQuoteList } from './go-format.ts';
import type { PolicyRule } from './types.ts';

export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const verbs = rule.verbs ?? [];
  const names = rule.resourceNames ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of verbs) {
        if (names.length > 0) {
          for (const n of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [n] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

/** [covered, uncovered sub-rules]. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): [boolean, PolicyRule[]] {
  const uncovered: PolicyRule[] = [];
  for (const sub of servant.flatMap(breakdownRule)) {
    if (!owner.some((o) => ruleCovers(o, sub))) uncovered.push(sub);
  }
  return [uncovered.length === 0, uncovered];
}

function hasAll(set: readonly string[], contains: readonly string[]): boolean {
  const s = new Set(set);
  return contains.every((c) => s.has(c));
}

function resourceCoversAll(set: readonly string[], wanted: readonly string[]): boolean {
  if (set.includes('*') || hasAll(set, wanted)) return true;
  for (const path of wanted) {
    if (set.includes(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!set.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, path: string): boolean {
  if (owner === path) return true;
  if (!owner.endsWith('*')) return false;
  let end = owner.length;
  while (end > 0 && owner[end - 1] === '*') end--;
  return path.startsWith(owner.slice(0, end));
}

/** `sub` holds at most one verb, resource, name or URL. */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ov = owner.verbs ?? [];
  const og = owner.apiGroups ?? [];
  const on = owner.resourceNames ?? [];
  const sn = sub.resourceNames ?? [];
  const verbs = ov.includes('*') || hasAll(ov, sub.verbs ?? []);
  const groups = og.includes('*') || hasAll(og, sub.apiGroups ?? []);
  const resources = resourceCoversAll(owner.resources ?? [], sub.resources ?? []);
  const urls = (sub.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, p)));
  const names = sn.length === 0 ? on.length === 0 : on.length === 0 || hasAll(on, sn);
  return verbs && groups && resources && urls && names;
}

/**
 * kube's CompactRules: merges rules with one group, one resource, at most one
 * name and nothing else, that differ only in verbs. Order of the result does
 * not matter to callers (messages sort it).
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }>();
  for (const r of rules) {
    const key = simpleKey(r);
    if (key === undefined) {
      out.push(r);
      continue;
    }
    const existing = simple.get(key);
    if (existing !== undefined) existing.verbs.push(...(r.verbs ?? []));
    else {
      const copy: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] } = {
        apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])], verbs: [...(r.verbs ?? [])],
      };
      if ((r.resourceNames ?? []).length > 0) copy.resourceNames = [...(r.resourceNames ?? [])];
      simple.set(key, copy);
    }
  }
  out.push(...simple.values());
  return out;
}

function simpleKey(r: PolicyRule): string | undefined {
  const names = r.resourceNames ?? [];
  if (names.length > 1 || (r.nonResourceURLs ?? []).length > 0) return undefined;
  const g = r.apiGroups ?? [];
  const res = r.resources ?? [];
  if (g.length !== 1 || res.length !== 1) return undefined;
  return JSON.stringify([g[0], res[0], names.length === 1, names[0] ?? '']);
}

/** kube's CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}`; empty lists left out. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if ((r.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goQuoteList(r.apiGroups ?? [])}`);
  if ((r.resources ?? []).length > 0) parts.push(`Resources:${goQuoteList(r.resources ?? [])}`);
  if ((r.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs ?? [])}`);
  if ((r.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${goQuoteList(r.resourceNames ?? [])}`);
  if ((r.verbs ?? []).length > 0) parts.push(`Verbs:${goQuoteList(r.verbs ?? [])}`);
  return `{${parts.join(', ')}}`;
}
