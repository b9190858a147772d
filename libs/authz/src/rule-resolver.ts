// RBAC's rule resolver (kube's DefaultRuleResolver): which rules apply to a
// user in a namespace, visited binding by binding so the authorizer can stop
// at the first rule that allows and name the binding in its reason.
// ClusterRoleBindings come first, then the namespace's RoleBindings.

import { clusterRoleIndex, type ClusterRoleIndex } from './aggregation.ts';
import { aggregateErrors, goQuote } from './go-format.ts';
import { SERVICE_ACCOUNT_USERNAME_PREFIX, type PolicyRule, type RbacSource, type RoleBinding, type RoleRef, type Subject, type UserInfo } from './types.ts';

/** Return false to stop visiting. `source` names the binding and subject the rule came through. */
export type RuleVisitor = (source: string | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

/** How a missing role is reported: the watch-cache lister's singular form, or the registry's plural (404) form. */
export type NotFoundStyle = 'lister' | 'registry';

export class RoleRefError extends Error {
  override readonly name = 'RoleRefError';
  readonly code: 'NotFound' | 'UnsupportedKind' | 'SourceFailed';
  readonly roleRef: RoleRef;
  constructor(code: RoleRefError['code'], roleRef: RoleRef, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.roleRef = roleRef;
  }
}

export class RuleResolver {
  readonly #source: RbacSource;

  constructor(source: RbacSource) {
    this.#source = source;
  }

  async visitRulesFor(user: UserInfo, namespace: string, visitor: RuleVisitor): Promise<void> {
    const lazy = new LazyClusterRoles(this.#source);
    const crbs = await settle(() => this.#source.clusterRoleBindings());
    if (!crbs.ok) {
      if (!visitor(undefined, undefined, crbs.error)) return;
    } else {
      for (const b of crbs.value) {
        const i = appliesTo(user, b.subjects ?? [], '');
        if (i < 0) continue;
        const rules = await this.#refRules(b.roleRef, '', lazy, 'lister');
        if (!rules.ok) {
          if (!visitor(undefined, undefined, rules.error)) return;
          continue;
        }
        const source = describeClusterRoleBinding(b, (b.subjects ?? [])[i]);
        for (const r of rules.value) if (!visitor(source, r, undefined)) return;
      }
    }
    if (namespace.length === 0) return;
    const rbs = await settle(() => this.#source.roleBindings(namespace));
    if (!rbs.ok) {
      visitor(undefined, undefined, rbs.error);
      return;
    }
    for (const b of rbs.value) {
      const i = appliesTo(user, b.subjects ?? [], namespace);
      if (i < 0) continue;
      const rules = await this.#refRules(b.roleRef, namespace, lazy, 'lister');
      if (!rules.ok) {
        if (!visitor(undefined, undefined, rules.error)) return;
        continue;
      }
      const source = describeRoleBinding(b, namespace, (b.subjects ?? [])[i]);
      for (const r of rules.value) if (!visitor(source, r, undefined)) return;
    }
  }

  /** Every rule that applies, plus the aggregated resolution errors (rules are still usable: RBAC only adds). */
  async rulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; error?: string }> {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    await this.visitRulesFor(user, namespace, (_s, rule, err) => {
      if (rule !== undefined) rules.push(rule);
      if (err !== undefined) errors.push(err);
      return true;
    });
    const error = aggregateErrors(errors);
    return error === undefined ? { rules } : { rules, error };
  }

  /** The rules a roleRef grants; throws RoleRefError. `bindingNamespace` is '' for ClusterRoleBindings. */
  async roleRefRules(roleRef: RoleRef, bindingNamespace: string, style: NotFoundStyle = 'registry'): Promise<readonly PolicyRule[]> {
    const r = await this.#refRules(roleRef, bindingNamespace, new LazyClusterRoles(this.#source), style);
    if (r.ok) return r.value;
    throw r.exception ?? new RoleRefError('SourceFailed', roleRef, r.error);
  }

  async #refRules(roleRef: RoleRef, ns: string, lazy: LazyClusterRoles, style: NotFoundStyle): Promise<Result<readonly PolicyRule[]> & { exception?: RoleRefError }> {
    const fail = (code: RoleRefError['code'], message: string, cause?: unknown): Result<readonly PolicyRule[]> & { exception: RoleRefError } => ({
      ok: false, error: message, exception: new RoleRefError(code, roleRef, message, cause === undefined ? {} : { cause }),
    });
    switch (roleRef.kind) {
      case 'Role': {
        const roles = await settle(() => this.#source.roles(ns));
        if (!roles.ok) return fail('SourceFailed', roles.error, roles.cause);
        const role = roles.value.find((r) => r.metadata.name === roleRef.name);
        if (role === undefined) return fail('NotFound', notFoundText(style === 'lister' ? 'role' : 'roles', roleRef.name));
        return { ok: true, value: role.rules ?? [] };
      }
      case 'ClusterRole': {
        const idx = await lazy.get();
        if (!idx.ok) return fail('SourceFailed', idx.error, idx.cause);
        const role = idx.value.get(roleRef.name);
        if (role === undefined) return fail('NotFound', notFoundText(style === 'lister' ? 'clusterrole' : 'clusterroles', roleRef.name));
        return { ok: true, value: idx.value.rulesOf(role).rules };
      }
      default:
        return fail('UnsupportedKind', `unsupported role reference kind: ${goQuote(roleRef.kind)}`);
    }
  }
}

function notFoundText(resource: string, name: string): string {
  return `${resource}.rbac.authorization.k8s.io ${goQuote(name)} not found`;
}

/** Index of the first subject that is `user`, or -1. A ServiceAccount subject without a namespace means the binding's. */
export function appliesTo(user: UserInfo, subjects: readonly Subject[], namespace: string): number {
  return subjects.findIndex((s) => appliesToUser(user, s, namespace));
}

export function appliesToUser(user: UserInfo, s: Subject, namespace: string): boolean {
  switch (s.kind) {
    case 'User': return user.name === s.name;
    case 'Group': return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace !== undefined && s.namespace.length > 0 ? s.namespace : namespace;
      if (ns.length === 0) return false;
      return user.name === `${SERVICE_ACCOUNT_USERNAME_PREFIX}${ns}:${s.name}`;
    }
    default: return false;
  }
}

function describeSubject(s: Subject | undefined, bindingNamespace: string): string {
  if (s === undefined) return '';
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace !== undefined && s.namespace.length > 0 ? s.namespace : bindingNamespace;
    return `${s.kind} ${goQuote(`${s.name}/${ns}`)}`;
  }
  return `${s.kind} ${goQuote(s.name)}`;
}

function describeClusterRoleBinding(b: RoleBinding, s: Subject | undefined): string {
  return `ClusterRoleBinding ${goQuote(b.metadata.name)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describeSubject(s, '')}`;
}

function describeRoleBinding(b: RoleBinding, namespace: string, s: Subject | undefined): string {
  const ns = b.metadata.namespace ?? namespace;
  return `RoleBinding ${goQuote(`${b.metadata.name}/${ns}`)} of ${b.roleRef.kind} ${goQuote(b.roleRef.name)} to ${describeSubject(s, ns)}`;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string; cause?: unknown };

async function settle<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err: unknown) {
    return { ok: false, error: err instanceof Error ? err.message : String(err), cause: err };
  }
}

// ClusterRoles are read at most once per evaluation, and only if a binding refers to one.
class LazyClusterRoles {
  readonly #source: RbacSource;
  #value: Promise<Result<ClusterRoleIndex>> | undefined;
  constructor(source: RbacSource) {
    this.#source = source;
  }
  get(): Promise<Result<ClusterRoleIndex>> {
    this.#value ??= settle(async () => clusterRoleIndex(await this.#source.clusterRoles()));
    return this.#value;
  }
}
