// Shared test scaffolding: recording handler and logger, message builders,
// transports on ephemeral loopback ports, and polling.

import { connect, createServer, type Socket } from 'node:net';
import { after } from 'node:test';
import type { Entry, LogFields, Logger, LogIndex, Message, NodeId, SnapshotStatus, Term, TransportHandler } from '@logbook/raft';
import { GrpcTransport } from '../src/index.ts';
import type { GrpcTransportOptions, SnapshotPayloads, TransportCredentials, TransportLimits, TransportTiming } from '../src/index.ts';
import { message, seededRandom } from '@logbook/raft/core';

export const id = (n: number): NodeId => n as NodeId;

export class RecordingHandler implements TransportHandler {
  readonly received: Message[] = [];
  readonly unreachable: NodeId[] = [];
  readonly snapshots: Array<{ peer: NodeId; status: SnapshotStatus }> = [];
  receive(m: Message): void {
    this.received.push(m);
  }
  reportUnreachable(peer: NodeId): void {
    this.unreachable.push(peer);
  }
  reportSnapshot(peer: NodeId, status: SnapshotStatus): void {
    this.snapshots.push({ peer, status });
  }
}

export interface LogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: LogFields;
}

export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  debug(msg: string, fields: LogFields = {}): void {
    this.records.push({ level: 'debug', msg, fields });
  }
  info(msg: string, fields: LogFields = {}): void {
    this.records.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.records.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields: LogFields = {}): void {
    this.records.push({ level: 'error', msg, fields });
  }
  has(level: LogRecord['level'], fragment: string): boolean {
    return this.records.some((r) => r.level === level && r.msg.includes(fragment));
  }
}

const EMPTY = new Uint8Array(0);

export function app(from: number, to: number, index: number, data: Uint8Array = EMPTY): Message {
  const entry: Entry = { term: 1 as Term, index: (index + 1) as LogIndex, type: 'normal', data };
  return message({ type: 'MsgApp', from: id(from), to: id(to), term: 1 as Term, logTerm: 1 as Term, index: index as LogIndex, entries: [entry] });
}

export function snap(from: number, to: number, data: Uint8Array): Message {
  return message({
    type: 'MsgSnap',
    from: id(from),
    to: id(to),
    term: 3 as Term,
    snapshot: {
      metadata: { index: 500 as LogIndex, term: 3 as Term, confState: { voters: [id(1), id(2), id(3)], learners: [] } },
      data,
    },
  });
}

/** Fast reconnects so tests spend milliseconds, not seconds, in backoff. */
export const TEST_TIMING: Partial<TransportTiming> = {
  reconnectInitialMs: 10,
  reconnectMaxMs: 100,
  connectTimeoutMs: 2_000,
  snapshotTimeoutMs: 20_000,
};

export interface Member {
  readonly id: NodeId;
  readonly transport: GrpcTransport;
  readonly handler: RecordingHandler;
  readonly logger: RecordingLogger;
  readonly address: string;
}

export interface MemberOptions {
  port?: number;
  peers?: Map<NodeId, string>;
  limits?: Partial<TransportLimits>;
  timing?: Partial<TransportTiming>;
  credentials?: TransportCredentials;
  snapshotPayloads?: SnapshotPayloads;
}

export async function startMember(n: number, o: MemberOptions = {}): Promise<Member> {
  const logger = new RecordingLogger();
  const handler = new RecordingHandler();
  const options: GrpcTransportOptions = {
    id: id(n),
    listenAddress: `127.0.0.1:${o.port ?? 0}`,
    peers: o.peers ?? new Map(),
    logger,
    random: seededRandom(n),
    timing: { ...TEST_TIMING, ...o.timing },
    ...(o.limits !== undefined ? { limits: o.limits } : {}),
    ...(o.credentials !== undefined ? { credentials: o.credentials } : {}),
    ...(o.snapshotPayloads !== undefined ? { snapshotPayloads: o.snapshotPayloads } : {}),
  };
  const transport = new GrpcTransport(options);
  await transport.start(handler);
  return { id: id(n), transport, handler, logger, address: `127.0.0.1:${transport.port}` };
}

/** startMember for a test file: every member it starts is closed when the file's tests are done. */
export function membersClosedAfter(): (...args: Parameters<typeof startMember>) => Promise<Member> {
  const members: Member[] = [];
  after(async () => {
    await Promise.all(members.map((m) => m.transport.close()));
  });
  return async (...args) => {
    const m = await startMember(...args);
    members.push(m);
    return m;
  };
}

/** A loopback port that was free a moment ago (for a peer that starts later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * A loopback TCP listener that accepts connections and holds them, unread,
 * until release() splices each one (and any later one) to a real port. A
 * client connecting through it stays in its connection attempt meanwhile:
 * neither up nor failed.
 */
export interface HeldProxy {
  readonly address: string;
  release(port: number): void;
  /** Stops forwarding in both directions on every spliced connection, without closing any: a peer that hangs. */
  freeze(): void;
  close(): Promise<void>;
}

export async function heldProxy(): Promise<HeldProxy> {
  const sockets = new Set<Socket>();
  const pairs: [Socket, Socket][] = [];
  let target: number | undefined;
  const splice = (client: Socket, port: number): void => {
    const upstream = connect(port, '127.0.0.1');
    sockets.add(upstream);
    pairs.push([client, upstream]);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const held: Socket[] = [];
  const server = createServer((client) => {
    sockets.add(client);
    client.pause();
    if (target === undefined) held.push(client);
    else splice(client, target);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    address: `127.0.0.1:${address.port}`,
    release(port: number): void {
      target = port;
      for (const client of held.splice(0)) splice(client, port);
    },
    freeze(): void {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close(): Promise<void> {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A snapshot payload's pieces for SnapshotPayloads.open(), produced lazily from a synchronous iterable. */
export function asAsync<T>(items: Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = items[Symbol.iterator]();
      return {
        next: () => Promise.resolve(it.next()),
        return: (value?: unknown) => Promise.resolve(it.return?.(value) ?? { done: true, value }),
      };
    },
  };
}

export function indexes(ms: readonly Message[]): number[] {
  return ms.map((m) => m.index);
}

/** Deterministic random source for tests (the core's mulberry32). */
export { seededRandom };
