// The store's own history of the test's ConfigMaps, replayed with etcdctl
// (`watch --rev`), and the checks the HA test makes against it: each
// acknowledged write is an event there; each watcher segment saw exactly the
// history between its start and its last resourceVersion, once each, in
// order; the final state per key is what the acknowledged (or possibly
// applied, unacknowledged) writes explain.

import { EtcdctlStream } from './etcdctl.ts';
import { arrayField, asInt, field, parseEtcdJson, unb64 } from './etcd-json.ts';
import type { AckedWrite, Write } from './ha-load.ts';
import type { EventType, Segment } from './ha-watchers.ts';

export interface HistoryEvent {
  readonly type: EventType;
  readonly key: string;
  readonly rev: number;
  /** data.seq of the object a PUT wrote. */
  readonly seq: string | undefined;
}

const PREFIX = '/registry/configmaps/';
const ROOT_CA = 'kube-root-ca.crt';
/** The replay ends when etcdctl prints nothing for this long (the load has stopped by then). */
const IDLE_MS = 3_000;
const MAX_HISTORY_EVENTS = 500_000;

/** Events after `fromRev` for keys in `namespaces`, in revision order. */
export async function replayHistory(endpoints: readonly string[], fromRev: number, namespaces: readonly string[]): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  const stream = new EtcdctlStream(['watch', '--prefix', PREFIX, `--rev=${fromRev + 1}`, '-w', 'json'], endpoints);
  try {
    for (;;) {
      let line: string;
      try {
        line = await stream.nextLine(IDLE_MS);
      } catch (e) {
        if ((e as Error).message.startsWith('no line from etcdctl')) break;
        throw e;
      }
      if (line.trim() === '') continue;
      const resp = parseEtcdJson(line);
      for (const ev of arrayField(resp, 'Events')) {
        const kv = field(ev, 'kv');
        const path = unb64(field(kv, 'key'));
        const [ns, name] = path.slice(PREFIX.length).split('/');
        if (ns === undefined || name === undefined || !namespaces.includes(ns)) continue;
        // The control plane publishes kube-root-ca.crt into every namespace; the watchers select the test's label only.
        if (name === ROOT_CA) continue;
        const rev = asInt(field(kv, 'mod_revision'), 'mod_revision');
        // etcdctl prints the event type as mvccpb's enum number (PUT = 0, omitted; DELETE = 1).
        const type = field(ev, 'type');
        if (type === 1 || type === 'DELETE') {
          out.push({ type: 'DELETED', key: `${ns}/${name}`, rev, seq: undefined });
          continue;
        }
        const created = asInt(field(kv, 'create_revision'), 'create_revision');
        const obj = JSON.parse(unb64(field(kv, 'value'))) as { data?: { seq?: string } };
        out.push({ type: created === rev ? 'ADDED' : 'MODIFIED', key: `${ns}/${name}`, rev, seq: obj.data?.seq });
        if (out.length > MAX_HISTORY_EVENTS) throw new Error(`history longer than ${MAX_HISTORY_EVENTS} events`);
      }
    }
  } finally {
    await stream.close();
  }
  return out;
}

/** Final state per key as the history leaves it: seq, or null when deleted. */
export function finalState(history: readonly HistoryEvent[]): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const e of history) m.set(e.key, e.type === 'DELETED' ? null : e.seq ?? '');
  return m;
}

export interface WriteCheck {
  readonly problems: string[];
  /** Keys whose final state only an unacknowledged write explains (it may have applied). */
  readonly explainedByUncertain: number;
  /** …by an unacknowledged write older than the key's last acknowledged one (it applied late). */
  readonly explainedByLateUncertain: number;
}

/** (a): every acknowledged write is an event of the history, and each key ends as its writes explain. */
export function checkWrites(history: readonly HistoryEvent[], acked: readonly AckedWrite[], uncertain: readonly Write[], keys: readonly string[], final: ReadonlyMap<string, string | null>): WriteCheck {
  const problems: string[] = [];
  const byKeyRev = new Map(history.map((e) => [`${e.key}@${e.rev}`, e]));
  for (const a of acked) {
    if (a.op === 'delete') {
      if (!history.some((e) => e.key === a.key && e.type === 'DELETED' && e.rev > a.rv)) problems.push(`acknowledged delete of ${a.key} (after rv ${a.rv}) has no DELETE after it in the store's history`);
      continue;
    }
    const e = byKeyRev.get(`${a.key}@${a.rv}`);
    if (e === undefined || e.type === 'DELETED' || e.seq !== a.seq) problems.push(`acknowledged ${a.op} of ${a.key} seq ${a.seq} at rv ${a.rv} is not in the store's history (found ${JSON.stringify(e)})`);
  }
  let explainedByUncertain = 0;
  let explainedByLateUncertain = 0;
  const stateOf = (w: Write): string | null => (w.op === 'delete' ? null : w.seq);
  for (const key of keys) {
    const got = final.get(key) ?? null;
    const last = acked.filter((a) => a.key === key).at(-1);
    const expected = last === undefined ? null : stateOf(last);
    if (got === expected) continue;
    const after = uncertain.filter((u) => u.key === key && (last === undefined || u.at > last.at));
    if (after.some((u) => stateOf(u) === got)) {
      explainedByUncertain++;
      continue;
    }
    if (uncertain.some((u) => u.key === key && stateOf(u) === got)) {
      explainedByLateUncertain++;
      continue;
    }
    problems.push(`${key} ends as ${JSON.stringify(got)}, but its last acknowledged write was ${last === undefined ? 'none (absent)' : `${last.op} seq ${last.seq} rv ${last.rv}`} and no unacknowledged write explains it`);
  }
  return { problems, explainedByUncertain, explainedByLateUncertain };
}

const show = (e: { type: string; key: string; rv?: number; rev?: number } | undefined): string => (e === undefined ? 'nothing' : `${e.type} ${e.key}@${e.rv ?? e.rev}`);

/**
 * (b) for one segment: the events after its start, up to its last RV, are
 * exactly the history's in that range — each once, in revision order. Events
 * at or below the start are an informer's replay of a list and are skipped;
 * for kubectl (start unknown) the first event marks the start.
 */
export function checkSegment(name: string, seg: Segment, history: readonly HistoryEvent[], allowListReplay: boolean): string[] {
  let start = seg.startRv;
  let events = seg.events;
  if (start === undefined) {
    if (events.length === 0) return [];
    start = events[0]!.rv - 1;
  }
  const s = start;
  const replay = events.filter((e) => e.rv <= s);
  if (replay.length > 0 && !allowListReplay) return [`${name}: ${replay.length} events at or before the segment's start rv ${s}, e.g. ${show(replay[0])}`];
  events = events.filter((e) => e.rv > s);
  const end = seg.lastRv ?? s;
  const want = history.filter((e) => e.rev > s && e.rev <= end);
  for (let i = 0; i < Math.max(want.length, events.length); i++) {
    const w = want[i];
    const g = events[i];
    if (w !== undefined && g !== undefined && w.type === g.type && w.key === g.key && w.rev === g.rv) continue;
    const dup = g !== undefined && events.slice(0, i).some((x) => x.key === g.key && x.rv === g.rv);
    return [`${name}: segment from rv ${s} (${seg.how}, ${seg.resumes} resumes): event #${i} is ${show(g)}${dup ? ' (a duplicate)' : ''}, the store's history has ${show(w)} there (${want.length} expected, ${events.length} seen)`];
  }
  return [];
}
