// Impersonation (Impersonate-User, -Group, -Uid, -Extra-<key>): the headers
// become a list of checks, each the verb "impersonate" on users, groups,
// serviceaccounts, uids or userextras/<key>, that the requestor must pass
// before the request runs as the impersonated user. Kube sets no limits on
// these headers; Logbook bounds them (an authorizer call per value) and
// answers 400 beyond the bound, before any authorizer call.

import { badRequest, forbidden, type StatusError } from '@logbook/apimachinery';
import type { HeaderMap } from './headers.ts';
import { unescapeExtraKey } from './request-header.ts';
import {
  ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ANONYMOUS_USER, serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername,
  type UserInfo,
} from './user-info.ts';

export const IMPERSONATE_USER_HEADER = 'impersonate-user';
export const IMPERSONATE_GROUP_HEADER = 'impersonate-group';
export const IMPERSONATE_UID_HEADER = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';

export interface ImpersonationLimits {
  /** Impersonate-Group values. */
  readonly maxGroups: number;
  /** Impersonate-Extra-* values, all keys together. */
  readonly maxExtraValues: number;
  /** Bytes of any one value (and of an extra key). */
  readonly maxValueBytes: number;
}

export const DEFAULT_IMPERSONATION_LIMITS: ImpersonationLimits = Object.freeze({ maxGroups: 100, maxExtraValues: 100, maxValueBytes: 4096 });

/** Authorizer attributes for one impersonation check (kube's AttributesRecord, verb "impersonate"). */
export interface ImpersonationCheck {
  readonly verb: 'impersonate';
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: 'users' | 'groups' | 'serviceaccounts' | 'uids' | 'userextras';
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ImpersonationPlan {
  readonly checks: readonly ImpersonationCheck[];
  /** The user the request runs as once every check passes. */
  readonly user: UserInfo;
}

export interface AuthorizerDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** The authorizer: may `requestor` perform `check`? */
export type ImpersonationAuthorizer = (requestor: UserInfo, check: ImpersonationCheck) => Promise<AuthorizerDecision>;

const AUTHN_GROUP = 'authentication.k8s.io';

/**
 * Reads the impersonation headers. Undefined when there are none; throws a
 * 400 StatusError when they are malformed or over the limits.
 */
export function planImpersonation(headers: HeaderMap, limits: ImpersonationLimits = DEFAULT_IMPERSONATION_LIMITS): ImpersonationPlan | undefined {
  const requestedUser = headers.get(IMPERSONATE_USER_HEADER)?.[0] ?? '';
  const groupValues = headers.get(IMPERSONATE_GROUP_HEADER) ?? [];
  const uid = headers.get(IMPERSONATE_UID_HEADER)?.[0] ?? '';
  const extraHeaders = [...headers].filter(([n]) => n.startsWith(IMPERSONATE_EXTRA_PREFIX)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  checkLimits(requestedUser, groupValues, uid, extraHeaders, limits);

  const checks: ImpersonationCheck[] = [];
  const refs: string[] = []; // kube's %v of the ObjectReferences, for the 400 text
  let name = '';
  let groups: string[] = [];
  const sa = requestedUser === '' ? undefined : splitServiceAccountUsername(requestedUser);
  if (sa !== undefined) {
    checks.push(check('', '', 'serviceaccounts', '', sa.namespace, sa.name));
    refs.push(goRef('ServiceAccount', sa.namespace, sa.name, '', ''));
    name = serviceAccountUsername(sa.namespace, sa.name);
    if (groupValues.length === 0) groups = serviceAccountGroups(sa.namespace);
  } else if (requestedUser !== '') {
    checks.push(check('', '', 'users', '', '', requestedUser));
    refs.push(goRef('User', '', requestedUser, '', ''));
    name = requestedUser;
  }
  for (const g of groupValues) {
    checks.push(check('', '', 'groups', '', '', g));
    refs.push(goRef('Group', '', g, '', ''));
    groups.push(g);
  }
  const extra: Record<string, string[]> = {};
  for (const [header, values] of extraHeaders) {
    const key = unescapeExtraKey(header.slice(IMPERSONATE_EXTRA_PREFIX.length));
    for (const v of values) {
      checks.push(check(AUTHN_GROUP, 'v1', 'userextras', key, '', v));
      refs.push(goRef('UserExtra', '', v, `${AUTHN_GROUP}/v1`, key));
      (extra[key] ??= []).push(v);
    }
  }
  if (uid !== '') {
    checks.push(check(AUTHN_GROUP, 'v1', 'uids', '', '', uid));
    refs.push(goRef('UID', '', uid, `${AUTHN_GROUP}/v1`, ''));
  }
  if (checks.length === 0) return undefined;
  if (requestedUser === '') throw badRequest(`requested [${refs.join(' ')}] without impersonating a user`);

  if (name !== ANONYMOUS_USER) {
    if (!groups.some((g) => g === ALL_AUTHENTICATED || g === ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  } else if (!groups.includes(ALL_UNAUTHENTICATED)) {
    groups.push(ALL_UNAUTHENTICATED);
  }
  return { checks, user: { name, uid, groups, extra } };
}

/**
 * The impersonation filter: the user the request runs as (the requestor
 * itself when no impersonation headers were sent). Throws 400 for malformed
 * headers, 403 with kube's text at the first refused check.
 */
export async function impersonate(requestor: UserInfo, headers: HeaderMap, authorize: ImpersonationAuthorizer, limits?: ImpersonationLimits): Promise<UserInfo> {
  const plan = planImpersonation(headers, limits);
  if (plan === undefined) return requestor;
  for (const c of plan.checks) {
    const d = await authorize(requestor, c);
    if (!d.allowed) throw impersonationForbidden(requestor, c, d.reason);
  }
  return plan.user;
}

/** kube's responsewriters.Forbidden for an impersonation check. */
export function impersonationForbidden(requestor: UserInfo, c: ImpersonationCheck, reason: string): StatusError {
  const resource = c.subresource === '' ? c.resource : `${c.resource}/${c.subresource}`;
  const where = c.namespace !== '' ? `in the namespace ${JSON.stringify(c.namespace)}` : 'at the cluster scope';
  const msg = sanitize(`User ${JSON.stringify(requestor.name)} cannot impersonate resource ${JSON.stringify(resource)} in API group ${JSON.stringify(c.apiGroup)} ${where}`);
  return forbidden({ group: c.apiGroup, resource: c.resource }, c.name, reason === '' ? msg : `${msg}: ${reason}`);
}

/** Headers the request goes on with once impersonation was applied. */
export function stripImpersonationHeaders(headers: HeaderMap): HeaderMap {
  return new Map([...headers].filter(([n]) => n !== IMPERSONATE_USER_HEADER && n !== IMPERSONATE_GROUP_HEADER && n !== IMPERSONATE_UID_HEADER && !n.startsWith(IMPERSONATE_EXTRA_PREFIX)));
}

function check(apiGroup: string, apiVersion: string, resource: ImpersonationCheck['resource'], subresource: string, namespace: string, name: string): ImpersonationCheck {
  return { verb: 'impersonate', apiGroup, apiVersion, resource, subresource, namespace, name };
}

/** Go's %v of a v1.ObjectReference: Kind Namespace Name UID APIVersion ResourceVersion FieldPath. */
function goRef(kind: string, namespace: string, name: string, apiVersion: string, fieldPath: string): string {
  return `{${[kind, namespace, name, '', apiVersion, '', fieldPath].join(' ')}}`;
}

function sanitize(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function checkLimits(user: string, groups: readonly string[], uid: string, extras: readonly (readonly [string, readonly string[]])[], limits: ImpersonationLimits): void {
  const tooLong = (header: string, v: string): void => {
    if (Buffer.byteLength(v) > limits.maxValueBytes) throw badRequest(`${header}: a value must be no more than ${limits.maxValueBytes} bytes`);
  };
  tooLong('Impersonate-User', user);
  tooLong('Impersonate-Uid', uid);
  if (groups.length > limits.maxGroups) throw badRequest(`Impersonate-Group: at most ${limits.maxGroups} values are allowed, got ${groups.length}`);
  for (const g of groups) tooLong('Impersonate-Group', g);
  let extraCount = 0;
  for (const [header, values] of extras) {
    tooLong('Impersonate-Extra-', header.slice(IMPERSONATE_EXTRA_PREFIX.length));
    if (header.length === IMPERSONATE_EXTRA_PREFIX.length) throw badRequest('Impersonate-Extra-: the extra key must not be empty');
    extraCount += values.length;
    for (const v of values) tooLong(`Impersonate-Extra-${header.slice(IMPERSONATE_EXTRA_PREFIX.length)}`, v);
  }
  if (extraCount > limits.maxExtraValues) throw badRequest(`Impersonate-Extra-*: at most ${limits.maxExtraValues} values are allowed, got ${extraCount}`);
}
