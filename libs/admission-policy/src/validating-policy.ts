// The ValidatingAdmissionPolicy admission plugin (kube's validating policy
// dispatcher): every policy whose matchConstraints select the request, every
// binding of it whose matchResources also do, once per param; failed
// validations act as the binding says (Deny / Warn / Audit), and the first
// denial refuses the request with kube's message, reason and code.

import { failure, forbidden, type StatusReason } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import type { ObjectReader } from '@logbook/admission';
import { admissionRequestFrom } from './cel/admission-request.ts';
import { CompiledPolicy, type Decision } from './compiled-policy.ts';
import { matchResourcesMatch } from './match-resources.ts';
import { collectParams, defaultParamKindResolver, type ParamKindResolver } from './params.ts';
import { decodeBinding, decodePolicy, type BindingSpec, type PolicySpec } from './policy-spec.ts';

export const VALIDATING_ADMISSION_POLICY_PLUGIN = 'ValidatingAdmissionPolicy';
export const VALIDATION_FAILURE_ANNOTATION = 'validation.policy.admission.k8s.io/validation_failure';
const MAX_AUDIT_ANNOTATION_VALUE_LENGTH = 10 * 1024;

export interface ValidatingPolicySource {
  readonly policies: readonly KubeObject[];
  readonly bindings: readonly KubeObject[];
}

export interface ValidatingAdmissionPolicyOptions {
  /** The current policies and bindings (from the watch caches). */
  readonly policies: () => ValidatingPolicySource;
  /** Namespaces and params. */
  readonly reader: ObjectReader;
  /** Maps a paramKind to its resource; defaults to core kinds plus a plural guess. */
  readonly resolveParamKind?: ParamKindResolver;
}

interface Denial {
  readonly policy: string;
  readonly binding: string | undefined;
  readonly message: string;
  readonly reason: string | undefined;
}

/** kube's reasonToCode for the reasons a validation may name. */
function codeFor(reason: StatusReason): number {
  switch (reason) {
    case 'Forbidden': return 403;
    case 'Unauthorized': return 401;
    case 'RequestEntityTooLarge': return 413;
    default: return 422;
  }
}

const REASONS: ReadonlySet<string> = new Set(['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge']);

function denialError(attrs: AdmissionAttributes, d: Denial): Error {
  const message = d.binding === undefined
    ? `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`
    : `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`;
  const name = attrs.name !== '' ? attrs.name : (attrs.object.metadata.name as string | undefined) ?? '';
  // kube builds admission.NewForbidden, then swaps in the validation's reason and its code.
  const base = forbidden({ group: attrs.group, resource: attrs.resource }, name, message);
  const reason: StatusReason = d.reason !== undefined && REASONS.has(d.reason) ? (d.reason as StatusReason) : 'Invalid';
  return failure(codeFor(reason), reason, base.status.message, { ...base.status.details, causes: [{ message }] });
}

/** Compiled policies, rebuilt when a policy's resourceVersion changes; bounded by the number of policies. */
class PolicyCache {
  readonly #entries = new Map<string, { readonly version: string; readonly compiled: CompiledPolicy }>();

  get(obj: KubeObject): CompiledPolicy {
    const key = obj.metadata.uid ?? obj.metadata.name ?? '';
    const version = `${obj.metadata.resourceVersion ?? ''}/${obj.metadata.generation ?? ''}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.version === version && version !== '/') return hit.compiled;
    const compiled = new CompiledPolicy(decodePolicy(obj));
    this.#entries.set(key, { version, compiled });
    return compiled;
  }

  /** Drops entries of policies that no longer exist. */
  retain(policies: readonly KubeObject[]): void {
    const live = new Set(policies.map((p) => p.metadata.uid ?? p.metadata.name ?? ''));
    for (const key of this.#entries.keys()) if (!live.has(key)) this.#entries.delete(key);
  }
}

export function validatingAdmissionPolicy(opts: ValidatingAdmissionPolicyOptions): AdmissionPlugin {
  const cache = new PolicyCache();
  const resolve = opts.resolveParamKind ?? defaultParamKindResolver;

  async function validate(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
    const source = opts.policies();
    cache.retain(source.policies);
    const bindings = source.bindings.map(decodeBinding);
    const denials: Denial[] = [];
    const request = admissionRequestFrom(attrs);

    const configError = (policy: PolicySpec, binding: BindingSpec | undefined, err: unknown): void => {
      if (policy.failurePolicy === 'Ignore') return;
      const text = err instanceof Error ? err.message : String(err);
      const message = binding === undefined ? `failed to configure policy: ${text}` : `failed to configure binding: ${text}`;
      denials.push({ policy: policy.name, binding: binding?.name, message, reason: undefined });
    };

    for (const obj of source.policies) {
      const compiled = cache.get(obj);
      const policy = compiled.spec;
      if (policy.matchConstraints === undefined) continue;
      try {
        if (!(await matchResourcesMatch(policy.matchConstraints, attrs, opts.reader, signal))) continue;
      } catch (err) {
        configError(policy, undefined, err);
        continue;
      }
      const annotations = new Map<string, string[]>();
      for (const binding of bindings) {
        if (binding.policyName !== policy.name) continue;
        let params: (KubeObject | null)[];
        try {
          if (binding.matchResources !== undefined && !(await matchResourcesMatch(binding.matchResources, attrs, opts.reader, signal, true))) continue;
          params = await collectParams(policy.paramKind, binding.paramRef, attrs.namespace, opts.reader, resolve, signal);
        } catch (err) {
          configError(policy, binding, err);
          continue;
        }
        // kube gives a Namespace request no namespaceObject (it would be itself).
        const isNamespace = attrs.group === '' && attrs.kind === 'Namespace';
        const namespaceObject = attrs.namespace === '' || isNamespace
          ? undefined
          : await opts.reader.get({ group: '', resource: 'namespaces' }, '', attrs.namespace, signal);
        for (const param of params) {
          const result = compiled.validate(request, param, namespaceObject);
          result.decisions.forEach((d, i) => act(attrs, policy, binding, d, i, denials));
          for (const a of result.auditAnnotations) {
            if (a.action === 'Publish') {
              const list = annotations.get(a.key) ?? [];
              const value = a.value.slice(0, MAX_AUDIT_ANNOTATION_VALUE_LENGTH);
              if (!list.includes(value)) list.push(value);
              annotations.set(a.key, list);
            } else if (a.action === 'Error') {
              denials.push({ policy: policy.name, binding: binding.name, message: a.error, reason: undefined });
            }
          }
        }
      }
      for (const [key, values] of annotations) attrs.addAuditAnnotation(`${policy.name}/${key}`, values.join(', '));
    }
    const first = denials[0];
    if (first !== undefined) throw denialError(attrs, first);
  }

  return { name: VALIDATING_ADMISSION_POLICY_PLUGIN, validate };
}

function act(attrs: AdmissionAttributes, policy: PolicySpec, binding: BindingSpec, d: Decision, index: number, denials: Denial[]): void {
  if (d.action !== 'Deny') return;
  for (const action of binding.validationActions) {
    switch (action) {
      case 'Deny':
        denials.push({ policy: policy.name, binding: binding.name, message: d.message, reason: d.reason });
        break;
      case 'Warn':
        attrs.addWarning(`Validation failed for ValidatingAdmissionPolicy '${policy.name}' with binding '${binding.name}': ${d.message}`);
        break;
      case 'Audit':
        attrs.addAuditAnnotation(VALIDATION_FAILURE_ANNOTATION, JSON.stringify([
          { message: d.message, policy: binding.policyName, binding: binding.name, expressionIndex: index, validationActions: binding.validationActions },
        ]));
        break;
    }
  }
}
