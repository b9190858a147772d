// What the store workload's clients ask and what they are told, in the
// simulator's own small vocabulary (keys are indexes into a fixed key set,
// values are unique strings), with the mapping to and from the MVCC
// requests and responses a member proposes and applies. outputOf() is used
// both for a client's answer and for the committed history, so the two can
// be compared exactly.

import type { ApplyResult, Bytes, KeyValue, MvccRequest, RangeRequest, RangeResponse, RequestOp } from '@logbook/mvcc';

/** Index into the run's key set: key i is `/sim/k<i>` (one character, so at most 10 keys). */
export type KeyIndex = number;

export const MAX_KEYS = 10;
const KEY_PREFIX = '/sim/k';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Key i's bytes; keyBytes(n) is the exclusive end of keys 0..n-1 (the character after '0'+(n-1)). */
export function keyBytes(i: KeyIndex): Bytes {
  if (!Number.isInteger(i) || i < 0 || i > MAX_KEYS) throw new RangeError(`key index ${i}`);
  return encoder.encode(KEY_PREFIX + String.fromCharCode(48 + i));
}

export function keyIndexOf(key: Bytes): KeyIndex {
  const s = decoder.decode(key);
  const i = s.length === KEY_PREFIX.length + 1 && s.startsWith(KEY_PREFIX) ? s.charCodeAt(KEY_PREFIX.length) - 48 : -1;
  if (i < 0 || i >= MAX_KEYS) throw new RangeError(`not a simulator key: ${s}`);
  return i;
}

/** How a read is served: ReadIndex on the member (linearizable), local state (serializable), or through the log. */
export type ReadMode = 'linearizable' | 'serializable' | 'log';

export type CasCompare = { readonly target: 'mod'; readonly modRevision: number } | { readonly target: 'value'; readonly value: string };

export type StoreInput =
  | { readonly kind: 'put'; readonly key: KeyIndex; readonly value: string; readonly lease: number }
  /** Keys from..to-1 (a single key when to = from + 1). */
  | { readonly kind: 'range'; readonly from: KeyIndex; readonly to: KeyIndex; readonly mode: ReadMode }
  | { readonly kind: 'delete'; readonly key: KeyIndex }
  /** Txn: if compare then put value else get the key. */
  | { readonly kind: 'cas'; readonly key: KeyIndex; readonly compare: CasCompare; readonly value: string }
  | { readonly kind: 'leaseGrant'; readonly id: number; readonly ttl: number }
  | { readonly kind: 'leaseRevoke'; readonly id: number }
  | { readonly kind: 'keepAlive'; readonly id: number }
  | { readonly kind: 'compact'; readonly revision: number };

export interface SimKv {
  readonly key: KeyIndex;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly lease: number;
}

export type StoreOutput =
  | { readonly kind: 'put'; readonly revision: number }
  | { readonly kind: 'range'; readonly revision: number; readonly kvs: readonly SimKv[] }
  | { readonly kind: 'delete'; readonly revision: number; readonly deleted: number }
  /** `kv`: the key as the failure branch read it (undefined when absent, or on success). */
  | { readonly kind: 'cas'; readonly revision: number; readonly succeeded: boolean; readonly kv: SimKv | undefined }
  | { readonly kind: 'leaseGrant'; readonly revision: number; readonly id: number; readonly ttl: number }
  | { readonly kind: 'leaseRevoke'; readonly revision: number }
  /** `renewedAt`: the tick the leader renewed it (acknowledged only after it confirmed its leadership). */
  | { readonly kind: 'keepAlive'; readonly result: 'renewed'; readonly ttl: number; readonly renewedAt: number }
  | { readonly kind: 'keepAlive'; readonly result: 'expiring' | 'not-found' }
  | { readonly kind: 'compact'; readonly revision: number }
  /** Only from a leader's lessor, never a client's answer. */
  | { readonly kind: 'leaseExpire'; readonly revision: number; readonly expired: readonly number[] }
  /** The request failed etcd's checks and changed nothing (MvccError kind). */
  | { readonly kind: 'error'; readonly error: string };

/** Can `output` answer `input`? (A mismatch is a simulator bug.) */
export function answers(input: StoreInput, output: StoreOutput): boolean {
  return output.kind === 'error' || output.kind === input.kind;
}

export function toSimKv(kv: KeyValue): SimKv {
  return {
    key: keyIndexOf(kv.key),
    value: decoder.decode(kv.value),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
  };
}

/** Keys from..to-1: a single-key Range when to = from + 1. */
export function rangeRequest(from: KeyIndex, to: KeyIndex): RangeRequest {
  return to === from + 1 ? { key: keyBytes(from) } : { key: keyBytes(from), rangeEnd: keyBytes(to) };
}

/** The MVCC request a client's input proposes (keepAlive is not a log entry: undefined). */
export function toRequest(input: StoreInput): MvccRequest | undefined {
  switch (input.kind) {
    case 'put':
      return { type: 'put', request: { key: keyBytes(input.key), value: encoder.encode(input.value), ...(input.lease !== 0 ? { lease: input.lease } : {}) } };
    case 'range':
      return { type: 'range', request: rangeRequest(input.from, input.to) };
    case 'delete':
      return { type: 'deleteRange', request: { key: keyBytes(input.key) } };
    case 'cas': {
      const key = keyBytes(input.key);
      const c = input.compare;
      const compare = c.target === 'mod'
        ? { key, result: 'EQUAL' as const, target: 'MOD' as const, modRevision: c.modRevision }
        : { key, result: 'EQUAL' as const, target: 'VALUE' as const, value: encoder.encode(c.value) };
      const success: RequestOp[] = [{ type: 'put', request: { key, value: encoder.encode(input.value) } }];
      const failure: RequestOp[] = [{ type: 'range', request: { key } }];
      return { type: 'txn', request: { compare: [compare], success, failure } };
    }
    case 'leaseGrant':
      return { type: 'leaseGrant', request: { id: input.id, ttl: input.ttl } };
    case 'leaseRevoke':
      return { type: 'leaseRevoke', request: { id: input.id } };
    case 'compact':
      return { type: 'compaction', request: { revision: input.revision } };
    case 'keepAlive':
      return undefined;
  }
}

export function rangeOutput(r: RangeResponse): StoreOutput {
  return { kind: 'range', revision: r.header.revision, kvs: r.kvs.map(toSimKv) };
}

/** The outcome of an applied entry, in the simulator's vocabulary. */
export function outputOf(r: ApplyResult): StoreOutput {
  if (!r.ok) return { kind: 'error', error: r.error.kind };
  const res = r.response;
  switch (res.type) {
    case 'put':
      return { kind: 'put', revision: res.response.header.revision };
    case 'range':
      return rangeOutput(res.response);
    case 'deleteRange':
      return { kind: 'delete', revision: res.response.header.revision, deleted: res.response.deleted };
    case 'txn': {
      const t = res.response;
      const first = t.responses[0];
      const kv = !t.succeeded && first?.type === 'range' ? first.response.kvs[0] : undefined;
      return { kind: 'cas', revision: t.header.revision, succeeded: t.succeeded, kv: kv === undefined ? undefined : toSimKv(kv) };
    }
    case 'leaseGrant':
      return { kind: 'leaseGrant', revision: res.response.header.revision, id: res.response.id, ttl: res.response.ttl };
    case 'leaseRevoke':
      return { kind: 'leaseRevoke', revision: res.response.header.revision };
    case 'compaction':
      return { kind: 'compact', revision: res.response.header.revision };
    case 'leaseExpire':
      return { kind: 'leaseExpire', revision: res.response.header.revision, expired: res.response.expired };
    case 'alarm':
      throw new Error('the simulator proposes no alarm entries');
  }
}

export function describeKv(kv: SimKv | undefined): string {
  return kv === undefined ? '-' : `k${kv.key}=${kv.value}@c${kv.createRevision}m${kv.modRevision}v${kv.version}${kv.lease !== 0 ? `l${kv.lease}` : ''}`;
}

export function describeStoreInput(i: StoreInput): string {
  switch (i.kind) {
    case 'put':
      return `put(k${i.key}, ${i.value}${i.lease !== 0 ? `, lease ${i.lease}` : ''})`;
    case 'range':
      return i.to === i.from + 1 ? `get(k${i.from}, ${i.mode})` : `range(k${i.from}..k${i.to - 1}, ${i.mode})`;
    case 'delete':
      return `delete(k${i.key})`;
    case 'cas':
      return `cas(k${i.key}, ${i.compare.target === 'mod' ? `mod=${i.compare.modRevision}` : `value=${i.compare.value}`} -> ${i.value})`;
    case 'leaseGrant':
      return `leaseGrant(${i.id}, ${i.ttl}s)`;
    case 'leaseRevoke':
      return `leaseRevoke(${i.id})`;
    case 'keepAlive':
      return `keepAlive(${i.id})`;
    case 'compact':
      return `compact(${i.revision})`;
  }
}

export function describeStoreOutput(o: StoreOutput | undefined): string {
  if (o === undefined) return '?';
  switch (o.kind) {
    case 'range':
      return `@${o.revision} [${o.kvs.map(describeKv).join(' ')}]`;
    case 'delete':
      return `@${o.revision} deleted ${o.deleted}`;
    case 'cas':
      return `@${o.revision} ${o.succeeded ? 'ok' : `fail ${describeKv(o.kv)}`}`;
    case 'leaseGrant':
      return `@${o.revision} lease ${o.id} ttl ${o.ttl}`;
    case 'keepAlive':
      return o.result === 'renewed' ? `renewed ttl ${o.ttl} at t${o.renewedAt}` : o.result;
    case 'leaseExpire':
      return `@${o.revision} expired ${o.expired.join(',')}`;
    case 'error':
      return `error ${o.error}`;
    default:
      return `@${o.revision}`;
  }
}

/** An exact rendering of an output, to compare a client's answer with the committed one. */
export function outputKey(o: StoreOutput): string {
  return JSON.stringify(o);
}

/** The context's request id of a client's request: client and sequence number in one safe integer. */
export function clientRequestId(clientId: number, seq: number): number {
  if (!Number.isInteger(clientId) || clientId < 0 || clientId >= LESSOR_CLIENT) throw new RangeError(`client id ${clientId}`);
  return seq * 256 + clientId;
}

/** The pseudo-client of leaders' lease-expiry proposals. */
export const LESSOR_CLIENT = 255;

export function lessorRequestId(n: number): number {
  return n * 256 + LESSOR_CLIENT;
}

export function splitRequestId(requestId: number): { readonly clientId: number; readonly seq: number } {
  return { clientId: requestId % 256, seq: Math.floor(requestId / 256) };
}

/** How the committed history names a request: `c<client>:<seq>` or `lessor:<n>`. */
export function requestKeyOf(requestId: number): string {
  const { clientId, seq } = splitRequestId(requestId);
  return clientId === LESSOR_CLIENT ? `lessor:${seq}` : `c${clientId}:${seq}`;
}
