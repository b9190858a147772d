// --authorization-mode=RBAC: allows when any rule reachable through the
// user's bindings allows the request, and otherwise has no opinion (deny by
// default happens at the end of the chain). Its reason names the binding that
// allowed, as kube's does: `RBAC: allowed by ClusterRoleBinding "x" of ...`.

import { aggregateErrors } from './go-format.ts';
import { ruleAllows } from './rule-matching.ts';
import { RuleResolver } from './rule-resolver.ts';
import type { Attributes, Authorizer, Decision, NonResourceRuleInfo, RbacSource, ResourceRuleInfo, RuleResolver as RulesResolver, RulesResult, UserInfo } from './types.ts';

export class RbacAuthorizer implements Authorizer, RulesResolver {
  readonly resolver: RuleResolver;

  constructor(source: RbacSource) {
    this.resolver = new RuleResolver(source);
  }

  async authorize(attrs: Attributes): Promise<Decision> {
    let allowedBy: string | undefined;
    const errors: string[] = [];
    await this.resolver.visitRulesFor(attrs.user, attrs.namespace, (source, rule, err) => {
      if (rule !== undefined && ruleAllows(attrs, rule)) {
        allowedBy = source ?? '';
        return false;
      }
      if (err !== undefined) errors.push(err);
      return true;
    });
    if (allowedBy !== undefined) return { decision: 'Allow', reason: `RBAC: allowed by ${allowedBy}` };
    const agg = aggregateErrors(errors);
    // Resolution errors go in the reason, not in `error`: kube's RBAC reports
    // them to the user but does not fail the evaluation over them.
    return { decision: 'NoOpinion', reason: agg === undefined ? '' : `RBAC: ${agg}` };
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    const { rules, error } = await this.resolver.rulesFor(user, namespace);
    const resourceRules: ResourceRuleInfo[] = [];
    const nonResourceRules: NonResourceRuleInfo[] = [];
    for (const r of rules) {
      if ((r.resources ?? []).length > 0) {
        resourceRules.push({ verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], resourceNames: r.resourceNames ?? [] });
      }
      if ((r.nonResourceURLs ?? []).length > 0) {
        nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] });
      }
    }
    return error === undefined ? { resourceRules, nonResourceRules, incomplete: false } : { resourceRules, nonResourceRules, incomplete: false, error };
  }
}

export function rbacAuthorizer(source: RbacSource): RbacAuthorizer {
  return new RbacAuthorizer(source);
}
