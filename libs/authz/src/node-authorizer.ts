// --authorization-mode=Node (kube 1.33's plugin/pkg/auth/authorizer/node):
// a kubelet (user system:node:<name> in group system:nodes) may read the
// secrets, configmaps, PVCs, PVs and resource claims its own pods use, mint
// tokens for their service accounts, manage its own Node, Lease and CSINode,
// and whatever the static system:node rules allow. Everything else is
// NoOpinion, never Deny: a later authorizer (RBAC) may still allow it, and
// the reason tells an operator why the Node authorizer did not.

import type { FieldRequirement } from '@logbook/apimachinery';
import { bootstrapClusterRoles } from './bootstrap-roles.ts';
import { goQuote } from './go-format.ts';
import type { NodeGraphReader, VertexType } from './node-graph.ts';
import { rulesAllow } from './rule-matching.ts';
import type { Attributes, Authorizer, Decision, PolicyRule, RuleResolver, RulesResult, UserInfo } from './types.ts';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Attributes plus the request's parsed field selector, which list/watch of pods and resourceslices are scoped by. */
export interface NodeAttributes extends Attributes {
  readonly fieldSelector?: readonly FieldRequirement[];
}

export interface NodeAuthorizerOptions {
  readonly graph: NodeGraphReader;
  /** Rules for resources the graph does not subdivide; default: the bootstrap system:node ClusterRole's rules, as kube. */
  readonly nodeRules?: readonly PolicyRule[];
  /** The AuthorizeNodeWithSelectors feature gate (beta, on by default in 1.33). */
  readonly authorizeWithSelectors?: boolean;
}

const ALLOW: Decision = { decision: 'Allow', reason: '' };

function noOpinion(reason: string): Decision {
  return { decision: 'NoOpinion', reason };
}

/** kube's default node identifier: the node name, or undefined when the user is not a node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  if (!user.groups.includes(NODES_GROUP)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

function systemNodeRules(): readonly PolicyRule[] {
  const role = bootstrapClusterRoles().find((r) => r.metadata.name === 'system:node');
  if (role?.rules == null) throw new Error('assertion failed: the bootstrap policy has no system:node rules');
  return role.rules;
}

export class NodeAuthorizer implements Authorizer, RuleResolver {
  readonly #graph: NodeGraphReader;
  readonly #rules: readonly PolicyRule[];
  readonly #withSelectors: boolean;

  constructor(options: NodeAuthorizerOptions) {
    this.#graph = options.graph;
    this.#rules = options.nodeRules ?? systemNodeRules();
    this.#withSelectors = options.authorizeWithSelectors ?? true;
  }

  authorize(attrs: NodeAttributes): Promise<Decision> {
    return Promise.resolve(this.decide(attrs));
  }

  /** Node permissions are partly graph-derived, so they cannot be listed: kube reports them incomplete. */
  rulesFor(user: UserInfo): Promise<RulesResult> {
    if (nodeIdentity(user) === undefined) return Promise.resolve({ resourceRules: [], nonResourceRules: [], incomplete: false });
    return Promise.resolve({ resourceRules: [], nonResourceRules: [], incomplete: true, error: 'node authorizer does not support user rule resolution' });
  }

  decide(attrs: NodeAttributes): Decision {
    const node = nodeIdentity(attrs.user);
    if (node === undefined) return noOpinion('');
    if (node === '') return noOpinion(`unknown node for user ${goQuote(attrs.user.name)}`);
    if (attrs.resourceRequest) {
      const d = this.#subdivided(node, attrs);
      if (d !== undefined) return d;
    }
    return rulesAllow(attrs, this.#rules) ? ALLOW : noOpinion('');
  }

  /** The resources whose access depends on which node asks; undefined falls through to the static rules. */
  #subdivided(node: string, attrs: NodeAttributes): Decision | undefined {
    switch (`${attrs.apiGroup}/${attrs.resource}`) {
      case '/secrets':
        return this.#readNamespaced(node, 'secret', attrs);
      case '/configmaps':
        return this.#readNamespaced(node, 'configmap', attrs);
      case '/persistentvolumeclaims':
        return attrs.subresource === 'status' ? this.#statusUpdate(node, attrs) : this.#get(node, 'pvc', attrs);
      case '/persistentvolumes':
        return this.#get(node, 'pv', attrs);
      case 'resource.k8s.io/resourceclaims':
        return this.#get(node, 'resourceclaim', attrs);
      case 'storage.k8s.io/volumeattachments':
        return this.#get(node, 'volumeattachment', attrs);
      case '/serviceaccounts':
        return this.#createToken(node, attrs);
      case 'coordination.k8s.io/leases':
        return this.#lease(node, attrs);
      case 'storage.k8s.io/csinodes':
        return this.#csiNode(node, attrs);
      case 'resource.k8s.io/resourceslices':
        return this.#resourceSlice(node, attrs);
      case '/nodes':
        return this.#withSelectors ? this.#node(node, attrs) : undefined;
      case '/pods':
        return this.#withSelectors ? this.#pod(node, attrs) : undefined;
      default:
        return undefined;
    }
  }

  #related(node: string, type: VertexType, attrs: Attributes): Decision {
    if (attrs.name === '') return noOpinion('No Object name found');
    return this.#graph.hasPath(node, type, attrs.namespace, attrs.name) ? ALLOW : noOpinion(`no relationship found between node '${node}' and this object`);
  }

  #statusUpdate(node: string, attrs: Attributes): Decision {
    if (attrs.verb !== 'update' && attrs.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    return this.#related(node, 'pvc', attrs);
  }

  #get(node: string, type: VertexType, attrs: Attributes): Decision {
    if (attrs.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (attrs.subresource !== '') return noOpinion('cannot get subresource');
    return this.#related(node, type, attrs);
  }

  #readNamespaced(node: string, type: VertexType, attrs: Attributes): Decision {
    if (attrs.verb !== 'get' && attrs.verb !== 'list' && attrs.verb !== 'watch') return noOpinion('can only read resources of this type');
    if (attrs.subresource !== '') return noOpinion('cannot read subresource');
    if (attrs.namespace === '') return noOpinion('can only read namespaced object of this type');
    return this.#related(node, type, attrs);
  }

  #createToken(node: string, attrs: Attributes): Decision {
    if (attrs.verb !== 'create' || attrs.name === '') return noOpinion('can only create tokens for individual service accounts');
    if (attrs.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.#related(node, 'serviceaccount', attrs);
  }

  #lease(node: string, attrs: Attributes): Decision {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (attrs.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the ${goQuote(NODE_LEASE_NAMESPACE)} system namespace`);
    // On create the name is in the body, not the URL: NodeRestriction admission checks it.
    if (attrs.verb !== 'create' && attrs.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
    return ALLOW;
  }

  #csiNode(node: string, attrs: Attributes): Decision {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return noOpinion('can only get, create, update, patch, or delete a CSINode');
    if (attrs.subresource !== '') return noOpinion('cannot authorize CSINode subresources');
    if (attrs.verb !== 'create' && attrs.name !== node) return noOpinion('can only access CSINode with the same name as the requesting node');
    return ALLOW;
  }

  #resourceSlice(node: string, attrs: NodeAttributes): Decision {
    if (attrs.subresource !== '') return noOpinion('cannot authorize ResourceSlice subresources');
    switch (attrs.verb) {
      case 'create':
        // The new slice's nodeName is in the body: NodeRestriction admission checks it.
        return ALLOW;
      case 'get':
      case 'update':
      case 'patch':
      case 'delete':
        return this.#related(node, 'resourceslice', attrs);
      case 'watch':
      case 'list':
      case 'deletecollection':
        if (!this.#withSelectors || selects(attrs, 'nodeName', node)) return ALLOW;
        return noOpinion('can only list/watch/deletecollection resourceslices with nodeName field selector');
      default:
        return noOpinion('only the following verbs are allowed for a ResourceSlice: get, watch, list, create, update, patch, delete, deletecollection');
    }
  }

  #node(node: string, attrs: Attributes): Decision {
    if (attrs.subresource === '') {
      // NodeRestriction admission limits create/update/patch to the node's own object.
      if (attrs.verb === 'create' || attrs.verb === 'update' || attrs.verb === 'patch') return ALLOW;
      if (attrs.verb === 'get' || attrs.verb === 'list' || attrs.verb === 'watch') {
        // By name, not through the graph: a kubelet reads its Node before creating it.
        if (attrs.name === node) return ALLOW;
        if (attrs.name === '') return noOpinion(`node '${node}' cannot read all nodes, only its own Node object`);
        return noOpinion(`node '${node}' cannot read '${attrs.name}', only its own Node object`);
      }
    } else if (attrs.subresource === 'status' && (attrs.verb === 'update' || attrs.verb === 'patch')) {
      return ALLOW;
    }
    return noOpinion('');
  }

  #pod(node: string, attrs: NodeAttributes): Decision {
    if (attrs.subresource === '') {
      switch (attrs.verb) {
        case 'get':
          return this.#get(node, 'pod', attrs);
        case 'list':
        case 'watch':
          if (selects(attrs, 'spec.nodeName', node)) return ALLOW;
          if (attrs.name !== '') return this.#related(node, 'pod', attrs);
          return noOpinion('can only list/watch pods with spec.nodeName field selector');
        case 'create':
        case 'delete':
          // Mirror pods; NodeRestriction admission limits them to pods bound to this node.
          return ALLOW;
      }
    } else if (attrs.subresource === 'status') {
      if (attrs.verb === 'update' || attrs.verb === 'patch') return ALLOW;
    } else if (attrs.subresource === 'eviction') {
      if (attrs.verb === 'create') return ALLOW;
    }
    return noOpinion('');
  }
}

function selects(attrs: NodeAttributes, field: string, value: string): boolean {
  return (attrs.fieldSelector ?? []).some((r) => r.field === field && r.operator === '=' && r.value === value);
}

export function nodeAuthorizer(options: NodeAuthorizerOptions): NodeAuthorizer {
  return new NodeAuthorizer(options);
}
