// Policy levels and versions as the pod-security.kubernetes.io labels spell
// them. A version is "latest" or "v1.<minor>"; checks are registered against
// the minor at which their behaviour changed.

import { PodSecurityError } from './errors.ts';

export const LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type Level = (typeof LEVELS)[number];

/** 'latest', or the minor of a v1.<minor> policy version. */
export type PolicyVersion = 'latest' | number;

export interface LevelVersion {
  readonly level: Level;
  readonly version: PolicyVersion;
}

export const LEVEL_ERROR = `must be one of ${LEVELS.join(', ')}`;
export const VERSION_ERROR = 'must be "latest" or "v1.x"';

export function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

// kube's pattern: no leading zeros, major fixed at 1.
const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

/** The version, or undefined when the string is neither "latest" nor "v1.x". */
export function parseVersion(s: string): PolicyVersion | undefined {
  if (s === 'latest') return 'latest';
  const m = VERSION_RE.exec(s);
  if (m === null || m[1] === undefined) return undefined;
  const minor = Number(m[1]);
  // Go's Atoi fails past int64; any such label is nonsense, so refuse it rather than lose precision.
  return Number.isSafeInteger(minor) ? minor : undefined;
}

export function formatVersion(v: PolicyVersion): string {
  return v === 'latest' ? 'latest' : `v1.${v}`;
}

export function formatLevelVersion(lv: LevelVersion): string {
  return `${lv.level}:${formatVersion(lv.version)}`;
}

/** "restricted:v1.25" → LevelVersion; throws PodSecurityError on anything else. */
export function parseLevelVersion(s: string): LevelVersion {
  const i = s.indexOf(':');
  const level = i < 0 ? s : s.slice(0, i);
  const version = i < 0 ? 'latest' : parseVersion(s.slice(i + 1));
  if (!isLevel(level) || version === undefined) {
    throw new PodSecurityError('InvalidLevelVersion', `invalid PodSecurity level:version ${JSON.stringify(s)}: level ${LEVEL_ERROR}; version ${VERSION_ERROR}`);
  }
  return { level, version };
}

/** True when a is an older policy version than b; latest is newer than every numbered version. */
export function versionOlder(a: PolicyVersion, b: PolicyVersion): boolean {
  if (a === 'latest') return false;
  if (b === 'latest') return true;
  return a < b;
}

/** -1, 0 or 1 as a is less, equally or more strict than b. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.version === b.version;
}
