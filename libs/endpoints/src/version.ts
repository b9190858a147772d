// `/version`: kube's version.Info. The numbers matter beyond display: the
// gcloud kubectl dispatcher picks the kubectl binary whose minor matches
// `minor`, and kubectl warns on skew from `gitVersion`.

import type { ResponseSink } from './http-types.ts';

/** version.Info, fields in kube's JSON order; all strings. */
export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly emulationMajor?: string;
  readonly emulationMinor?: string;
  readonly minCompatibilityMajor?: string;
  readonly minCompatibilityMinor?: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

export interface VersionInput {
  /** `v1.33.0`; major and minor are derived from it. */
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: 'clean' | 'dirty' | '';
  /** RFC 3339, e.g. `2025-04-23T13:07:43Z`. */
  readonly buildDate: string;
  /** e.g. `linux/amd64`. */
  readonly platform: string;
  /** Reported where kube reports the Go toolchain; e.g. `node24.1.0`. */
  readonly goVersion: string;
  readonly compiler: string;
  /** Adds emulation/minCompatibility fields (kube 1.33+): compatibility is one minor back. */
  readonly withCompatibility?: boolean;
}

const GIT_VERSION = /^v(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/;

/** Builds version.Info; throws RangeError for a gitVersion that is not `vMAJOR.MINOR.PATCH[-pre][+build]`. */
export function versionInfo(input: VersionInput): VersionInfo {
  const m = GIT_VERSION.exec(input.gitVersion);
  if (m === null) throw new RangeError(`versionInfo: gitVersion ${JSON.stringify(input.gitVersion)} is not vMAJOR.MINOR.PATCH`);
  const major = m[1] ?? '';
  const minor = m[2] ?? '';
  const base = { major, minor };
  const compat = input.withCompatibility === true
    ? { emulationMajor: major, emulationMinor: minor, minCompatibilityMajor: major, minCompatibilityMinor: String(Math.max(0, Number(minor) - 1)) }
    : {};
  return {
    ...base,
    ...compat,
    gitVersion: input.gitVersion,
    gitCommit: input.gitCommit,
    gitTreeState: input.gitTreeState,
    buildDate: input.buildDate,
    goVersion: input.goVersion,
    compiler: input.compiler,
    platform: input.platform,
  };
}

/** 200 application/json, 2-space indented as kube's WriteRawJSON writes it. */
export function serveVersion(res: ResponseSink, info: VersionInfo): void {
  const body = JSON.stringify(info, null, 2);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  res.end(Buffer.from(body, 'utf8'));
}
