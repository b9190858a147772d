// The PodSecurityConfiguration (pod-security.admission.config.k8s.io v1,
// v1beta1 or v1alpha1) from the admission config file, already parsed from
// YAML/JSON by the caller. Empty defaults become privileged/latest, as
// kube's defaulting does; every problem is reported at once.

import { FieldPath, aggregateMessage, field, isDNS1123Label, isDNS1123Subdomain, type FieldError } from '@logbook/apimachinery';
import { PodSecurityError } from './errors.ts';
import { LEVEL_ERROR, VERSION_ERROR, isLevel, parseVersion, type Level, type PolicyVersion } from './level-version.ts';
import type { Policy } from './policy.ts';

export const CONFIG_GROUP = 'pod-security.admission.config.k8s.io';
export const CONFIG_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;

export interface PodSecurityConfiguration {
  readonly defaults: Policy;
  readonly exemptions: {
    readonly usernames: readonly string[];
    readonly namespaces: readonly string[];
    readonly runtimeClasses: readonly string[];
  };
}

/** The configuration kube-apiserver runs with when none is given: everything privileged, nothing exempt. */
export const DEFAULT_CONFIGURATION: PodSecurityConfiguration = {
  defaults: {
    enforce: { level: 'privileged', version: 'latest' },
    audit: { level: 'privileged', version: 'latest' },
    warn: { level: 'privileged', version: 'latest' },
  },
  exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
};

function fail(message: string): never {
  throw new PodSecurityError('InvalidConfiguration', `PodSecurity invalid: ${message}`);
}

function record(v: unknown, what: string): Readonly<Record<string, unknown>> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Readonly<Record<string, unknown>>;
}

function stringList(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(`${what} must be a list of strings`);
  return v as string[];
}

/** Validates names in a list: each valid per `check`, none twice. */
function validateList(items: readonly string[], path: FieldPath, check: (s: string) => string[], errs: FieldError[]): void {
  const seen = new Set<string>();
  items.forEach((s, i) => {
    const problems = check(s);
    if (problems.length > 0) errs.push(field.invalid(path.index(i), s, problems.join(', ')));
    else if (seen.has(s)) errs.push(field.duplicate(path.index(i), s));
    else seen.add(s);
  });
}

export function parsePodSecurityConfiguration(obj: unknown): PodSecurityConfiguration {
  if (obj === undefined || obj === null) return DEFAULT_CONFIGURATION;
  const top = record(obj, 'configuration');
  const apiVersion = top['apiVersion'];
  const known = CONFIG_VERSIONS.map((v) => `${CONFIG_GROUP}/${v}`);
  if (typeof apiVersion !== 'string' || !known.includes(apiVersion)) {
    fail(`apiVersion must be one of ${known.join(', ')}, got ${JSON.stringify(apiVersion ?? null)}`);
  }
  if (top['kind'] !== 'PodSecurityConfiguration') fail(`expected kind PodSecurityConfiguration, got ${JSON.stringify(top['kind'] ?? null)}`);
  const d = record(top['defaults'], 'defaults');
  const e = record(top['exemptions'], 'exemptions');
  const errs: FieldError[] = [];
  const level = (key: string): Level => {
    const v = d[key] ?? '';
    if (typeof v !== 'string') fail(`defaults.${key} must be a string`);
    if (v === '') return 'privileged';
    if (isLevel(v)) return v;
    errs.push(field.invalid(FieldPath.root('defaults', key), v, LEVEL_ERROR));
    return 'restricted';
  };
  const version = (key: string): PolicyVersion => {
    const v = d[key] ?? '';
    if (typeof v !== 'string') fail(`defaults.${key} must be a string`);
    if (v === '') return 'latest';
    const parsed = parseVersion(v);
    if (parsed === undefined) errs.push(field.invalid(FieldPath.root('defaults', key), v, VERSION_ERROR));
    return parsed ?? 'latest';
  };
  const enforce = { level: level('enforce'), version: version('enforce-version') };
  const warn = { level: level('warn'), version: version('warn-version') };
  const audit = { level: level('audit'), version: version('audit-version') };
  const namespaces = stringList(e['namespaces'], 'exemptions.namespaces');
  const runtimeClasses = stringList(e['runtimeClasses'], 'exemptions.runtimeClasses');
  const usernames = stringList(e['usernames'], 'exemptions.usernames');
  validateList(namespaces, FieldPath.root('exemptions', 'namespaces'), isDNS1123Label, errs);
  validateList(runtimeClasses, FieldPath.root('exemptions', 'runtimeClasses'), isDNS1123Subdomain, errs);
  validateList(usernames, FieldPath.root('exemptions', 'usernames'), (s) => (s === '' ? ['username must not be empty'] : []), errs);
  const agg = aggregateMessage(errs);
  if (agg !== undefined) fail(agg);
  return { defaults: { enforce, audit, warn }, exemptions: { usernames, namespaces, runtimeClasses } };
}
