// The Node authorizer's graph (kube's plugin/pkg/auth/authorizer/node/graph.go):
// which objects a node may read because a pod bound to it uses them.
//
//   node <- pod <- secret | configmap | serviceaccount | pvc | resourceclaim
//   node <- pod <- pvc <- pv <- secret
//   node <- volumeattachment,  node <- resourceslice
//
// Fed by the apiserver from its watch caches (the lead wires onPod/… to the
// pod, persistentvolume, volumeattachment and resourceslice caches). Bound:
// the graph holds one record per live pod, PV, VolumeAttachment and
// ResourceSlice the feed announced, plus one counter per (referenced object,
// node) pair; deletes remove them, so it is never larger than the caches
// feeding it. Nothing here is queued: each event is applied synchronously.

import { persistentVolumeReferences, podReferences, type NamespacedName } from './object-references.ts';

export const GRAPH_EVENTS = ['added', 'updated', 'deleted'] as const;
export type GraphEvent = (typeof GRAPH_EVENTS)[number];

/** The watched resources that feed the graph. */
export const GRAPH_KINDS = ['pods', 'persistentvolumes', 'volumeattachments', 'resourceslices'] as const;
export type GraphKind = (typeof GRAPH_KINDS)[number];

/** Object kinds a node's access can be traced from. */
export const VERTEX_TYPES = ['pod', 'secret', 'configmap', 'serviceaccount', 'pvc', 'pv', 'resourceclaim', 'volumeattachment', 'resourceslice'] as const;
export type VertexType = (typeof VERTEX_TYPES)[number];

/** What the Node authorizer asks of the graph. */
export interface NodeGraphReader {
  /** true when there is a path from the object to the node. */
  hasPath(nodeName: string, type: VertexType, namespace: string, name: string): boolean;
}

interface PodRecord {
  readonly node: string;
  /** Keys into #nodesByObject this pod added one count to. */
  readonly refs: readonly string[];
}

interface PvRecord {
  readonly claimKey?: string;
  readonly secretKeys: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;

function field(o: unknown, a: string, b: string): string {
  const inner = typeof o === 'object' && o !== null ? (o as Obj)[a] : undefined;
  const v = typeof inner === 'object' && inner !== null ? (inner as Obj)[b] : undefined;
  return typeof v === 'string' ? v : '';
}

function key(type: VertexType, namespace: string, name: string): string {
  // NUL cannot occur in a Kubernetes name or namespace, so keys never collide.
  return `${type}\0${namespace}\0${name}`;
}

function assertEvent(event: GraphEvent): void {
  if (!(GRAPH_EVENTS as readonly string[]).includes(event)) throw new Error(`assertion failed: unknown graph event ${String(event)}`);
}

export class NodeGraph implements NodeGraphReader {
  readonly #pods = new Map<string, PodRecord>();
  readonly #pvs = new Map<string, PvRecord>();
  readonly #attachments = new Map<string, string>();
  readonly #slices = new Map<string, string>();
  /** object key → node → how many of that node's pods reference the object. */
  readonly #nodesByObject = new Map<string, Map<string, number>>();
  /** pvc key or secret key → names of the PVs pointing at it. */
  readonly #pvsByTarget = new Map<string, Set<string>>();

  /** A pod event. Pods not yet scheduled (no spec.nodeName) give no node anything. */
  onPod(event: GraphEvent, pod: unknown): void {
    assertEvent(event);
    const namespace = field(pod, 'metadata', 'namespace');
    const name = field(pod, 'metadata', 'name');
    if (name === '') throw new Error('assertion failed: pod event without metadata.name');
    const podKey = key('pod', namespace, name);
    this.#removePod(podKey);
    const node = field(pod, 'spec', 'nodeName');
    if (event === 'deleted' || node === '') return;
    // An update re-reads every reference: cheaper to reason about than kube's
    // "node and uid unchanged" shortcut, and it also covers a pod deleted and
    // re-created under the same name on another node (rebinding).
    const r = podReferences(pod);
    const refs: string[] = [podKey];
    for (const s of r.secrets) refs.push(key('secret', namespace, s));
    for (const c of r.configMaps) refs.push(key('configmap', namespace, c));
    for (const c of r.persistentVolumeClaims) refs.push(key('pvc', namespace, c));
    for (const c of r.resourceClaims) refs.push(key('resourceclaim', namespace, c));
    if (r.serviceAccount !== '') refs.push(key('serviceaccount', namespace, r.serviceAccount));
    for (const k of refs) this.#count(k, node, +1);
    this.#pods.set(podKey, { node, refs });
  }

  onPersistentVolume(event: GraphEvent, pv: unknown): void {
    assertEvent(event);
    const name = field(pv, 'metadata', 'name');
    if (name === '') throw new Error('assertion failed: persistentvolume event without metadata.name');
    this.#removePv(name);
    if (event === 'deleted') return;
    const r = persistentVolumeReferences(pv);
    const rec: PvRecord = {
      ...(r.claim === undefined ? {} : { claimKey: key('pvc', r.claim.namespace, r.claim.name) }),
      secretKeys: [...new Set(r.secrets.map((s: NamespacedName) => key('secret', s.namespace, s.name)))],
    };
    for (const target of rec.claimKey === undefined ? rec.secretKeys : [rec.claimKey, ...rec.secretKeys]) {
      let set = this.#pvsByTarget.get(target);
      if (set === undefined) this.#pvsByTarget.set(target, (set = new Set<string>()));
      set.add(name);
    }
    this.#pvs.set(name, rec);
  }

  onVolumeAttachment(event: GraphEvent, va: unknown): void {
    this.#onNodeOwned(this.#attachments, event, va);
  }

  /** resource.k8s.io ResourceSlices: a slice belongs to the node in spec.nodeName. */
  onResourceSlice(event: GraphEvent, slice: unknown): void {
    this.#onNodeOwned(this.#slices, event, slice);
  }

  /**
   * A re-list (after a watch cache restarts from a fresh list): `objects` is
   * now the whole truth for that kind. Records the list no longer holds are
   * dropped — a delete missed while the watch was down must not leave a node
   * its access — and every listed object is applied as an update.
   */
  replaceAll(kind: GraphKind, objects: readonly unknown[]): void {
    const listed = new Set<string>();
    for (const o of objects) {
      const ns = kind === 'pods' ? field(o, 'metadata', 'namespace') : '';
      listed.add(kind === 'pods' ? key('pod', ns, field(o, 'metadata', 'name')) : field(o, 'metadata', 'name'));
    }
    const stale = (keys: Iterable<string>): string[] => [...keys].filter((k) => !listed.has(k));
    switch (kind) {
      case 'pods':
        for (const k of stale(this.#pods.keys())) this.#removePod(k);
        for (const o of objects) this.onPod('updated', o);
        return;
      case 'persistentvolumes':
        for (const k of stale(this.#pvs.keys())) this.#removePv(k);
        for (const o of objects) this.onPersistentVolume('updated', o);
        return;
      case 'volumeattachments':
        for (const k of stale(this.#attachments.keys())) this.#attachments.delete(k);
        for (const o of objects) this.onVolumeAttachment('updated', o);
        return;
      case 'resourceslices':
        for (const k of stale(this.#slices.keys())) this.#slices.delete(k);
        for (const o of objects) this.onResourceSlice('updated', o);
        return;
    }
  }

  hasPath(nodeName: string, type: VertexType, namespace: string, name: string): boolean {
    if (nodeName === '') return false;
    switch (type) {
      case 'volumeattachment':
        return this.#attachments.get(name) === nodeName;
      case 'resourceslice':
        return this.#slices.get(name) === nodeName;
      case 'pv': {
        const claimKey = this.#pvs.get(name)?.claimKey;
        return claimKey !== undefined && this.#usedBy(claimKey, nodeName);
      }
      case 'secret': {
        const k = key(type, namespace, name);
        if (this.#usedBy(k, nodeName)) return true;
        for (const pv of this.#pvsByTarget.get(k) ?? []) if (this.hasPath(nodeName, 'pv', '', pv)) return true;
        return false;
      }
      case 'pod':
      case 'configmap':
      case 'serviceaccount':
      case 'pvc':
      case 'resourceclaim':
        return this.#usedBy(key(type, namespace, name), nodeName);
    }
  }

  /** How many records the graph holds, for metrics and for tests of its bound. */
  get size(): { readonly pods: number; readonly persistentVolumes: number; readonly volumeAttachments: number; readonly resourceSlices: number; readonly references: number } {
    let references = 0;
    for (const m of this.#nodesByObject.values()) references += m.size;
    for (const s of this.#pvsByTarget.values()) references += s.size;
    return { pods: this.#pods.size, persistentVolumes: this.#pvs.size, volumeAttachments: this.#attachments.size, resourceSlices: this.#slices.size, references };
  }

  #usedBy(objectKey: string, nodeName: string): boolean {
    return (this.#nodesByObject.get(objectKey)?.get(nodeName) ?? 0) > 0;
  }

  #count(objectKey: string, node: string, delta: 1 | -1): void {
    let byNode = this.#nodesByObject.get(objectKey);
    if (byNode === undefined) this.#nodesByObject.set(objectKey, (byNode = new Map<string, number>()));
    const n = (byNode.get(node) ?? 0) + delta;
    if (n < 0) throw new Error(`assertion failed: negative reference count for ${objectKey.replaceAll('\0', '/')} on node ${node}`);
    if (n === 0) byNode.delete(node);
    else byNode.set(node, n);
    if (byNode.size === 0) this.#nodesByObject.delete(objectKey);
  }

  #removePod(podKey: string): void {
    const old = this.#pods.get(podKey);
    if (old === undefined) return;
    for (const k of old.refs) this.#count(k, old.node, -1);
    this.#pods.delete(podKey);
  }

  #removePv(name: string): void {
    const old = this.#pvs.get(name);
    if (old === undefined) return;
    for (const target of old.claimKey === undefined ? old.secretKeys : [old.claimKey, ...old.secretKeys]) {
      const set = this.#pvsByTarget.get(target);
      set?.delete(name);
      if (set?.size === 0) this.#pvsByTarget.delete(target);
    }
    this.#pvs.delete(name);
  }

  #onNodeOwned(map: Map<string, string>, event: GraphEvent, o: unknown): void {
    assertEvent(event);
    const name = field(o, 'metadata', 'name');
    if (name === '') throw new Error('assertion failed: graph event without metadata.name');
    const node = field(o, 'spec', 'nodeName');
    if (event === 'deleted' || node === '') map.delete(name);
    else map.set(name, node);
  }
}
