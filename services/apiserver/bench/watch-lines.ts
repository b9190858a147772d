// A JSON watch stream is one `{"type":…,"object":…}` per line (see the
// endpoints package's watch encoder). 1,000 watchers at 200 writes/s is
// 200,000 events/s into this one process, and JSON.parse of every event
// would make the client, not the apiserver, the limit; so the bench reads
// only the two fields it needs, with anchored searches, and parses in full
// only lines it cannot read that way.

/** Longest line kept while waiting for its newline; a longer one is a broken stream, not a slow one. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Splits a byte stream into lines (without the newline); bounded by MAX_LINE_BYTES. */
export class LineSplitter {
  #pending: Buffer = Buffer.alloc(0);
  readonly #maxLineBytes: number;

  constructor(maxLineBytes = MAX_LINE_BYTES) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** The lines that `chunk` completes; throws when a line outgrows the bound. */
  push(chunk: Buffer): string[] {
    const buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const lines: string[] = [];
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl >= 0; nl = buf.indexOf(10, from)) {
      if (nl > from) lines.push(buf.toString('utf8', from, nl));
      from = nl + 1;
    }
    this.#pending = buf.subarray(from);
    if (this.#pending.length > this.#maxLineBytes) throw new RangeError(`watch line longer than ${this.#maxLineBytes} bytes`);
    return lines;
  }

  /** Bytes of an unfinished last line (a stream that ends with some is truncated). */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

export const EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventHead {
  readonly type: EventType;
  /** The object's metadata.resourceVersion; '' for an ERROR event's Status. */
  readonly resourceVersion: string;
}

const TYPE_RE = /^\{"type":"([A-Z]+)"/;
const RV_RE = /"resourceVersion":"(\d*)"/;

function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/**
 * The type and resourceVersion of one watch line. The fast path needs the
 * type first (the encoder writes it first) and exactly one
 * `"resourceVersion"` key (true of a ConfigMap, whose data keys the bench
 * chooses); anything else is parsed in full. Throws on a line that is not
 * a watch event.
 */
export function readEventHead(line: string): EventHead {
  const t = TYPE_RE.exec(line);
  const rv = RV_RE.exec(line);
  if (t !== null && rv !== null && isEventType(t[1]!) && line.indexOf('"resourceVersion"', rv.index + 1) < 0) {
    return { type: t[1], resourceVersion: rv[1]! };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    throw new SyntaxError(`watch line is not JSON: ${line.slice(0, 120)}`, { cause: e });
  }
  const ev = parsed as { type?: unknown; object?: { metadata?: { resourceVersion?: unknown } } };
  if (typeof ev.type !== 'string' || !isEventType(ev.type) || typeof ev.object !== 'object' || ev.object === null) {
    throw new SyntaxError(`not a watch event: ${line.slice(0, 120)}`);
  }
  const v = ev.object.metadata?.resourceVersion;
  return { type: ev.type, resourceVersion: typeof v === 'string' ? v : '' };
}

const WRITE_NO_RE = /"data":\{"v":"(\d+) /;

/**
 * The writer's sequence number that the fan-out's writes put at the start
 * of the ConfigMap's value (workloads.ts changedValue), which lets an event
 * be matched to its write before the write's response has arrived.
 * Undefined for objects the writer did not write.
 */
export function writeNumberOf(line: string): number | undefined {
  const m = WRITE_NO_RE.exec(line);
  return m === null ? undefined : Number(m[1]);
}
