// Privilege-escalation prevention on RBAC writes (kube's policybased storages):
// nobody may create or update a Role/ClusterRole granting more than they hold,
// or bind a role whose rules they do not hold, unless they are in
// system:masters or hold `escalate` (roles) / `bind` (bindings) on it.

import { forbidden, internalError, notFound, type StatusError } from '@logbook/apimachinery';
import { goQuote, goQuoteList } from './go-format.ts';
import { compactRules, compactString, covers } from './policy-comparator.ts';
import { RoleRefError, type RuleResolver } from './rule-resolver.ts';
import { attributes, RBAC_GROUP, SYSTEM_PRIVILEGED_GROUP, type Authorizer, type ClusterRole, type PolicyRule, type Role, type RoleBinding, type RoleRef, type UserInfo } from './types.ts';

export class EscalationError extends Error {
  override readonly name = 'EscalationError';
  readonly code = 'Escalation' as const;
  readonly missing: readonly PolicyRule[];
  constructor(message: string, missing: readonly PolicyRule[]) {
    super(message);
    this.missing = missing;
  }
}

/** Throws EscalationError unless `user`'s rules in `namespace` ('' = cluster-wide only) cover `rules`. */
export async function confirmNoEscalation(user: UserInfo, rules: readonly PolicyRule[], namespace: string, resolver: RuleResolver): Promise<void> {
  const owner = await resolver.rulesFor(user, namespace);
  const [ok, missing] = covers(owner.rules, rules);
  if (ok) return;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort(byteOrder);
  let msg = `user ${goQuote(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  if (owner.error !== undefined) msg += `; resolution errors: [${owner.error}]`;
  throw new EscalationError(msg, missing);
}

/** system:masters may always write RBAC objects: the apiserver's own loopback identity is in it. */
export function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_PRIVILEGED_GROUP);
}

export type RoleResource = 'roles' | 'clusterroles';
export type BindingResource = 'rolebindings' | 'clusterrolebindings';

export interface RbacWriteContext {
  readonly user: UserInfo;
  /** The server's whole authorizer chain, asked about `escalate` and `bind`. */
  readonly authorizer: Authorizer;
  /** RBAC's rule resolver (RbacAuthorizer.resolver). */
  readonly resolver: RuleResolver;
}

export interface RoleWrite<T extends Role> {
  readonly resource: RoleResource;
  /** The request's namespace ('' for clusterroles). */
  readonly namespace: string;
  /** The name in the request URL: '' on create, as kube's RequestInfo has it. */
  readonly requestName: string;
  readonly object: T;
  /** The stored object, on update. */
  readonly oldObject?: T;
}

const FULL_AUTHORITY: readonly PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Before a Role/ClusterRole create or update: throws kube's 403 when the write would escalate. */
export async function checkRoleWrite(ctx: RbacWriteContext, w: RoleWrite<Role | ClusterRole>): Promise<void> {
  if (escalationAllowed(ctx.user)) return;
  const escalate = attributes(ctx.user, {
    verb: 'escalate', apiGroup: RBAC_GROUP, apiVersion: '*', resource: w.resource, name: w.requestName, namespace: w.namespace,
  });
  if ((await ctx.authorizer.authorize(escalate)).decision === 'Allow') return;
  if (w.oldObject !== undefined && onlyGcFieldsChanged(w.object, w.oldObject)) return;
  const gr = { group: RBAC_GROUP, resource: w.resource };
  const name = w.object.metadata.name;
  try {
    await confirmNoEscalation(ctx.user, w.object.rules ?? [], w.namespace, ctx.resolver);
  } catch (err: unknown) {
    throw toForbidden(gr, name, err);
  }
  if (w.resource !== 'clusterroles') return;
  if (hasAggregationRule(w.object) || (w.oldObject !== undefined && hasAggregationRule(w.oldObject))) {
    try {
      await confirmNoEscalation(ctx.user, FULL_AUTHORITY, w.namespace, ctx.resolver);
    } catch (err: unknown) {
      if (!(err instanceof EscalationError)) throw internalError(err);
      throw forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
    }
  }
}

export interface BindingWrite {
  readonly resource: BindingResource;
  /** The request's namespace ('' for clusterrolebindings). */
  readonly namespace: string;
  readonly object: RoleBinding;
  readonly oldObject?: RoleBinding;
}

/** Before a RoleBinding/ClusterRoleBinding create or update: `bind` on the role, or hold its rules. */
export async function checkBindingWrite(ctx: RbacWriteContext, w: BindingWrite): Promise<void> {
  if (escalationAllowed(ctx.user)) return;
  if (w.oldObject !== undefined && onlyGcFieldsChanged(w.object, w.oldObject)) return;
  if (await bindingAuthorized(ctx.user, w.object.roleRef, w.namespace, ctx.authorizer)) return;
  let rules: readonly PolicyRule[];
  try {
    rules = await ctx.resolver.roleRefRules(w.object.roleRef, w.namespace, 'registry');
  } catch (err: unknown) {
    throw roleRefStatus(err);
  }
  try {
    await confirmNoEscalation(ctx.user, rules, w.namespace, ctx.resolver);
  } catch (err: unknown) {
    throw toForbidden({ group: RBAC_GROUP, resource: w.resource }, w.object.metadata.name, err);
  }
}

/** kube's BindingAuthorized: may `user` bind `roleRef` in `namespace` ('' = cluster-wide)? */
export async function bindingAuthorized(user: UserInfo, roleRef: RoleRef, namespace: string, authorizer: Authorizer): Promise<boolean> {
  let resource: string;
  if (roleRef.kind === 'ClusterRole') resource = 'clusterroles';
  else if (roleRef.kind === 'Role') resource = 'roles';
  else return false;
  const attrs = attributes(user, { verb: 'bind', namespace, apiGroup: roleRef.apiGroup, resource, name: roleRef.name });
  return (await authorizer.authorize(attrs)).decision === 'Allow';
}

function hasAggregationRule(r: Role | ClusterRole): boolean {
  const rule = 'aggregationRule' in r ? r.aggregationRule : undefined;
  return rule !== undefined && rule !== null && (rule.clusterRoleSelectors ?? []).length > 0;
}

function toForbidden(gr: { group: string; resource: string }, name: string, err: unknown): StatusError {
  if (err instanceof EscalationError) return forbidden(gr, name, err.message);
  return internalError(err);
}

function roleRefStatus(err: unknown): StatusError {
  if (err instanceof RoleRefError && err.code === 'NotFound') {
    return notFound({ group: RBAC_GROUP, resource: err.roleRef.kind === 'Role' ? 'roles' : 'clusterroles' }, err.roleRef.name);
  }
  return internalError(err);
}

// kube lets an update through unchecked when it only touches what the garbage
// collector writes (ownerReferences, finalizers), so GC never needs escalate.
const GC_FIELDS = new Set(['ownerReferences', 'finalizers', 'managedFields', 'resourceVersion']);

export function onlyGcFieldsChanged(obj: object, old: object): boolean {
  return canonical(obj, true) === canonical(old, true);
}

function canonical(v: unknown, top: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, false)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => byteOrder(a, b))
      .map(([k, x]) => {
        if (top && k === 'metadata' && x !== null && typeof x === 'object') {
          const meta = Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([mk]) => !GC_FIELDS.has(mk)));
          return `${JSON.stringify(k)}:${canonical(meta, false)}`;
        }
        return `${JSON.stringify(k)}:${canonical(x, false)}`;
      });
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
