// The PodSecurity admission plugin (validating phase), as kube-apiserver
// 1.33 runs it: pods are refused under the namespace's enforce level;
// workload resources with a pod template get only warnings and audit
// annotations; namespace writes have their labels validated and, when the
// enforce level is raised, a dry run against the pods already there.

import type { ObjectReader } from '@logbook/admission';
import { aggregateMessage, badRequest, forbidden, goQuote, internalError, invalid, type FieldError } from '@logbook/apimachinery';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { parsePodSecurityConfiguration } from './configuration.ts';
import { evaluateDecoded, forbiddenDetail } from './evaluator.ts';
import { type LevelVersion, compareLevels, formatLevelVersion, sameLevelVersion } from './level-version.ts';
import { evaluatePodsInNamespace } from './namespace-pods.ts';
import { exemptNamespaceWarning } from './exempt-warning.ts';
import { isSignificantPodUpdate } from './pod-update.ts';
import { type PodMetaView, type PodSpecView, toPodMeta, toPodSpec } from './pod-spec.ts';
import { LABEL_PREFIX, type Policy, fullyPrivileged, labelsOf, policyToEvaluate } from './policy.ts';
import { templateOf, POD_TEMPLATE_RESOURCES } from './templates.ts';

export const PLUGIN_NAME = 'PodSecurity';

export interface PodSecurityOptions {
  readonly reader: ObjectReader;
  /** The PodSecurityConfiguration object as decoded from the admission config file; absent = kube's defaults. */
  readonly config?: unknown;
  /** Milliseconds; bounds the namespace dry run. Defaults to performance.now. */
  readonly clock?: () => number;
}

// Pod subresources that cannot change the pod spec. Anything else (e.g.
// ephemeralcontainers, resize) carries a Pod and is evaluated.
const IGNORED_POD_SUBRESOURCES = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

const ANNOTATION = {
  exempt: `${LABEL_PREFIX}exempt`,
  enforcePolicy: `${LABEL_PREFIX}enforce-policy`,
  auditViolations: `${LABEL_PREFIX}audit-violations`,
  error: `${LABEL_PREFIX}error`,
} as const;

export function podSecurityAdmission(opts: PodSecurityOptions): AdmissionPlugin {
  const config = parsePodSecurityConfiguration(opts.config);
  const clock = opts.clock ?? (() => performance.now());
  const defaults = config.defaults;
  const exemptNamespace = (ns: string): boolean => ns !== '' && config.exemptions.namespaces.includes(ns);
  const exemptUser = (u: string): boolean => u !== '' && config.exemptions.usernames.includes(u);
  const exemptRuntimeClass = (rc: string): boolean => rc !== '' && config.exemptions.runtimeClasses.includes(rc);

  async function namespacePolicy(attrs: AdmissionAttributes, signal: AbortSignal | undefined) {
    const ns = await opts.reader.get({ group: '', resource: 'namespaces' }, '', attrs.namespace, signal);
    return ns === undefined ? undefined : policyToEvaluate(labelsOf(ns.metadata), defaults);
  }

  /** Exemptions by namespace and user; true when the request is exempt (and annotated so). */
  function exempt(attrs: AdmissionAttributes): boolean {
    if (exemptNamespace(attrs.namespace)) attrs.addAuditAnnotation(ANNOTATION.exempt, 'namespace');
    else if (exemptUser(attrs.ctx?.user ?? '')) attrs.addAuditAnnotation(ANNOTATION.exempt, 'user');
    else return false;
    return true;
  }

  function evaluate(attrs: AdmissionAttributes, policy: Policy, policyErrs: readonly FieldError[], meta: PodMetaView, spec: PodSpecView, enforce: boolean): void {
    if (exemptRuntimeClass(spec.runtimeClassName)) {
      attrs.addAuditAnnotation(ANNOTATION.exempt, 'runtimeClass');
      return;
    }
    const agg = aggregateMessage(policyErrs);
    if (agg !== undefined) attrs.addAuditAnnotation(ANNOTATION.error, `Failed to parse policy: ${agg}`);
    // Each distinct level:version is evaluated once per request.
    const cache = new Map<string, ReturnType<typeof evaluateDecoded>>();
    const run = (lv: LevelVersion) => {
      const key = formatLevelVersion(lv);
      let r = cache.get(key);
      if (r === undefined) cache.set(key, (r = evaluateDecoded(lv, meta, spec)));
      return r;
    };
    let refusal: Error | undefined;
    if (enforce) {
      attrs.addAuditAnnotation(ANNOTATION.enforcePolicy, formatLevelVersion(policy.enforce));
      const r = run(policy.enforce);
      if (!r.allowed) {
        refusal = forbidden({ group: attrs.group, resource: attrs.resource }, attrs.name,
          new Error(`violates PodSecurity ${goQuote(formatLevelVersion(policy.enforce))}: ${forbiddenDetail(r)}`));
      }
    }
    const audit = run(policy.audit);
    if (!audit.allowed) {
      attrs.addAuditAnnotation(ANNOTATION.auditViolations, `would violate PodSecurity ${goQuote(formatLevelVersion(policy.audit))}: ${forbiddenDetail(audit)}`);
    }
    // A request about to be refused gets the error, not warnings as well.
    if (refusal !== undefined) throw refusal;
    const warn = run(policy.warn);
    if (!warn.allowed) attrs.addWarning(`would violate PodSecurity ${goQuote(formatLevelVersion(policy.warn))}: ${forbiddenDetail(warn)}`);
  }

  async function validatePod(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<void> {
    if (IGNORED_POD_SUBRESOURCES.has(attrs.subresource)) return;
    if (exempt(attrs)) return;
    const found = await namespacePolicy(attrs, signal);
    if (found === undefined) throw internalError(new Error(`failed to lookup namespace ${goQuote(attrs.namespace)}`));
    const { policy, errors } = found;
    if (errors.length === 0 && fullyPrivileged(policy)) {
      attrs.addAuditAnnotation(ANNOTATION.enforcePolicy, 'privileged:latest');
      return;
    }
    if (attrs.operation === 'UPDATE') {
      if (attrs.oldObject === undefined) throw badRequest('failed to decode old object');
      if (!isSignificantPodUpdate(attrs.object['spec'], attrs.oldObject['spec'])) return;
    }
    evaluate(attrs, policy, errors, toPodMeta(attrs.object.metadata), toPodSpec(attrs.object['spec']), true);
  }

  async function validateTemplate(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<void> {
    if (attrs.subresource !== '') return;
    if (exempt(attrs)) return;
    const found = await namespacePolicy(attrs, signal);
    if (found === undefined) {
      // Workloads are never refused by PodSecurity; the failure is only recorded.
      attrs.addAuditAnnotation(ANNOTATION.error, `failed to lookup namespace ${goQuote(attrs.namespace)}: namespaces ${goQuote(attrs.namespace)} not found`);
      return;
    }
    const { policy, errors } = found;
    if (errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const template = templateOf(attrs.resource, attrs.object);
    if (template === undefined) return;
    evaluate(attrs, policy, errors, toPodMeta(template.metadata), toPodSpec(template.spec), false);
  }

  async function validateNamespace(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<void> {
    if (attrs.subresource !== '') return;
    const labels = labelsOf(attrs.object.metadata);
    const { policy, errors } = policyToEvaluate(labels, defaults);
    const refuse = (errs: readonly FieldError[]) => invalid({ group: attrs.group, kind: attrs.kind }, attrs.name, errs);
    const exemptWarning = (): void => {
      const w = exemptNamespaceWarning(attrs.name, policy, defaults, labels);
      if (w !== '') attrs.addWarning(w);
    };
    if (attrs.operation === 'CREATE') {
      if (errors.length > 0) throw refuse(errors);
      if (exemptNamespace(attrs.namespace)) exemptWarning();
      return;
    }
    if (attrs.oldObject === undefined) throw badRequest('failed to decode  old object');
    const old = policyToEvaluate(labelsOf(attrs.oldObject.metadata), defaults);
    // Labels that were already invalid the same way do not block unrelated updates.
    const same = old.errors.length > 0 && old.errors.map(String).join('\n') === errors.map(String).join('\n');
    if (errors.length > 0 && !same) throw refuse(errors);
    const next = policy.enforce;
    const prev = old.policy.enforce;
    if (sameLevelVersion(next, prev) || next.level === 'privileged') return;
    if (next.version === prev.version && compareLevels(next.level, prev.level) < 1) return;
    if (exemptNamespace(attrs.namespace)) {
      exemptWarning();
      return;
    }
    const warnings = await evaluatePodsInNamespace(attrs.name, next, {
      reader: opts.reader, now: clock, isExemptRuntimeClass: exemptRuntimeClass, ...(signal !== undefined ? { signal } : {}),
    });
    for (const w of warnings) attrs.addWarning(w);
  }

  return {
    name: PLUGIN_NAME,
    async validate(attrs, signal) {
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      if (attrs.group === '' && attrs.resource === 'pods') return validatePod(attrs, signal);
      if (attrs.group === '' && attrs.resource === 'namespaces') return validateNamespace(attrs, signal);
      if (POD_TEMPLATE_RESOURCES.has(`${attrs.group}/${attrs.resource}`)) return validateTemplate(attrs, signal);
    },
  };
}
