// How `up` and `status` ask whether a process serves: a TCP connect (NATS),
// the etcd Maintenance Status RPC (store members and their leader), an HTTPS
// GET with the admin certificate (/readyz of a replica, a request through
// HAProxy). Every probe has a deadline; none throws for "not serving".

import { request } from 'node:https';
import { connect } from 'node:net';
import { EtcdClient } from '@logbook/etcd-client';
import type { ClusterLayout } from './cluster-layout.ts';

export function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export interface TlsMaterial {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export type HttpsResult = { readonly ok: true; readonly status: number; readonly body: string } | { readonly ok: false; readonly error: string };

/** Bodies are cut at 64 KiB: a probe needs the status and the start of the text, never a large list. */
const MAX_BODY_BYTES = 64 * 1024;

export function httpsGet(url: string, tls: TlsMaterial, timeoutMs: number): Promise<HttpsResult> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', ca: tls.caPem, cert: tls.certPem, key: tls.keyPem, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < MAX_BODY_BYTES) body += c.slice(0, MAX_BODY_BYTES - body.length);
      });
      res.once('end', () => resolve({ ok: true, status: res.statusCode ?? 0, body }));
      res.once('error', (e) => resolve({ ok: false, error: e.message }));
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', (e) => resolve({ ok: false, error: e.message }));
    req.end();
  });
}

export interface MemberStatus {
  readonly name: string;
  /** The member's id and the leader it knows (0n: none), or why it did not answer. */
  readonly answer: { readonly memberId: bigint; readonly leaderId: bigint; readonly raftTerm: number } | { readonly error: string };
}

export interface StoreView {
  readonly members: readonly MemberStatus[];
  /** The member every answering member names as leader; undefined when they do not agree or none is known. */
  readonly leader: string | undefined;
}

export async function storeView(l: ClusterLayout, timeoutMs: number): Promise<StoreView> {
  const endpoints = l.store.map((s) => `${s.host}:${s.clientPort}`);
  const client = EtcdClient.connect({ endpoints, requestTimeoutMs: timeoutMs });
  try {
    const members = await Promise.all(l.store.map(async (s, i): Promise<MemberStatus> => {
      try {
        const st = await client.status(endpoints[i]);
        return { name: s.name, answer: { memberId: st.header.memberId, leaderId: st.leader, raftTerm: st.raftTerm } };
      } catch (e) {
        return { name: s.name, answer: { error: (e as Error).message } };
      }
    }));
    const leaders = new Set<bigint>();
    const byId = new Map<bigint, string>();
    for (const m of members) {
      if ('error' in m.answer) continue;
      leaders.add(m.answer.leaderId);
      byId.set(m.answer.memberId, m.name);
    }
    const [only] = leaders;
    const leader = leaders.size === 1 && only !== undefined && only !== 0n ? byId.get(only) : undefined;
    return { members, leader };
  } finally {
    client.close();
  }
}
