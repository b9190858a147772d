// Which node, if any, a request comes from: kube's default node identifier.
// A node's credentials name the user system:node:<nodeName> in the group
// system:nodes; both are required, so a user merely named like a node is
// not restricted (nor privileged) as one.

import type { RequestContext } from '@logbook/apistorage';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

/** `{ isNode: false }` for everyone else; `nodeName` may be "" (refused by NodeRestriction). */
export type NodeIdentity = { readonly isNode: false } | { readonly isNode: true; readonly nodeName: string };

export function nodeIdentity(ctx: Pick<RequestContext, 'user' | 'groups'> | undefined): NodeIdentity {
  if (ctx === undefined || !ctx.user.startsWith(NODE_USER_PREFIX)) return { isNode: false };
  if (!(ctx.groups ?? []).includes(NODES_GROUP)) return { isNode: false };
  return { isNode: true, nodeName: ctx.user.slice(NODE_USER_PREFIX.length) };
}
