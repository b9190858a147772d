// audit.k8s.io/v1 Policy: decoding (YAML or JSON) and kube's validation.
// A policy is parsed once at startup; everything after works on the frozen,
// normalised form (missing lists become empty, policy-wide omitStages are
// merged into each rule as kube's checker does).

import { parse as parseYaml } from 'yaml';
import { FieldPath, field, isDNS1123Subdomain } from '@logbook/apimachinery';
import type { FieldError } from '@logbook/apimachinery';
import { AuditPolicyError } from './errors.ts';
import { AUDIT_LEVELS, AUDIT_STAGES } from './types.ts';
import type { AuditLevel, AuditStage } from './types.ts';

export interface GroupResources {
  /** "" is the core group. */
  readonly group: string;
  /** Empty: every resource of the group. `x/*`, `*\/y`, `*` are wildcards. */
  readonly resources: readonly string[];
  /** Empty: any name. */
  readonly resourceNames: readonly string[];
}

export interface PolicyRule {
  readonly level: AuditLevel;
  readonly users: readonly string[];
  readonly userGroups: readonly string[];
  readonly verbs: readonly string[];
  readonly resources: readonly GroupResources[];
  /** "" matches cluster-scoped requests. */
  readonly namespaces: readonly string[];
  readonly nonResourceURLs: readonly string[];
  /** The rule's own stages united with the policy's. */
  readonly omitStages: readonly AuditStage[];
  /** Absent: the policy's setting applies. */
  readonly omitManagedFields?: boolean;
}

export interface AuditPolicy {
  readonly rules: readonly PolicyRule[];
  readonly omitStages: readonly AuditStage[];
  readonly omitManagedFields: boolean;
}

const POLICY_API_VERSION = 'audit.k8s.io/v1';

type Obj = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes a string list; null/absent is empty, as Go's decoder leaves a nil slice. */
function stringList(v: unknown, path: FieldPath, errs: FieldError[]): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(field.typeInvalid(path, v, 'must be a list of strings'));
    return [];
  }
  const out: string[] = [];
  v.forEach((item: unknown, i) => {
    if (typeof item === 'string') out.push(item);
    else errs.push(field.typeInvalid(path.index(i), item, 'must be a string'));
  });
  return out;
}

function optionalBool(v: unknown, path: FieldPath, errs: FieldError[]): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  errs.push(field.typeInvalid(path, v, 'must be a boolean'));
  return undefined;
}

function stages(v: unknown, path: FieldPath, errs: FieldError[]): AuditStage[] {
  const out: AuditStage[] = [];
  stringList(v, path, errs).forEach((s, i) => {
    if ((AUDIT_STAGES as readonly string[]).includes(s)) out.push(s as AuditStage);
    else errs.push(field.invalid(path.index(i), s, `allowed stages are ${AUDIT_STAGES.join(',')}`));
  });
  return out;
}

function groupResources(v: unknown, path: FieldPath, errs: FieldError[]): GroupResources[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errs.push(field.typeInvalid(path, v, 'must be a list of group resources'));
    return [];
  }
  return v.map((raw: unknown, i): GroupResources => {
    const p = path.index(i);
    if (!isObject(raw)) {
      errs.push(field.typeInvalid(p, raw, 'must be an object'));
      return { group: '', resources: [], resourceNames: [] };
    }
    let group = '';
    if (typeof raw['group'] === 'string') group = raw['group'];
    else if (raw['group'] !== undefined && raw['group'] !== null) errs.push(field.typeInvalid(p.child('group'), raw['group'], 'must be a string'));
    // Group names must be lower case and valid DNS subdomains.
    if (group.length > 0) for (const msg of isDNS1123Subdomain(group)) errs.push(field.invalid(p.child('group'), group, msg));
    const resources = stringList(raw['resources'], p.child('resources'), errs);
    const resourceNames = stringList(raw['resourceNames'], p.child('resourceNames'), errs);
    if (resourceNames.length > 0 && resources.length === 0) {
      errs.push(field.invalid(p.child('resourceNames'), resourceNames, 'using resourceNames requires at least one resource'));
    }
    return { group, resources, resourceNames };
  });
}

function nonResourceURLs(v: unknown, path: FieldPath, errs: FieldError[]): string[] {
  const urls = stringList(v, path, errs);
  urls.forEach((url, i) => {
    if (url === '*') return;
    if (!url.startsWith('/')) errs.push(field.invalid(path.index(i), url, "non-resource URL rules must begin with a '/' character"));
    if (url !== '' && url.slice(0, -1).includes('*')) {
      errs.push(field.invalid(path.index(i), url, "non-resource URL wildcards '*' must be the final character of the rule"));
    }
  });
  return urls;
}

function union(a: readonly AuditStage[], b: readonly AuditStage[]): AuditStage[] {
  return AUDIT_STAGES.filter((s) => a.includes(s) || b.includes(s));
}

function rule(raw: unknown, path: FieldPath, policyOmit: readonly AuditStage[], errs: FieldError[]): PolicyRule | undefined {
  if (!isObject(raw)) {
    errs.push(field.typeInvalid(path, raw, 'must be an object'));
    return undefined;
  }
  const levelRaw = raw['level'];
  let level: AuditLevel = 'None';
  if (typeof levelRaw === 'string' && (AUDIT_LEVELS as readonly string[]).includes(levelRaw)) level = levelRaw as AuditLevel;
  else errs.push(field.notSupported(path.child('level'), typeof levelRaw === 'string' ? levelRaw : levelRaw ?? '', AUDIT_LEVELS));
  const resources = groupResources(raw['resources'], path.child('resources'), errs);
  const namespaces = stringList(raw['namespaces'], path.child('namespaces'), errs);
  const urls = nonResourceURLs(raw['nonResourceURLs'], path.child('nonResourceURLs'), errs);
  if (urls.length > 0 && (resources.length > 0 || namespaces.length > 0)) {
    errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
  }
  const omitManagedFields = optionalBool(raw['omitManagedFields'], path.child('omitManagedFields'), errs);
  return {
    level,
    users: stringList(raw['users'], path.child('users'), errs),
    userGroups: stringList(raw['userGroups'], path.child('userGroups'), errs),
    verbs: stringList(raw['verbs'], path.child('verbs'), errs),
    resources,
    namespaces,
    nonResourceURLs: urls,
    omitStages: union(stages(raw['omitStages'], path.child('omitStages'), errs), policyOmit),
    ...(omitManagedFields === undefined ? {} : { omitManagedFields }),
  };
}

/**
 * Parses an audit.k8s.io/v1 Policy from YAML or JSON and validates it as
 * kube-apiserver does at startup. Throws AuditPolicyError listing every
 * problem, each naming its field (`rules[2].level: Unsupported value: ...`).
 */
export function parseAuditPolicy(text: string): AuditPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err: unknown) {
    throw new AuditPolicyError([`failed decoding: ${err instanceof Error ? err.message : String(err)}`], { cause: err });
  }
  if (!isObject(doc)) throw new AuditPolicyError(['failed decoding: the policy must be an object']);
  if (doc['kind'] !== 'Policy' || doc['apiVersion'] !== POLICY_API_VERSION) {
    const kind = typeof doc['kind'] === 'string' ? doc['kind'] : '';
    const apiVersion = typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : '';
    throw new AuditPolicyError([`failed decoding: expected kind "Policy" and apiVersion "${POLICY_API_VERSION}", got kind "${kind}" and apiVersion "${apiVersion}"`]);
  }
  const errs: FieldError[] = [];
  const omitStages = stages(doc['omitStages'], FieldPath.root('omitStages'), errs);
  const omitManagedFields = optionalBool(doc['omitManagedFields'], FieldPath.root('omitManagedFields'), errs) ?? false;
  const rulesRaw = doc['rules'];
  const rules: PolicyRule[] = [];
  if (Array.isArray(rulesRaw)) {
    rulesRaw.forEach((r: unknown, i) => {
      const parsed = rule(r, FieldPath.root('rules').index(i), omitStages, errs);
      if (parsed !== undefined) rules.push(parsed);
    });
  } else if (rulesRaw !== undefined && rulesRaw !== null) {
    errs.push(field.typeInvalid(FieldPath.root('rules'), rulesRaw, 'must be a list of rules'));
  }
  if (errs.length > 0) throw new AuditPolicyError(errs.map((e) => e.message()));
  // kube refuses an empty policy rather than silently auditing nothing.
  if (rules.length === 0) throw new AuditPolicyError(['loaded illegal policy with 0 rules']);
  return deepFreeze({ rules, omitStages, omitManagedFields });
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
