// --authorization-mode: builds kube-apiserver's authorizer chain from the mode
// list. system:masters is always allowed first, then each mode in the order
// given, as a union; the rule resolver for SelfSubjectRulesReview is the
// union of the modes that can list rules.

import { AuthorizationConfigError } from './authorization-config-error.ts';
import { nodeModeAuthorizer } from './mode-factories.ts';
import type { NodeGraphReader } from './node-graph.ts';
import { RbacAuthorizer } from './rbac-authorizer.ts';
import { alwaysAllowAuthorizer, alwaysDenyAuthorizer, privilegedGroupsAuthorizer, unionAuthorizer, unionRuleResolver } from './simple-authorizers.ts';
import { SYSTEM_PRIVILEGED_GROUP, type Authorizer, type RbacSource, type RuleResolver } from './types.ts';

export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'ABAC', 'Webhook', 'RBAC', 'Node'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

export { AuthorizationConfigError } from './authorization-config-error.ts';

export interface AuthorizerChain {
  readonly authorizer: Authorizer;
  readonly ruleResolver: RuleResolver;
  /** Present when RBAC is among the modes: escalation checks need its resolver. */
  readonly rbac?: RbacAuthorizer;
}

/** Parses `--authorization-mode` (comma list). Reports every problem at once. */
export function parseAuthorizationModes(flag: string): AuthorizationMode[] {
  const modes: AuthorizationMode[] = [];
  const problems: string[] = [];
  for (const raw of flag.split(',')) {
    const m = raw.trim();
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(m)) problems.push(`authorization-mode "${m}" is not a valid mode`);
    else if (modes.includes(m as AuthorizationMode)) problems.push(`authorization-mode "${m}" has mode specified more than once`);
    else modes.push(m as AuthorizationMode);
  }
  if (problems.length > 0) throw new AuthorizationConfigError(problems[0]?.includes('more than once') === true ? 'DuplicateMode' : 'UnknownMode', problems.join('; '));
  return modes;
}

export interface AuthorizerChainDeps {
  readonly rbacSource?: RbacSource;
  /** Node: the graph of pods, volumes and attachments it decides from. */
  readonly nodeGraph?: NodeGraphReader;
  /** Webhook: built (and its kubeconfig read) before the chain. */
  readonly webhook?: Authorizer & RuleResolver;
}

export function buildAuthorizerChain(modes: readonly AuthorizationMode[], deps: AuthorizerChainDeps): AuthorizerChain {
  const authorizers: Authorizer[] = [privilegedGroupsAuthorizer([SYSTEM_PRIVILEGED_GROUP])];
  const resolvers: RuleResolver[] = [];
  let rbac: RbacAuthorizer | undefined;
  for (const mode of modes) {
    switch (mode) {
      case 'AlwaysAllow': {
        const a = alwaysAllowAuthorizer();
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'AlwaysDeny': {
        const a = alwaysDenyAuthorizer();
        authorizers.push(a);
        resolvers.push(a);
        break;
      }
      case 'RBAC': {
        if (deps.rbacSource === undefined) throw new AuthorizationConfigError('MissingDependency', 'authorization-mode RBAC needs an RBAC source');
        rbac = new RbacAuthorizer(deps.rbacSource);
        authorizers.push(rbac);
        resolvers.push(rbac);
        break;
      }
      case 'Node': {
        const node = nodeModeAuthorizer(deps);
        authorizers.push(node);
        resolvers.push(node);
        break;
      }
      case 'Webhook':
        if (deps.webhook === undefined) throw new AuthorizationConfigError('MissingDependency', "authorization-mode Webhook's authorization config file not passed");
        authorizers.push(deps.webhook);
        resolvers.push(deps.webhook);
        break;
      case 'ABAC':
        throw new AuthorizationConfigError('Unsupported', `authorization-mode ${mode} is not implemented yet`);
    }
  }
  const chain = { authorizer: unionAuthorizer(authorizers), ruleResolver: unionRuleResolver(resolvers) };
  return rbac === undefined ? chain : { ...chain, rbac };
}
