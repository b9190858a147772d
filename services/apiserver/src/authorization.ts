// --authorization-mode for one replica: the chain @logbook/authz builds, RBAC
// reading Roles and bindings from the registry (the watch caches), the RBAC
// escalation checks as an admission plugin, and the bootstrap policy
// reconciled at start. Wiring only; the semantics live in libs/authz.

import { parseListOptions, StatusError } from '@logbook/apimachinery';
import {
  bootstrapNamespacedPolicy, buildAuthorizerChain, checkBindingWrite, checkRoleWrite, NodeGraph, reconcileBootstrapPolicy, reconcileRole, userInfo, webhookModeAuthorizer, type GraphKind,
  type Authorizer, type AuthorizerChain, type ClusterRole, type ClusterRoleBinding, type RbacSource, type Role, type RoleBinding, type RuleResolver,
} from '@logbook/authz';
import type { Logger } from '@logbook/raft';
import type { AdmissionPlugin, Registry, RequestScope } from '@logbook/registry';
import type { ApiserverConfig } from './config.ts';
import { Informer } from './informer.ts';
import { storeFor } from './admission-reader.ts';

const RBAC = 'rbac.authorization.k8s.io';

/** resourceVersion=0: from the watch cache, as kube's RBAC reads its informers. */
const FROM_CACHE = parseListOptions(new URLSearchParams('resourceVersion=0'), { watchListEnabled: false });

async function listAll<T>(registry: Registry, resource: string, namespace: string): Promise<T[]> {
  const store = registry.lookup(RBAC, 'v1', resource);
  if (store === undefined) return [];
  const result = await store.list({ namespace }, FROM_CACHE);
  const out: T[] = [];
  for await (const o of result.items) out.push(o as unknown as T);
  return out;
}

/**
 * The last list per resource and namespace, handed out again while its
 * objects are the same ones (the watch cache shares frozen objects until
 * they change): RBAC memoises aggregation per list object, which a fresh
 * array on every request would defeat.
 */
function stableLists(registry: Registry): <T>(resource: string, namespace: string) => Promise<T[]> {
  const last = new Map<string, unknown[]>();
  return async <T>(resource: string, namespace: string): Promise<T[]> => {
    const key = `${resource}/${namespace}`;
    const fresh = await listAll<T>(registry, resource, namespace);
    const prev = last.get(key) as T[] | undefined;
    if (prev !== undefined && prev.length === fresh.length && prev.every((o, i) => o === fresh[i])) return prev;
    // Bounded by the namespaces that exist (one entry per namespace asked about).
    last.set(key, fresh);
    return fresh;
  };
}

export function registryRbacSource(registry: Registry): RbacSource {
  const list = stableLists(registry);
  return {
    roles: (ns) => list<Role>('roles', ns),
    clusterRoles: () => list<ClusterRole>('clusterroles', ''),
    roleBindings: (ns) => list<RoleBinding>('rolebindings', ns),
    clusterRoleBindings: () => list<ClusterRoleBinding>('clusterrolebindings', ''),
  };
}

export interface Authorization {
  readonly authorizer: Authorizer & RuleResolver;
  readonly chain: AuthorizerChain;
  /** The RBAC escalation checks (only with RBAC among the modes). */
  readonly admission: AdmissionPlugin | undefined;
  /** What keeps the Node authorizer's graph current (empty without Node). */
  readonly informers: readonly Informer[];
  close(): void;
}

/** The objects the Node authorizer's graph is built from: each kind from its watch cache. */
const GRAPH_SOURCES: readonly { readonly kind: GraphKind; readonly group: string; readonly resource: string; readonly on: (g: NodeGraph, e: 'added' | 'updated' | 'deleted', o: unknown) => void }[] = [
  { kind: 'pods', group: '', resource: 'pods', on: (g, e, o) => g.onPod(e, o) },
  { kind: 'persistentvolumes', group: '', resource: 'persistentvolumes', on: (g, e, o) => g.onPersistentVolume(e, o) },
  { kind: 'volumeattachments', group: 'storage.k8s.io', resource: 'volumeattachments', on: (g, e, o) => g.onVolumeAttachment(e, o) },
  { kind: 'resourceslices', group: 'resource.k8s.io', resource: 'resourceslices', on: (g, e, o) => g.onResourceSlice(e, o) },
];

export async function buildAuthorization(cfg: ApiserverConfig, registry: Registry, logger: Logger): Promise<Authorization> {
  const modes = cfg.authorizationModes;
  const informers: Informer[] = [];
  let nodeGraph: NodeGraph | undefined;
  if (modes.includes('Node')) {
    const graph = new NodeGraph();
    nodeGraph = graph;
    for (const src of GRAPH_SOURCES) {
      const store = storeFor(registry, { group: src.group, resource: src.resource });
      if (store === undefined) continue; // not served: nothing of that kind can reach the graph
      informers.push(new Informer(store, logger, { replaced: (objects) => graph.replaceAll(src.kind, objects), changed: (e, o) => src.on(graph, e, o) }));
    }
  }
  const wh = cfg.authorizationWebhook;
  const webhook = wh !== undefined && modes.includes('Webhook') ? await webhookModeAuthorizer(wh, { logger }) : undefined;
  const chain = buildAuthorizerChain(modes, { rbacSource: registryRbacSource(registry), ...(nodeGraph !== undefined ? { nodeGraph } : {}), ...(webhook !== undefined ? { webhook } : {}) });
  const authorizer: Authorizer & RuleResolver = { authorize: (a) => chain.authorizer.authorize(a), rulesFor: (u, ns) => chain.ruleResolver.rulesFor(u, ns) };
  const rbac = chain.rbac;
  const admission: AdmissionPlugin | undefined = rbac === undefined ? undefined : {
    name: 'RBACEscalation',
    validate: async (attrs) => {
      if (attrs.group !== RBAC || attrs.operation === 'DELETE' || attrs.ctx === undefined) return;
      const ctx = { user: userInfo(attrs.ctx.user, { groups: [...(attrs.ctx.groups ?? [])] }), authorizer: chain.authorizer, resolver: rbac.resolver };
      const requestName = attrs.operation === 'CREATE' ? '' : attrs.name;
      if (attrs.resource === 'roles' || attrs.resource === 'clusterroles') {
        await checkRoleWrite(ctx, { resource: attrs.resource, namespace: attrs.namespace, requestName, object: attrs.object as unknown as Role, ...(attrs.oldObject !== undefined ? { oldObject: attrs.oldObject as unknown as Role } : {}) });
      } else if (attrs.resource === 'rolebindings' || attrs.resource === 'clusterrolebindings') {
        await checkBindingWrite(ctx, { resource: attrs.resource, namespace: attrs.namespace, object: attrs.object as unknown as RoleBinding, ...(attrs.oldObject !== undefined ? { oldObject: attrs.oldObject as unknown as RoleBinding } : {}) });
      }
    },
  };
  return { authorizer, chain, admission, informers, close: () => webhook?.close() };
}

/** kube's RBAC post-start hook: the default roles and bindings, put back as they ship without undoing user changes. */
export async function reconcileBootstrapRbac(registry: Registry, logger: Logger): Promise<void> {
  const roles = registry.lookup(RBAC, 'v1', 'clusterroles');
  const bindings = registry.lookup(RBAC, 'v1', 'clusterrolebindings');
  if (roles === undefined || bindings === undefined) return;
  const existing = { clusterRoles: await listAll<ClusterRole>(registry, 'clusterroles', ''), clusterRoleBindings: await listAll<ClusterRoleBinding>(registry, 'clusterrolebindings', '') };
  const actions = reconcileBootstrapPolicy(existing);
  const scope: RequestScope = { namespace: '' };
  let done = 0;
  for (const a of actions) {
    const store = a.kind === 'ClusterRole' ? roles : bindings;
    const name = a.object.metadata.name ?? '';
    try {
      if (a.op === 'create') await store.create(scope, a.object);
      else if (a.op === 'update') await store.update(scope, name, a.object);
      else {
        await store.delete(scope, name, { preconditions: { uid: a.existing.metadata.uid ?? '' } });
        await store.create(scope, a.object);
      }
      done++;
    } catch (err) {
      // Another replica reconciling at the same moment: its write stands, the next start looks again.
      if (!(err instanceof StatusError && (err.status.code === 409))) throw err;
    }
  }
  done += await reconcileNamespacedBootstrap(registry);
  if (done > 0) logger.info('reconciled the bootstrap RBAC policy', { changes: done });
}

/**
 * The Roles and RoleBindings kube creates in kube-system and kube-public
 * (leader locking, bootstrap signer, ...): made when absent; a Role that
 * still allows auto-update gets back rules it lost, as the cluster roles do.
 */
async function reconcileNamespacedBootstrap(registry: Registry): Promise<number> {
  const roles = registry.lookup(RBAC, 'v1', 'roles');
  const bindings = registry.lookup(RBAC, 'v1', 'rolebindings');
  if (roles === undefined || bindings === undefined) return 0;
  const policy = bootstrapNamespacedPolicy();
  let done = 0;
  const attempt = async (write: () => Promise<unknown>): Promise<void> => {
    try {
      await write();
      done++;
    } catch (err) {
      // Another replica reconciling at the same moment: its write stands.
      if (!(err instanceof StatusError && err.status.code === 409)) throw err;
    }
  };
  for (const want of policy.roles) {
    const scope: RequestScope = { namespace: want.metadata.namespace ?? '' };
    const have = (await listAll<Role>(registry, 'roles', scope.namespace)).find((r) => r.metadata.name === want.metadata.name);
    if (have === undefined) await attempt(() => roles.create(scope, want));
    else {
      const next = reconcileRole(have, want);
      if (next !== undefined) await attempt(() => roles.update(scope, want.metadata.name, next));
    }
  }
  for (const want of policy.roleBindings) {
    const scope: RequestScope = { namespace: want.metadata.namespace ?? '' };
    const have = (await listAll<RoleBinding>(registry, 'rolebindings', scope.namespace)).some((b) => b.metadata.name === want.metadata.name);
    if (!have) await attempt(() => bindings.create(scope, want));
  }
  return done;
}
