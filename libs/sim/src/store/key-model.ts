// The sequential specification of one store key, for the linearizability
// search (linearizability.ts): etcd's per-key state (value, version,
// createRevision, modRevision, lease) plus the revision of the last
// operation on the key. Every store operation is tagged with a revision
// (a write creates it, a read is served at it), and the store's order of
// revisions is its linearization order, so on one key a write must come
// after everything linearized before it in revision order (strictly later)
// and a read no earlier. That lets the search check revisions as well as
// values: a read that saw an old revision after a newer write returned, or
// a write applied twice (its version bumped twice), has no linearization.

import type { LinearizabilityModel, TimedOp } from '../linearizability.ts';
import { describeKv, type CasCompare, type SimKv } from './store-ops.ts';

/** One operation's effect on one key. Ops touching several keys (ranges, revokes, expiries) are projected onto each. */
export type KeyOpInput =
  | { readonly kind: 'put'; readonly value: string; readonly lease: number }
  | { readonly kind: 'read' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'cas'; readonly compare: CasCompare; readonly value: string }
  /** A lease revoke or expiry deleted this key: it carried one of `leases`. */
  | { readonly kind: 'leaseDelete'; readonly leases: readonly number[] }
  /** A lease revoke or expiry left this key alone: it carried none of `leases`. */
  | { readonly kind: 'leaseKeep'; readonly leases: readonly number[] };

export interface KeyOp extends TimedOp {
  readonly input: KeyOpInput;
  /** The revision the operation created (a write) or was served at. */
  readonly revision: number;
  /** Did it change the key (put, successful cas, delete of a present key, lease deletion)? */
  readonly wrote: boolean;
  /** What a read (or a failed cas) saw of the key; undefined: absent. */
  readonly kv: SimKv | undefined;
  /** The client operation it comes from, for reports. */
  readonly source: string;
}

export interface KeyState {
  readonly kv: SimKv | undefined;
  readonly lastRevision: number;
}

function compareHolds(kv: SimKv | undefined, c: CasCompare): boolean {
  // etcd: a missing key has mod_revision 0, and a VALUE compare on it fails.
  if (c.target === 'mod') return (kv?.modRevision ?? 0) === c.modRevision;
  return kv !== undefined && kv.value === c.value;
}

function sameKv(a: SimKv | undefined, b: SimKv | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.value === b.value && a.version === b.version && a.createRevision === b.createRevision && a.modRevision === b.modRevision && a.lease === b.lease;
}

function written(s: KeyState, key: number, value: string, lease: number, revision: number): KeyState {
  const kv: SimKv = {
    key,
    value,
    lease,
    version: (s.kv?.version ?? 0) + 1,
    createRevision: s.kv?.createRevision ?? revision,
    modRevision: revision,
  };
  return { kv, lastRevision: revision };
}

const REJECT = (s: KeyState): { ok: boolean; next: KeyState } => ({ ok: false, next: s });

/** The model for key `key` (its index, to build the state's KeyValue). */
export function keyModel(key: number): LinearizabilityModel<KeyState, KeyOp> {
  return {
    init: { kv: undefined, lastRevision: 0 },
    step(s, op) {
      const r = op.revision;
      if (op.wrote ? r <= s.lastRevision : r < s.lastRevision) return REJECT(s);
      const read = { ok: true, next: { kv: s.kv, lastRevision: r } };
      const i = op.input;
      switch (i.kind) {
        case 'put':
          return { ok: true, next: written(s, key, i.value, i.lease, r) };
        case 'read':
          return sameKv(s.kv, op.kv) ? read : REJECT(s);
        case 'delete':
          if (!op.wrote) return s.kv === undefined ? read : REJECT(s);
          return s.kv !== undefined ? { ok: true, next: { kv: undefined, lastRevision: r } } : REJECT(s);
        case 'cas':
          if (op.wrote) return compareHolds(s.kv, i.compare) ? { ok: true, next: written(s, key, i.value, 0, r) } : REJECT(s);
          return !compareHolds(s.kv, i.compare) && sameKv(s.kv, op.kv) ? read : REJECT(s);
        case 'leaseDelete':
          return s.kv !== undefined && i.leases.includes(s.kv.lease) ? { ok: true, next: { kv: undefined, lastRevision: r } } : REJECT(s);
        case 'leaseKeep':
          return s.kv === undefined || !i.leases.includes(s.kv.lease) ? read : REJECT(s);
      }
    },
    stateKey: (s) => `${describeKv(s.kv)}|${s.lastRevision}`,
    describe: (op) => `#${op.id} ${op.source} @${op.revision}${op.wrote ? ' (write)' : ''} saw ${describeKv(op.kv)}`,
  };
}
