// A namespace's effective policy: its pod-security.kubernetes.io labels
// over the configured defaults. Parsing never fails outright: a bad enforce
// label enforces restricted:latest (fail closed), a bad audit or warn level
// turns that mode off (fail open), and the errors are returned for the
// caller to refuse the namespace write or annotate the pod's audit event.

import { FieldPath, field, type FieldError } from '@logbook/apimachinery';
import {
  type Level, type LevelVersion, type PolicyVersion, LEVEL_ERROR, VERSION_ERROR, compareLevels,
  isLevel, parseVersion, sameLevelVersion,
} from './level-version.ts';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const ENFORCE_LEVEL_LABEL = `${LABEL_PREFIX}enforce`;
export const ENFORCE_VERSION_LABEL = `${LABEL_PREFIX}enforce-version`;
export const AUDIT_LEVEL_LABEL = `${LABEL_PREFIX}audit`;
export const AUDIT_VERSION_LABEL = `${LABEL_PREFIX}audit-version`;
export const WARN_LEVEL_LABEL = `${LABEL_PREFIX}warn`;
export const WARN_VERSION_LABEL = `${LABEL_PREFIX}warn-version`;

export interface Policy {
  readonly enforce: LevelVersion;
  readonly audit: LevelVersion;
  readonly warn: LevelVersion;
}

export const PRIVILEGED_POLICY: Policy = {
  enforce: { level: 'privileged', version: 'latest' },
  audit: { level: 'privileged', version: 'latest' },
  warn: { level: 'privileged', version: 'latest' },
};

const labelsPath = FieldPath.root('metadata', 'labels');

/** Labels of an object's metadata as a map; non-string values are ignored (validation refuses them). */
export function labelsOf(metadata: unknown): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (typeof metadata !== 'object' || metadata === null) return out;
  const labels = (metadata as Record<string, unknown>)['labels'];
  if (typeof labels !== 'object' || labels === null) return out;
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out.set(k, v);
  return out;
}

export function policyToEvaluate(labels: ReadonlyMap<string, string>, defaults: Policy): { policy: Policy; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const level = (label: string, fallback: Level): Level | undefined => {
    const v = labels.get(label);
    if (v === undefined) return undefined;
    if (isLevel(v)) return v;
    errors.push(field.invalid(labelsPath.key(label), v, LEVEL_ERROR));
    return fallback;
  };
  const version = (label: string): PolicyVersion | undefined => {
    const v = labels.get(label);
    if (v === undefined) return undefined;
    const parsed = parseVersion(v);
    if (parsed !== undefined) return parsed;
    errors.push(field.invalid(labelsPath.key(label), v, VERSION_ERROR));
    return 'latest';
  };
  const rawEnforce = labels.get(ENFORCE_LEVEL_LABEL);
  const enforceLevel = level(ENFORCE_LEVEL_LABEL, 'restricted');
  const enforceVersion = version(ENFORCE_VERSION_LABEL);
  const auditLevel = level(AUDIT_LEVEL_LABEL, 'privileged');
  const auditVersion = version(AUDIT_VERSION_LABEL);
  const warnLevel = level(WARN_LEVEL_LABEL, 'privileged');
  const warnVersion = version(WARN_VERSION_LABEL);
  const enforce: LevelVersion = { level: enforceLevel ?? defaults.enforce.level, version: enforceVersion ?? defaults.enforce.version };
  const audit: LevelVersion = { level: auditLevel ?? defaults.audit.level, version: auditVersion ?? defaults.audit.version };
  let warn: LevelVersion = { level: warnLevel ?? defaults.warn.level, version: warnVersion ?? defaults.warn.version };
  // Warn follows an explicitly stricter enforce label, so `kubectl label` of
  // enforce alone also warns clients about what it now refuses.
  const hasValidEnforce = rawEnforce !== undefined && isLevel(rawEnforce);
  if (warnLevel === undefined && hasValidEnforce && compareLevels(enforce.level, warn.level) > 0) {
    warn = { level: enforce.level, version: warnVersion ?? enforce.version };
  }
  return { policy: { enforce, audit, warn }, errors };
}

export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged';
}

/** Both privileged, or the same level and version. */
export function equivalentLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return (a.level === 'privileged' && b.level === 'privileged') || sameLevelVersion(a, b);
}

export function equivalentPolicy(a: Policy, b: Policy): boolean {
  return equivalentLevelVersion(a.enforce, b.enforce) && equivalentLevelVersion(a.audit, b.audit) && equivalentLevelVersion(a.warn, b.warn);
}
