// Test helpers: a store over a memory backend that numbers its own log
// indexes, a tiny text syntax for requests, and a stable text rendering of
// responses and events (for golden files and assertions).

import type { Compare, Event, KeyValue, MvccRequest, MvccResponse, RangeRequest, RequestOp, ResponseOp, MvccError } from '../src/index.ts';
import { MvccStore, type ApplyResult, type MvccOptions } from '../src/index.ts';
import { TestBackend } from './test-backend.ts';

const enc = new TextEncoder();

/** Text to bytes; `\0` and `\xNN` escapes allowed. */
/** Uniform in [0, 1), seeded (xorshift32): random tests replay the same cases. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

export function b(s: string): Uint8Array {
  if (s === '""') return new Uint8Array(0);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '0') { out.push(0); i++; continue; }
    if (s[i] === '\\' && s[i + 1] === 'x') { out.push(parseInt(s.slice(i + 2, i + 4), 16)); i += 3; continue; }
    out.push(...enc.encode(s[i]));
  }
  return Uint8Array.from(out);
}

export function s(bytes: Uint8Array): string {
  let out = '';
  for (const x of bytes) out += x >= 0x20 && x < 0x7f && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`;
  return out;
}

export class TestStore {
  readonly backend = new TestBackend();
  readonly store: MvccStore;
  index = 0;
  constructor(options: MvccOptions = {}) {
    this.store = new MvccStore(this.backend, options);
  }
  apply(req: MvccRequest): ApplyResult {
    const r = this.store.apply(++this.index, req);
    if (r === undefined) throw new Error('entry skipped');
    return r;
  }
  /** Apply and return the response, throwing the MvccError on failure. */
  ok(req: MvccRequest): MvccResponse {
    const r = this.apply(req);
    if (!r.ok) throw r.error;
    return r.response;
  }
}

function words(line: string): { args: string[]; kv: Map<string, string>; flags: Set<string> } {
  const args: string[] = [];
  const kv = new Map<string, string>();
  const flags = new Set<string>();
  for (const w of line.trim().split(/\s+/).slice(1)) {
    const eq = w.indexOf('=');
    if (eq > 0) kv.set(w.slice(0, eq), w.slice(eq + 1));
    else if (/^[a-z][a-z-]*$/.test(w) && ['prev', 'ignore-value', 'ignore-lease', 'keys-only', 'count-only', 'serializable', 'keys'].includes(w)) flags.add(w);
    else args.push(w);
  }
  return { args, kv, flags };
}

function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

/** Parse `put|get|del <key> ...` into a request op (txn ops and top-level requests share it). */
export function parseOp(line: string): RequestOp {
  const name = line.trim().split(/\s+/)[0];
  const { args, kv, flags } = words(line);
  const key = b(args[0] ?? '');
  const end = kv.get('end');
  switch (name) {
    case 'put': {
      const lease = num(kv.get('lease'));
      return {
        type: 'put',
        request: {
          key,
          ...(args[1] !== undefined ? { value: b(args[1]) } : {}),
          ...(lease !== undefined ? { lease } : {}),
          ...(flags.has('prev') ? { prevKv: true } : {}),
          ...(flags.has('ignore-value') ? { ignoreValue: true } : {}),
          ...(flags.has('ignore-lease') ? { ignoreLease: true } : {}),
        },
      };
    }
    case 'get': {
      const req: Record<string, unknown> = { key };
      if (end !== undefined) req['rangeEnd'] = b(end);
      const map: Record<string, string> = { rev: 'revision', limit: 'limit', 'min-mod': 'minModRevision', 'max-mod': 'maxModRevision', 'min-create': 'minCreateRevision', 'max-create': 'maxCreateRevision' };
      for (const [k, f] of Object.entries(map)) if (kv.has(k)) req[f] = num(kv.get(k));
      if (kv.has('order')) req['sortOrder'] = kv.get('order');
      if (kv.has('target')) req['sortTarget'] = kv.get('target');
      if (flags.has('keys-only')) req['keysOnly'] = true;
      if (flags.has('count-only')) req['countOnly'] = true;
      return { type: 'range', request: req as unknown as RangeRequest };
    }
    case 'del':
      return { type: 'deleteRange', request: { key, ...(end !== undefined ? { rangeEnd: b(end) } : {}), ...(flags.has('prev') ? { prevKv: true } : {}) } };
    default:
      throw new Error(`unknown op: ${line}`);
  }
}

/** `compare <VERSION|CREATE|MOD|VALUE|LEASE> <key> <EQUAL|...> <operand> [end=E]` */
export function parseCompare(line: string): Compare {
  const { args, kv } = words(line);
  const [target, key, result, operand] = args as [string, string, string, string];
  const end = kv.get('end');
  const base = { key: b(key), result: result as Compare['result'], ...(end !== undefined ? { rangeEnd: b(end) } : {}) };
  switch (target) {
    case 'VERSION': return { ...base, target, version: Number(operand) };
    case 'CREATE': return { ...base, target, createRevision: Number(operand) };
    case 'MOD': return { ...base, target, modRevision: Number(operand) };
    case 'LEASE': return { ...base, target, lease: Number(operand) };
    case 'VALUE': return { ...base, target, value: b(operand) };
    default: throw new Error(`bad compare ${line}`);
  }
}

export function fmtKv(kv: KeyValue): string {
  return `${s(kv.key)}=${s(kv.value)} c=${kv.createRevision} m=${kv.modRevision} v=${kv.version}${kv.lease !== 0 ? ` lease=${kv.lease}` : ''}`;
}

export function fmtEvent(e: Event): string {
  const kv = e.type === 'PUT' ? fmtKv(e.kv) : `${s(e.kv.key)} m=${e.kv.modRevision}`;
  return `${e.type} ${kv}${e.prevKv !== undefined ? ` (prev ${fmtKv(e.prevKv)})` : ''}`;
}

export function fmtError(e: MvccError): string {
  return `error ${e.code}: ${e.message}`;
}

function fmtOp(r: ResponseOp | MvccResponse, indent: string): string[] {
  switch (r.type) {
    case 'range': {
      const x = r.response;
      return [`${indent}range rev=${x.header.revision} count=${x.count} more=${x.more}`, ...x.kvs.map((kv) => `${indent}  ${fmtKv(kv)}`)];
    }
    case 'put':
      return [`${indent}put rev=${r.response.header.revision}${r.response.prevKv !== undefined ? ` prev ${fmtKv(r.response.prevKv)}` : ''}`];
    case 'deleteRange': {
      const x = r.response;
      return [`${indent}delete rev=${x.header.revision} deleted=${x.deleted}`, ...x.prevKvs.map((kv) => `${indent}  prev ${fmtKv(kv)}`)];
    }
    case 'txn': {
      const x = r.response;
      return [`${indent}txn rev=${x.header.revision} succeeded=${x.succeeded}`, ...x.responses.flatMap((o) => fmtOp(o, indent + '  '))];
    }
    case 'compaction': return [`${indent}compact rev=${r.response.header.revision}`];
    case 'leaseGrant': return [`${indent}grant rev=${r.response.header.revision} id=${r.response.id} ttl=${r.response.ttl}`];
    case 'leaseRevoke': return [`${indent}revoke rev=${r.response.header.revision}`];
    case 'leaseExpire': return [`${indent}expire rev=${r.response.header.revision} expired=[${r.response.expired.join(',')}]`];
    case 'alarm': return [`${indent}alarm ${r.response.alarms.map((a) => `${a.memberId}:${a.alarm}`).join(',')}`];
  }
}

export function fmtResult(r: ApplyResult): string {
  if (!r.ok) return fmtError(r.error);
  return [...fmtOp(r.response, ''), ...r.events.map((e) => `event ${fmtEvent(e)}`)].join('\n');
}

/** Parse a golden block into a request (null when the command is a query, not an entry). */
export function parseRequest(command: string, input: readonly string[]): MvccRequest {
  const name = command.trim().split(/\s+/)[0];
  const { args } = words(command);
  switch (name) {
    case 'put': case 'get': case 'del': {
      const op = parseOp(command);
      return op;
    }
    case 'txn': {
      const compare: Compare[] = [];
      const success: RequestOp[] = [];
      const failure: RequestOp[] = [];
      for (const l of input) {
        const [kind, ...rest] = l.trim().split(/\s+/);
        if (kind === 'compare') compare.push(parseCompare(l));
        else if (kind === 'success') success.push(parseOp(rest.join(' ')));
        else if (kind === 'failure') failure.push(parseOp(rest.join(' ')));
        else throw new Error(`bad txn line ${l}`);
      }
      return { type: 'txn', request: { compare, success, failure } };
    }
    case 'compact': return { type: 'compaction', request: { revision: Number(args[0]) } };
    case 'grant': return { type: 'leaseGrant', request: { id: Number(args[0]), ttl: Number(args[1]) } };
    case 'revoke': return { type: 'leaseRevoke', request: { id: Number(args[0]) } };
    case 'expire': return { type: 'leaseExpire', request: { ids: args.map(Number) } };
    default: throw new Error(`unknown command ${command}`);
  }
}
