// The Pod Security Standards as a table: for each policy version v1.0 up to
// the newest version any check changed at, the ordered checks of each
// level. Restricted runs the baseline checks it does not override, then its
// own; within a level checks run in ID order, so messages are stable.
// Versions newer than the table (and "latest") use its last row.

import { allowPrivilegeEscalationCheck, capabilitiesBaseline, capabilitiesRestrictedCheck, privileged } from './checks/privilege.ts';
import type { Check, CheckPodFn, VersionedCheck } from './checks/check.ts';
import { hostNamespaces, hostPorts, windowsHostProcess } from './checks/host.ts';
import { runAsNonRoot, runAsUser } from './checks/identity.ts';
import { appArmor, procMount, seLinux } from './checks/profiles.ts';
import { seccompProfileBaseline, seccompProfileRestricted } from './checks/seccomp.ts';
import { sysctls } from './checks/sysctls.ts';
import { hostPathVolumes, restrictedVolumes } from './checks/volumes.ts';
import { type LevelVersion, parseLevelVersion } from './level-version.ts';
import { type PodMetaView, type PodSpecView, toPodMeta, toPodSpec } from './pod-spec.ts';

export const DEFAULT_CHECKS: readonly Check[] = [
  appArmor, capabilitiesBaseline, hostNamespaces, hostPathVolumes, hostPorts, privileged, procMount, seLinux,
  seccompProfileBaseline, sysctls, windowsHostProcess,
  allowPrivilegeEscalationCheck, capabilitiesRestrictedCheck, restrictedVolumes, runAsNonRoot, runAsUser,
  seccompProfileRestricted,
];

export interface EvaluationResult {
  readonly allowed: boolean;
  /** One per failed check, in check order. */
  readonly forbiddenReasons: readonly string[];
  /** Same length as forbiddenReasons; "" where a check gives no detail. */
  readonly forbiddenDetails: readonly string[];
}

interface Table {
  readonly maxMinor: number;
  readonly baseline: readonly (readonly CheckPodFn[])[];
  readonly restricted: readonly (readonly CheckPodFn[])[];
}

/** The version of `check` in force at `minor`, if the check exists yet. */
function versionAt(check: Check, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) if (v.minimumVersion <= minor) found = v;
  return found;
}

function assertValid(checks: readonly Check[]): void {
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw new Error(`assertion failed: check ${c.id} registered twice`);
    ids.add(c.id);
    let last = -1;
    for (const v of c.versions) {
      if (v.minimumVersion <= last) throw new Error(`assertion failed: check ${c.id}: versions must be strictly increasing`);
      last = v.minimumVersion;
      for (const o of v.overrides ?? []) {
        const target = checks.find((t) => t.id === o);
        if (c.level !== 'restricted' || target?.level !== 'baseline') throw new Error(`assertion failed: check ${c.id} overrides ${o}`);
      }
    }
  }
}

export function buildTable(checks: readonly Check[]): Table {
  assertValid(checks);
  const maxMinor = Math.max(0, ...checks.flatMap((c) => c.versions.map((v) => v.minimumVersion)));
  const byId = (a: Check, b: Check): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const baselineChecks = checks.filter((c) => c.level === 'baseline').sort(byId);
  const restrictedChecks = checks.filter((c) => c.level === 'restricted').sort(byId);
  const baseline: CheckPodFn[][] = [];
  const restricted: CheckPodFn[][] = [];
  for (let minor = 0; minor <= maxMinor; minor++) {
    const ownRestricted = restrictedChecks.flatMap((c) => {
      const v = versionAt(c, minor);
      return v === undefined ? [] : [v];
    });
    const overridden = new Set(ownRestricted.flatMap((v) => v.overrides ?? []));
    const b = baselineChecks.flatMap((c) => {
      const v = versionAt(c, minor);
      return v === undefined ? [] : [{ id: c.id, fn: v.checkPod }];
    });
    baseline.push(b.map((x) => x.fn));
    restricted.push([...b.filter((x) => !overridden.has(x.id)).map((x) => x.fn), ...ownRestricted.map((v) => v.checkPod)]);
  }
  return { maxMinor, baseline, restricted };
}

const DEFAULT_TABLE = buildTable(DEFAULT_CHECKS);

/** The checks to run for a level and version; none for privileged. */
function checksFor(table: Table, lv: LevelVersion): readonly CheckPodFn[] {
  if (lv.level === 'privileged') return [];
  const minor = lv.version === 'latest' ? table.maxMinor : Math.min(lv.version, table.maxMinor);
  const row = (lv.level === 'baseline' ? table.baseline : table.restricted)[minor];
  if (row === undefined) throw new Error(`assertion failed: no checks for minor ${minor}`);
  return row;
}

/** Runs the checks on an already decoded pod. */
export function evaluateDecoded(lv: LevelVersion, meta: PodMetaView, spec: PodSpecView): EvaluationResult {
  const forbiddenReasons: string[] = [];
  const forbiddenDetails: string[] = [];
  for (const check of checksFor(DEFAULT_TABLE, lv)) {
    const v = check(meta, spec);
    if (v === undefined) continue;
    forbiddenReasons.push(v.reason === '' ? 'unknown forbidden reason' : v.reason);
    forbiddenDetails.push(v.detail);
  }
  return { allowed: forbiddenReasons.length === 0, forbiddenReasons, forbiddenDetails };
}

/**
 * Evaluates a pod's (or pod template's) metadata and spec, as JSON, against a
 * level and version ("restricted:v1.25" or a LevelVersion).
 */
export function evaluatePod(levelVersion: LevelVersion | string, podMeta: unknown, podSpec: unknown): EvaluationResult {
  const lv = typeof levelVersion === 'string' ? parseLevelVersion(levelVersion) : levelVersion;
  return evaluateDecoded(lv, toPodMeta(podMeta), toPodSpec(podSpec));
}

/** kube's ForbiddenReason(): the reasons, comma-separated (used per pod when checking a namespace). */
export function forbiddenReason(r: EvaluationResult): string {
  return r.forbiddenReasons.join(', ');
}

/** kube's ForbiddenDetail(): each reason with its detail in parentheses. */
export function forbiddenDetail(r: EvaluationResult): string {
  return r.forbiddenReasons.map((reason, i) => {
    const d = r.forbiddenDetails[i] ?? '';
    return d === '' ? reason : `${reason} (${d})`;
  }).join(', ');
}
