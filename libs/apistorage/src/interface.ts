// The apiserver's storage seam, in the shape of k8s.io/apiserver's
// storage.Interface: the generic registry talks only to this, the etcd v3
// implementation and the watch cache implement it, and one contract suite
// runs against every implementation (Logbook's store, real etcd, the cache).
//
// Objects are plain decoded JSON (`KubeObject`). Keys are full storage keys
// ("/registry/pods/default/web-0"); a prefix ends with "/". resourceVersion
// is the store's revision as a decimal string: mod_revision for one object,
// the read revision for a list. It is never stored inside the value: the
// implementation sets metadata.resourceVersion on every object it returns
// and clears it before writing.

/** A decoded Kubernetes object: at least metadata. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly deletionGracePeriodSeconds?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
  readonly ownerReferences?: readonly unknown[];
  readonly managedFields?: readonly unknown[];
  readonly [field: string]: unknown;
}

/**
 * Who asked for a write and why: it travels with the storage operation into
 * the one log entry the write proposes (Logbook's store records it; real
 * etcd ignores it).
 */
export interface RequestContext {
  readonly user: string;
  readonly groups?: readonly string[];
  readonly verb: string;
  /** "" for the core group. */
  readonly apiGroup?: string;
  readonly resource: string;
  /** e.g. "status", "scale"; absent for the resource itself. */
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly auditId: string;
  /** W3C traceparent, when the request carries one. */
  readonly traceparent?: string;
}

/** Preconditions on the stored object (DeleteOptions.preconditions, update's resourceVersion). */
export interface Preconditions {
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** metav1 resourceVersionMatch. */
export type ResourceVersionMatch = 'NotOlderThan' | 'Exact';

export interface GetOptions {
  /** "" (or absent): the latest (a quorum read); "0": any; "N": not older than N. */
  readonly resourceVersion?: string;
  readonly ignoreNotFound?: boolean;
  readonly signal?: AbortSignal;
}

/** Decides whether an object belongs to a list or watch (label and field selectors). */
export type Predicate = (obj: KubeObject) => boolean;

export interface ListOptions {
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: ResourceVersionMatch;
  /** Page size; 0 or absent: everything. A page may hold fewer items when the predicate filters. */
  readonly limit?: number;
  /** An opaque continue token from an earlier page. */
  readonly continue?: string;
  readonly predicate?: Predicate;
  readonly signal?: AbortSignal;
}

export interface ListResult {
  /** The objects, streamed: the implementation reads the store in bounded chunks as this is iterated. */
  readonly items: AsyncIterable<KubeObject>;
  /**
   * Set once `items` has been fully iterated (a list's metadata follows its
   * items in the response body): the read revision, the continue token for
   * the next page ("" when none), and remainingItemCount when known.
   */
  readonly meta: () => ListMeta;
}

export interface ListMeta {
  readonly resourceVersion: string;
  readonly continue: string;
  readonly remainingItemCount?: number;
}

export interface WatchOptions {
  /** "" or absent: from now ("0" is the same for the etcd implementation; the cache sends the current state first). */
  readonly resourceVersion?: string;
  readonly predicate?: Predicate;
  /** Emit BOOKMARK events (allowWatchBookmarks). */
  readonly bookmarks?: boolean;
  /** sendInitialEvents: ADDED for every current object, then a BOOKMARK with the initial-events-end annotation. */
  readonly sendInitialEvents?: boolean;
  readonly signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  readonly type: WatchEventType;
  /** The object (for DELETED: its last state, with the deletion's resourceVersion); a Status for ERROR. */
  readonly object: KubeObject;
}

/** A running watch: iterate its events; it ends when closed, aborted, or the server ends it (then `closed` says why). */
export interface Watch extends AsyncIterable<WatchEvent> {
  close(): void;
  /** Resolves when the watch ended: undefined for a clean end, the error that ended it otherwise. */
  readonly closed: Promise<Error | undefined>;
}

/**
 * tryUpdate gets the current object (undefined when absent and
 * ignoreNotFound) and returns the object to store, or throws to abort. It
 * may run more than once: on a concurrent change the implementation reads
 * again and retries.
 */
export type TryUpdate = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

/**
 * A write committed in the same store transaction as a create or update, or
 * not at all: ResourceQuota usage charged together with the object that
 * uses it. `object.metadata.resourceVersion` is the revision the companion's
 * key must still be at; if it moved, nothing is written and the call fails
 * with StorageError companionConflict (err.key names the companion).
 */
export interface CompanionWrite {
  readonly key: string;
  readonly object: KubeObject;
}

/** Called with the current object before a delete commits; throw to refuse. */
export type ValidateDeletion = (current: KubeObject) => void | Promise<void>;

export interface UpdateOptions {
  readonly preconditions?: Preconditions;
  readonly ignoreNotFound?: boolean;
  readonly ctx?: RequestContext;
  readonly signal?: AbortSignal;
  /** Read after each tryUpdate: the companions of the object it returned (see CompanionWrite). */
  readonly companions?: () => readonly CompanionWrite[];
}

export interface Storage {
  /** Stores obj at key if absent; returns it as stored (resourceVersion set). StorageError keyExists. */
  create(key: string, obj: KubeObject, ctx?: RequestContext, signal?: AbortSignal, companions?: readonly CompanionWrite[]): Promise<KubeObject>;
  /** StorageError keyNotFound (unless ignoreNotFound: then undefined). */
  get(key: string, opts?: GetOptions): Promise<KubeObject | undefined>;
  /** Objects under prefix, key order, at one revision across every page. */
  getList(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Deletes key if preconditions hold; returns the last state. StorageError keyNotFound / preconditionFailed. */
  delete(key: string, opts?: { readonly preconditions?: Preconditions; readonly validateDeletion?: ValidateDeletion; readonly ctx?: RequestContext; readonly signal?: AbortSignal }): Promise<KubeObject>;
  /** Read-modify-write with compare-and-swap on the key's revision, retried on conflict. */
  guaranteedUpdate(key: string, tryUpdate: TryUpdate, opts?: UpdateOptions): Promise<KubeObject>;
  watch(key: string, opts?: WatchOptions & { readonly recursive?: boolean }): Promise<Watch>;
  /**
   * Optional: ask for a BOOKMARK at the store's revision on every open watch
   * that asked for bookmarks (etcd's WatchProgressRequest). The watch cache
   * uses it to show it is current for a consistent read; without it, a
   * consistent read goes to the store.
   */
  requestWatchProgress?(signal?: AbortSignal): Promise<void>;
  /** The store's current revision, read linearizably (what a consistent read must wait for). */
  currentRevision(signal?: AbortSignal): Promise<number>;
  close(): Promise<void>;
}
