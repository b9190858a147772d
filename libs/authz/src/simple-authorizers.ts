// The authorizers that need no policy (AlwaysAllow, AlwaysDeny, the
// system:masters short-circuit) and kube's union, which evaluates a chain in
// order: the first Allow or Deny wins; NoOpinion falls through.

import { aggregateErrors } from './go-format.ts';
import type { Attributes, Authorizer, Decision, RuleResolver, RulesResult, UserInfo } from './types.ts';

const ALLOW: Decision = { decision: 'Allow', reason: '' };
const NO_OPINION: Decision = { decision: 'NoOpinion', reason: '' };

const ALLOW_ALL_RULES: RulesResult = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
};
const NO_RULES: RulesResult = { resourceRules: [], nonResourceRules: [], incomplete: false };

/** --authorization-mode=AlwaysAllow. */
export function alwaysAllowAuthorizer(): Authorizer & RuleResolver {
  return {
    authorize: () => Promise.resolve(ALLOW),
    rulesFor: () => Promise.resolve(ALLOW_ALL_RULES),
  };
}

/**
 * --authorization-mode=AlwaysDeny. kube answers NoOpinion rather than Deny so
 * that later authorizers in the chain still get their say; with nothing after
 * it the request is refused, with this reason appended to the 403.
 */
export function alwaysDenyAuthorizer(): Authorizer & RuleResolver {
  const decision: Decision = { decision: 'NoOpinion', reason: 'Everything is forbidden.' };
  return {
    authorize: () => Promise.resolve(decision),
    rulesFor: () => Promise.resolve(NO_RULES),
  };
}

/**
 * Members of any of `groups` may do anything. kube-apiserver puts this first
 * in its chain for system:masters, whatever the configured modes.
 */
export function privilegedGroupsAuthorizer(groups: readonly string[]): Authorizer {
  const set = new Set(groups);
  return {
    authorize: (attrs: Attributes) => Promise.resolve(attrs.user.groups.some((g) => set.has(g)) ? ALLOW : NO_OPINION),
  };
}

/** kube's union.New: first Allow/Deny wins with its own reason; otherwise NoOpinion with all reasons joined by newlines. */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  const chain = [...authorizers];
  return {
    async authorize(attrs: Attributes): Promise<Decision> {
      const reasons: string[] = [];
      const errors: string[] = [];
      for (const a of chain) {
        const d = await a.authorize(attrs);
        if (d.error !== undefined) errors.push(d.error);
        if (d.reason.length > 0) reasons.push(d.reason);
        if (d.decision !== 'NoOpinion') return d;
      }
      const error = aggregateErrors(errors);
      return error === undefined ? { decision: 'NoOpinion', reason: reasons.join('\n') } : { decision: 'NoOpinion', reason: reasons.join('\n'), error };
    },
  };
}

/** kube's union.NewRuleResolvers: rules concatenated in chain order; incomplete if any is. */
export function unionRuleResolver(resolvers: readonly RuleResolver[]): RuleResolver {
  const chain = [...resolvers];
  return {
    async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
      const resourceRules: RulesResult['resourceRules'][number][] = [];
      const nonResourceRules: RulesResult['nonResourceRules'][number][] = [];
      const errors: string[] = [];
      let incomplete = false;
      for (const r of chain) {
        const res = await r.rulesFor(user, namespace);
        resourceRules.push(...res.resourceRules);
        nonResourceRules.push(...res.nonResourceRules);
        if (res.incomplete) incomplete = true;
        if (res.error !== undefined) errors.push(res.error);
      }
      const error = aggregateErrors(errors);
      return error === undefined ? { resourceRules, nonResourceRules, incomplete } : { resourceRules, nonResourceRules, incomplete, error };
    },
  };
}
