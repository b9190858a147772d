// The replicated state: a map from string keys to string values. apply() is
// deterministic; a snapshot is the serialized map.

import type { LogIndex, StateMachine } from '@logbook/raft';
import { decodeCommand, type KvResult } from './kv-command.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class KvStateMachine implements StateMachine<KvResult> {
  #data = new Map<string, string>();
  #applied = 0;

  get(key: string): string | undefined {
    return this.#data.get(key);
  }

  get size(): number {
    return this.#data.size;
  }

  get applied(): number {
    return this.#applied;
  }

  apply(index: LogIndex, data: Uint8Array): KvResult {
    this.#applied = index;
    const c = decodeCommand(data);
    // A malformed command cannot come from our own encoder; applying it as a
    // no-op keeps every member identical without crash-looping on replay.
    if ('invalid' in c) return { op: 'invalid', index, reason: c.invalid };
    const prev = this.#data.get(c.key) ?? null;
    switch (c.op) {
      case 'put':
        this.#data.set(c.key, c.value);
        return { op: 'put', index, prev };
      case 'delete':
        this.#data.delete(c.key);
        return { op: 'delete', index, prev };
      case 'cas': {
        if (prev !== c.expected) return { op: 'cas', index, succeeded: false, current: prev };
        if (c.value === null) this.#data.delete(c.key);
        else this.#data.set(c.key, c.value);
        return { op: 'cas', index, succeeded: true, current: c.value };
      }
    }
  }

  snapshot(): Uint8Array {
    return encoder.encode(JSON.stringify({ applied: this.#applied, entries: [...this.#data] }));
  }

  restore(data: Uint8Array, index: LogIndex): void {
    this.#applied = index;
    if (data.byteLength === 0) {
      this.#data = new Map(); // a new cluster's bootstrap snapshot
      return;
    }
    const parsed: unknown = JSON.parse(decoder.decode(data));
    const entries = (parsed as { entries?: unknown } | null)?.entries;
    const valid =
      Array.isArray(entries) &&
      entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
    // Snapshots are written by snapshot() only: a malformed one is a broken invariant.
    if (!valid) throw new Error(`kv snapshot at index ${index} is malformed`);
    this.#data = new Map(entries as [string, string][]);
  }
}
