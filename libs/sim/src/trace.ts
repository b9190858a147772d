// The run's event trace: a running hash of every externally visible event
// (deliveries, faults, client operations), so two runs of one seed can be
// compared cheaply, plus — only when asked — a bounded tail of readable lines
// for the report of a failing seed. Bound: the last `keepLines` lines; older
// ones are dropped.

import type { Message, NodeId } from '@logbook/raft';

export class Trace {
  #h1 = 0x811c9dc5;
  #h2 = 0x01000193;
  #events = 0;
  readonly #lines: string[] | undefined;
  readonly #keepLines: number;

  constructor(keepLines = 0) {
    this.#keepLines = keepLines;
    this.#lines = keepLines > 0 ? [] : undefined;
  }

  /** Mixes one event, given as small integers, into the hash. */
  event(...fields: number[]): void {
    this.#events++;
    let h1 = this.#h1;
    let h2 = this.#h2;
    for (const f of fields) {
      const lo = f >>> 0;
      const hi = Math.floor(f / 2 ** 32) >>> 0;
      h1 = Math.imul(h1 ^ lo, 0x01000193);
      h1 = Math.imul(h1 ^ hi, 0x01000193);
      h2 = Math.imul(h2 ^ lo, 0x5bd1e995);
      h2 ^= h2 >>> 15;
      h2 = Math.imul(h2 ^ hi, 0x5bd1e995);
    }
    this.#h1 = Math.imul(h1 ^ 0xff, 0x01000193) >>> 0;
    this.#h2 = (h2 ^ (h2 >>> 13)) >>> 0;
  }

  get wantsLines(): boolean {
    return this.#lines !== undefined;
  }

  /** Adds a readable line when lines are kept; `make` is only called then. */
  line(make: () => string): void {
    const lines = this.#lines;
    if (lines === undefined) return;
    lines.push(make());
    if (lines.length > this.#keepLines) lines.splice(0, lines.length - this.#keepLines);
  }

  get lines(): readonly string[] {
    return this.#lines ?? [];
  }

  get eventCount(): number {
    return this.#events;
  }

  /** The hash as 16 hex digits. */
  digest(): string {
    return this.#h1.toString(16).padStart(8, '0') + this.#h2.toString(16).padStart(8, '0');
  }
}

/** Stable small integers for string enums, for hashing. */
export function codeOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}

/** One readable line for a delivery, with the fields that matter for its type. */
export function describeDelivery(now: number, from: NodeId, m: Message, fate: string): string {
  let s = `t${now} ${m.type} ${from}->${m.to} term ${m.term}`;
  switch (m.type) {
    case 'MsgApp':
      s += ` prev ${m.index}/${m.logTerm} entries ${m.entries.length > 0 ? `${m.entries[0]!.index}..${m.entries.at(-1)!.index}` : '-'} commit ${m.commit}`;
      break;
    case 'MsgAppResp':
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      s += m.reject ? ` REJECT index ${m.index} hint ${m.rejectHint}/${m.logTerm}` : ` ok index ${m.index}`;
      break;
    case 'MsgVote':
    case 'MsgPreVote':
      s += ` last ${m.index}/${m.logTerm}`;
      break;
    case 'MsgSnap':
      s += ` snapshot ${m.snapshot?.metadata.index}/${m.snapshot?.metadata.term}`;
      break;
    case 'MsgHeartbeat':
      s += ` commit ${m.commit}`;
      break;
    default:
      break;
  }
  return `${s} ${fate}`;
}
