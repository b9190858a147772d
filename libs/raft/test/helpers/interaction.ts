// Interaction harness for the golden tests: drives a Network of members by
// text commands and prints what they did (Ready contents, messages).

import { type Entry, type Message, type NodeId } from '../../src/core/index.ts';
import type { Command } from './datadriven.ts';
import { Network, type MemberOptions } from './network.ts';

const dec = new TextDecoder();

function fmtEntry(e: Entry): string {
  const data = e.type === 'conf-change' ? 'conf-change' : JSON.stringify(dec.decode(e.data));
  return `${e.term}/${e.index} ${data}`;
}

export function fmtMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} term=${m.term}`];
  switch (m.type) {
    case 'MsgApp':
      parts.push(`log=${m.logTerm}/${m.index} commit=${m.commit}`);
      if (m.entries.length > 0) parts.push(`entries=[${m.entries.map(fmtEntry).join(', ')}]`);
      if (m.noAck === true) parts.push('noack');
      break;
    case 'MsgAppResp':
      parts.push(`index=${m.index}`);
      if (m.reject) parts.push(`rejected hint=${m.rejectHint} hintTerm=${m.logTerm}`);
      break;
    case 'MsgVote':
    case 'MsgPreVote':
      parts.push(`log=${m.logTerm}/${m.index}`);
      if (m.context.byteLength > 0) parts.push('transfer');
      break;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      if (m.reject) parts.push('rejected');
      break;
    case 'MsgHeartbeat':
      parts.push(`commit=${m.commit}`);
      if (m.context.byteLength > 0) parts.push(`ctx=${dec.decode(m.context)}`);
      break;
    case 'MsgHeartbeatResp':
      if (m.context.byteLength > 0) parts.push(`ctx=${dec.decode(m.context)}`);
      break;
    case 'MsgSnap':
      parts.push(`snapshot=${m.snapshot?.metadata.term}/${m.snapshot?.metadata.index}`);
      break;
    case 'MsgReadIndex':
    case 'MsgReadIndexResp':
      parts.push(`index=${m.index} ctx=${dec.decode(m.context)}`);
      break;
    default:
      break;
  }
  return parts.join(' ');
}

export class Interaction {
  private net: Network | undefined;

  private get n(): Network {
    if (this.net === undefined) throw new Error('add-nodes first');
    return this.net;
  }

  handle(c: Command): string {
    const id = (i = 0): number => Number(c.args[i]);
    switch (c.name) {
      case 'add-nodes': {
        const count = id();
        const opts: MemberOptions = {
          preVote: c.kv.get('pre-vote') === 'true',
          checkQuorum: c.kv.get('check-quorum') === 'true',
          ...(c.kv.has('max-msg-size') ? { maxSizePerMsgBytes: Number(c.kv.get('max-msg-size')) } : {}),
        };
        this.net = new Network(Array.from({ length: count }, (_, i) => i + 1), opts);
        return [...this.n.members.keys()].map((m) => `${m}: ${this.status(m)}`).join('\n');
      }
      case 'campaign':
        this.n.member(id()).node.campaign();
        return '';
      case 'propose':
        this.n.member(id()).node.propose(new TextEncoder().encode(c.args[1] ?? ''));
        return '';
      case 'propose-conf-change': {
        const type = c.args[1] as 'add-voter' | 'add-learner' | 'remove-node';
        this.n.member(id()).node.proposeConfChange({ type, nodeId: Number(c.args[2]) as NodeId, context: new Uint8Array(0) });
        return '';
      }
      case 'read-index':
        this.n.member(id()).node.readIndex(new TextEncoder().encode(c.args[1] ?? ''));
        return '';
      case 'transfer-leader':
        this.n.member(id()).node.transferLeader(Number(c.args[1]) as NodeId);
        return '';
      case 'tick':
        for (let i = 0; i < Number(c.kv.get('n') ?? '1'); i++) this.n.member(id()).node.tick();
        return '';
      case 'isolate':
        this.n.isolate(id());
        return '';
      case 'heal':
        this.n.heal();
        this.n.dropFilter = undefined;
        return '';
      case 'add-member':
        // A new, empty member that the cluster may then add by conf change.
        this.n.addMember(id());
        return this.status(id());
      case 'compact': {
        // Snapshot the member's applied state and drop the log up to it.
        const m = this.n.member(id());
        const applied = m.node.status().applied;
        m.storage.createSnapshot(applied, m.node.confState(), new TextEncoder().encode(`state@${applied}`));
        m.storage.compact(applied);
        return `snapshot ${m.storage.snapshot().metadata.term}/${applied}; first index ${m.storage.firstIndex()}`;
      }
      case 'conf':
        return c.args.map((a) => `${a}: ${JSON.stringify(this.n.member(Number(a)).node.confState())}`).join('\n');
      case 'restart':
        this.n.member(id()).restart();
        return this.status(id());
      case 'cut':
        this.n.cutLink(id(), id(1));
        return '';
      case 'drop': {
        // drop from=F type=T: drop every message of that type from that member until heal
        const from = Number(c.kv.get('from'));
        const type = c.kv.get('type');
        this.n.dropFilter = (m) => m.from === from && m.type === type;
        return '';
      }
      case 'stabilize':
        return this.stabilize(1000);
      case 'round':
        return this.stabilize(Number(c.kv.get('n') ?? '1'));
      case 'status':
        return c.args.map((a) => `${a}: ${this.status(Number(a))}`).join('\n');
      case 'raft-log':
        return this.n.member(id()).node.debugLogEntries().map(fmtEntry).join('\n');
      default:
        throw new Error(`line ${c.line}: unknown command ${c.name}`);
    }
  }

  private status(id: number): string {
    const s = this.n.member(id).node.status();
    return `${s.softState.raftState} term=${s.hardState.term} vote=${s.hardState.vote} lead=${s.softState.lead} commit=${s.hardState.commit} applied=${s.applied}`;
  }

  /** Deliver until quiet, printing each member's Ready and the messages it sends. */
  private stabilize(rounds: number): string {
    const out: string[] = [];
    for (let round = 0; round < rounds; round++) {
      let any = false;
      for (const [mid, m] of this.n.members) {
        if (!m.node.hasReady()) continue;
        any = true;
        const before = m.applied.length;
        const rsBefore = m.readStates.length;
        const ssBefore = m.node.status().softState;
        const msgs = m.handleReady();
        const ss = m.node.status().softState;
        const lines: string[] = [];
        if (ss.raftState !== ssBefore.raftState || ss.lead !== ssBefore.lead) lines.push(`  state: ${ss.raftState} lead=${ss.lead}`);
        const applied = m.applied.slice(before);
        if (applied.length > 0) lines.push(`  applied: ${applied.map(fmtEntry).join(', ')}`);
        for (const rs of m.readStates.slice(rsBefore)) lines.push(`  read-state: index=${rs.index} ctx=${dec.decode(rs.requestCtx)}`);
        for (const msg of msgs) lines.push(`  ${fmtMessage(msg)}`);
        out.push(`> ${mid} ready`, ...lines);
        this.n.queue.push(...msgs);
      }
      const q = this.n.queue;
      this.n.queue = [];
      for (const msg of q) {
        if (!this.deliverable(msg)) {
          out.push(`  dropped: ${fmtMessage(msg)}`);
          continue;
        }
        this.n.member(msg.to).node.step(msg);
      }
      if (!any && q.length === 0) return out.join('\n');
    }
    if (rounds >= 1000) throw new Error('did not stabilize');
    return out.join('\n');
  }

  private deliverable(m: Message): boolean {
    return this.n.deliverable(m);
  }
}
