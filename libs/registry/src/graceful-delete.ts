// DELETE as kube's generic store runs it (registry.Store.Delete with
// rest.BeforeDelete and updateForGracefulDeletionAndFinalizers): a kind whose
// strategy deletes gracefully (pods) is first marked with deletionTimestamp =
// now + grace and kept until a later delete with a shorter (or zero) period;
// an object with finalizers is marked deleting and kept until they are gone;
// anything else is removed at once. The decisions are pure functions of the
// stored object and the DeleteOptions; the store supplies the I/O (DeleteSteps).

import { conflict, StatusError, type GroupResource, type Status } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import { mutableCopy, rfc3339 } from './object-meta.ts';
import type { MutableObject, Strategy } from './strategy.ts';

export interface DeleteRequest {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** Deprecated upstream, still honoured: true is Orphan, false is "not Orphan" (and not Foreground). */
  readonly orphanDependents?: boolean;
}

/** A DELETE's outcome: the object (still there, terminating; or the kind returns it) or a Success Status. */
export type DeleteResult =
  | { readonly kind: 'object'; readonly object: KubeObject; readonly deleted: boolean }
  | { readonly kind: 'status'; readonly status: Status };

/** What the store lends a deletion: reads, the server's own write, the removal, and the kind's answer. */
export interface DeleteSteps {
  readonly strategy: Strategy;
  readonly gr: GroupResource;
  readonly now: () => number;
  readonly dryRun: boolean;
  get(): Promise<KubeObject>;
  /** Admission's say on deleting `current` (refusal: a StatusError). */
  validate(current: KubeObject): Promise<void>;
  /** Read-modify-write by the server itself; `build` may run again on a concurrent change; an unchanged object writes nothing. */
  mark(build: (current: KubeObject) => MutableObject): Promise<KubeObject>;
  /** Removes the object (never called on a dry run); answers its last state. */
  remove(preconditions: { readonly uid: string; readonly resourceVersion?: string }): Promise<KubeObject>;
  /** The answer for a removed object: the object itself or a Success Status, as the kind does. */
  deleted(obj: KubeObject): DeleteResult;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** The storage layer's precondition check, with its wording (409 Conflict). */
export function checkPreconditions(gr: GroupResource, obj: KubeObject, pre: DeleteRequest['preconditions']): void {
  const name = obj.metadata.name ?? '';
  if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) {
    throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`);
  }
}

/** kube's BeforeDelete: pending (a longer or equal period asked of an object already terminating), graceful (with the marked copy), or neither. */
export type GracePlan =
  | { readonly kind: 'pending' }
  | { readonly kind: 'graceful'; readonly grace: number; readonly object: MutableObject }
  | { readonly kind: 'notGraceful' };

/** A negative period means one second on the delete path (kube's rule, for the request and for a stored value). */
const atLeastOne = (s: number): number => (s < 0 ? 1 : s);

export function planGrace(obj: KubeObject, requested: number | undefined, strategy: Strategy, nowMs: number): GracePlan {
  const check = strategy.checkGracefulDelete;
  if (check === undefined) return { kind: 'notGraceful' };
  const want = requested === undefined ? undefined : atLeastOne(requested);
  const meta = obj.metadata;
  if (meta.deletionTimestamp !== undefined) {
    const stored = typeof meta.deletionGracePeriodSeconds === 'number' ? atLeastOne(meta.deletionGracePeriodSeconds) : 0;
    // Marked with no period left (or a mark whose delete failed half-way): remove it now.
    if (stored === 0) return { kind: 'notGraceful' };
    // Only a shorter period may be asked for; anything else waits for the one running.
    if (want === undefined || want >= stored) return { kind: 'pending' };
    const out = mutableCopy(obj);
    out.metadata.deletionTimestamp = rfc3339(Date.parse(meta.deletionTimestamp) - stored * 1000 + want * 1000);
    out.metadata.deletionGracePeriodSeconds = want;
    return { kind: 'graceful', grace: want, object: out };
  }
  const grace = check(obj, want);
  if (grace === undefined) return { kind: 'notGraceful' };
  const out = mutableCopy(obj);
  out.metadata.deletionTimestamp = rfc3339(nowMs + grace * 1000);
  out.metadata.deletionGracePeriodSeconds = grace;
  // Controllers must see that their object is going: the first mark counts as a change (kube bumps generation).
  if (typeof out.metadata.generation === 'number' && out.metadata.generation > 0) out.metadata.generation += 1;
  return { kind: 'graceful', grace, object: out };
}

/**
 * The garbage collector's finalizers for these options (kube's
 * deletionFinalizersForGarbageCollection): explicit options win, else the
 * object's own GC finalizer stands. Others are kept, in order.
 */
export function gcFinalizers(finalizers: readonly string[], req: DeleteRequest): { changed: boolean; finalizers: string[] } {
  const firstGc = finalizers.find((f) => f === ORPHAN || f === FOREGROUND);
  let orphan: boolean;
  let foreground: boolean;
  if (req.orphanDependents !== undefined) {
    orphan = req.orphanDependents;
    foreground = false;
  } else if (req.propagationPolicy !== undefined) {
    orphan = req.propagationPolicy === 'Orphan';
    foreground = req.propagationPolicy === 'Foreground';
  } else {
    orphan = firstGc === ORPHAN;
    foreground = firstGc === FOREGROUND;
  }
  const next = [...finalizers.filter((f) => f !== ORPHAN && f !== FOREGROUND), ...(orphan ? [ORPHAN] : []), ...(foreground ? [FOREGROUND] : [])];
  const before = new Set(finalizers);
  const changed = before.size !== new Set(next).size || next.some((f) => !before.has(f));
  return { changed, finalizers: changed ? next : [...finalizers] };
}

const isNamespace = (strategy: Strategy): boolean => strategy.info.group === '' && strategy.info.kind === 'Namespace';

/** Finalizers that hold the object: metadata.finalizers, and a namespace's spec.finalizers (its controller's). */
function holdsFinalizers(obj: KubeObject | MutableObject, strategy: Strategy): boolean {
  const meta = obj.metadata as { finalizers?: unknown };
  if (Array.isArray(meta.finalizers) && meta.finalizers.length > 0) return true;
  if (!isNamespace(strategy)) return false;
  const spec = (obj as { spec?: { finalizers?: unknown } }).spec;
  return Array.isArray(spec?.finalizers) && spec.finalizers.length > 0;
}

/** kube's markAsDeleting: deleting from now (never later than a mark already there), with no grace left. */
export function markAsDeleting(obj: MutableObject, nowMs: number, strategy: Strategy): void {
  const meta = obj.metadata;
  const ts = typeof meta.deletionTimestamp === 'string' ? meta.deletionTimestamp : undefined;
  if (ts === undefined && typeof meta.generation === 'number' && meta.generation > 0) meta.generation += 1;
  if (ts === undefined || Date.parse(ts) > nowMs) meta.deletionTimestamp = rfc3339(nowMs);
  meta.deletionGracePeriodSeconds = 0;
  if (isNamespace(strategy)) obj.status = { ...(obj.status as Record<string, unknown> | undefined), phase: 'Terminating' };
}

type Outcome = 'pending' | 'kept' | 'deleteNow' | 'deleteMarked';

/** The answer while a graceful deletion is already running: the object for kinds that return it, else Success. */
function pendingResult(steps: DeleteSteps, current: KubeObject): DeleteResult {
  return steps.strategy.returnsDeletedObject ? { kind: 'object', object: current, deleted: false } : steps.deleted(current);
}

/** One DELETE of one object, every rule above applied; dry run writes nothing and answers what would be. */
export async function deleteObject(steps: DeleteSteps, req: DeleteRequest): Promise<DeleteResult> {
  const { strategy, gr } = steps;
  const current = await steps.get();
  checkPreconditions(gr, current, req.preconditions);
  await steps.validate(current);
  const first = planGrace(current, req.gracePeriodSeconds, strategy, steps.now());
  if (first.kind === 'pending') return pendingResult(steps, current);
  const gcChange = gcFinalizers(current.metadata.finalizers ?? [], req).changed;
  if (first.kind === 'graceful' || holdsFinalizers(current, strategy) || gcChange) {
    // Decided again on whatever is stored when the write happens: a concurrent delete may have got there first.
    const state: { outcome: Outcome } = { outcome: 'kept' };
    const marked = await steps.mark((existing) => {
      checkPreconditions(gr, existing, req.preconditions);
      const plan = planGrace(existing, req.gracePeriodSeconds, strategy, steps.now());
      if (plan.kind === 'pending') {
        state.outcome = 'pending';
        return mutableCopy(existing);
      }
      const obj = plan.kind === 'graceful' ? plan.object : mutableCopy(existing);
      const gc = gcFinalizers(existing.metadata.finalizers ?? [], req);
      if (gc.changed) {
        if (gc.finalizers.length > 0) obj.metadata.finalizers = gc.finalizers;
        else delete obj.metadata.finalizers;
      }
      const held = holdsFinalizers(obj, strategy);
      if (plan.kind === 'notGraceful') {
        if (!held) {
          state.outcome = 'deleteNow';
          return mutableCopy(existing);
        }
        markAsDeleting(obj, steps.now(), strategy);
        state.outcome = 'kept';
        return obj;
      }
      state.outcome = held || plan.grace > 0 ? 'kept' : 'deleteMarked';
      return obj;
    });
    switch (state.outcome) {
      case 'pending': return pendingResult(steps, current);
      case 'kept': return { kind: 'object', object: marked, deleted: false };
      case 'deleteNow': break;
      case 'deleteMarked': {
        // Marked with grace 0 (the write shows watchers the deletionTimestamp), now removed.
        if (steps.dryRun) return steps.deleted(marked);
        const rv = req.preconditions?.resourceVersion !== undefined ? { resourceVersion: marked.metadata.resourceVersion ?? '' } : {};
        try {
          return steps.deleted(await steps.remove({ uid: marked.metadata.uid ?? '', ...rv }));
        } catch (err) {
          // Someone else (the kubelet, another delete) finished it between the mark and the removal.
          if (isNotFound(err)) return steps.deleted(marked);
          throw err;
        }
      }
    }
  }
  if (steps.dryRun) return steps.deleted(current);
  const rv = req.preconditions?.resourceVersion !== undefined ? { resourceVersion: req.preconditions.resourceVersion } : {};
  return steps.deleted(await steps.remove({ uid: current.metadata.uid ?? '', ...rv }));
}

function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.status.code === 404;
}
