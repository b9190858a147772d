import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logIndex, message, nodeId, term, type Entry, type HardState, type NodeId } from '@logbook/raft';
import { decodeCommand, encodeCommand, CommandDecodeError } from '../src/command.ts';
import { MemoryDrive } from '../src/memory-drive.ts';
import { SimNetwork, type NetworkParams } from '../src/network.ts';
import { Prng } from '../src/prng.ts';
import { RegisterMachine } from '../src/register-machine.ts';
import { NO_MUTATIONS, type DriveFaults, type DriveMutations, type SimDrive } from '../src/sim-disk.ts';

const voters = { voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [] };
const ent = (index: number, t: number): Entry => ({ index: logIndex(index), term: term(t), type: 'normal', data: new Uint8Array([index]) });
const hs = (t: number, vote: number, commit: number): HardState => ({ term: term(t), vote: nodeId(vote), commit: logIndex(commit) });

/** Typed as the interface the simulator uses, whose methods may be async. */
const memoryDrive = (faults: DriveFaults, mutations: DriveMutations): SimDrive =>
  new MemoryDrive(voters, Prng.fromSeed(1), faults, mutations);

describe('MemoryDrive', () => {
  const faults = { unsyncedSurvivalProbability: 0, tornWriteProbability: 0.5 };

  it('keeps synced writes across a crash and loses unsynced ones', async () => {
    const drive = memoryDrive(faults, NO_MUTATIONS);
    const disk = await drive.open();
    await disk.persist({ hardState: hs(2, 1, 1), entries: [ent(2, 2), ent(3, 2)], mustSync: true });
    await disk.persist({ hardState: hs(2, 1, 3), entries: [], mustSync: false });
    assert.equal(disk.storage.initialState().hardState.commit, 3);
    drive.crash();
    const again = await drive.open();
    assert.equal(again.storage.lastIndex(), 3);
    assert.deepEqual(again.storage.initialState().hardState, hs(2, 1, 1), 'the unsynced commit advance is lost');
    assert.throws(() => disk.persist({ entries: [], mustSync: false }), /crashed mount/);
  });

  it('with survival probability 1 keeps unsynced writes too', async () => {
    const drive = memoryDrive({ ...faults, unsyncedSurvivalProbability: 1 }, NO_MUTATIONS);
    const disk = await drive.open();
    await disk.persist({ hardState: hs(2, 1, 1), entries: [ent(2, 2)], mustSync: true });
    await disk.persist({ hardState: hs(2, 1, 2), entries: [], mustSync: false });
    drive.crash();
    assert.equal((await drive.open()).storage.initialState().hardState.commit, 2);
  });

  it('skip-fsync mutation: a crash loses "synced" entries', async () => {
    const drive = memoryDrive(faults, { skipFsync: true, forgetVote: false });
    const disk = await drive.open();
    await disk.persist({ hardState: hs(2, 1, 1), entries: [ent(2, 2)], mustSync: true });
    drive.crash();
    assert.equal((await drive.open()).storage.lastIndex(), 1);
  });

  it('forget-vote mutation: the vote is dropped on every mount, the term kept', async () => {
    const drive = memoryDrive(faults, { skipFsync: false, forgetVote: true });
    const disk = await drive.open();
    await disk.persist({ hardState: hs(4, 2, 1), entries: [], mustSync: true });
    drive.crash();
    assert.deepEqual((await drive.open()).storage.initialState().hardState, hs(4, 0, 1));
  });

  it('a conflicting append replaces the suffix, durably', async () => {
    const drive = memoryDrive(faults, NO_MUTATIONS);
    const disk = await drive.open();
    await disk.persist({ entries: [ent(2, 2), ent(3, 2), ent(4, 2)], mustSync: true });
    await disk.persist({ entries: [ent(3, 3)], mustSync: true });
    drive.crash();
    const s = (await drive.open()).storage;
    assert.equal(s.lastIndex(), 3);
    assert.equal(s.term(logIndex(3)), 3);
  });

  it('createSnapshot compacts and survives a crash', async () => {
    const drive = memoryDrive(faults, NO_MUTATIONS);
    const disk = await drive.open();
    await disk.persist({ hardState: hs(2, 1, 4), entries: [ent(2, 2), ent(3, 2), ent(4, 2)], mustSync: true });
    await disk.createSnapshot(logIndex(3), voters, new Uint8Array([9]), 1);
    assert.equal(disk.storage.firstIndex(), 3);
    drive.crash();
    const s = (await drive.open()).storage;
    assert.equal(s.snapshot().metadata.index, 3);
    assert.deepEqual([...s.snapshot().data], [9]);
    assert.equal(s.lastIndex(), 4);
  });
});

describe('SimNetwork', () => {
  const params: NetworkParams = {
    minDelayTicks: 2,
    maxDelayTicks: 4,
    lossProbability: 0,
    duplicateProbability: 0,
    delaySpikeProbability: 0,
    delaySpikeTicks: 1,
    maxInFlight: 3,
  };
  const msg = (from: number, to: number) => message({ type: 'MsgHeartbeat', from: nodeId(from), to: nodeId(to) });

  function drain(net: SimNetwork, upTo: number): { tick: number; from: NodeId; fate: string }[] {
    const out: { tick: number; from: NodeId; fate: string }[] = [];
    for (let t = 0; t <= upTo; t++) for (const d of net.takeDue(t)) out.push({ tick: t, from: d.from, fate: d.fate });
    return out;
  }

  it('delivers every message within the delay bounds', () => {
    const net = new SimNetwork(Prng.fromSeed(3), params);
    assert.ok(net.send(nodeId(1), msg(1, 2), 0));
    assert.ok(net.send(nodeId(2), msg(2, 1), 0));
    const got = drain(net, 10);
    assert.equal(got.length, 2);
    for (const d of got) {
      assert.ok(d.tick >= 2 && d.tick <= 4);
      assert.equal(d.fate, 'deliver');
    }
    assert.equal(net.inFlight, 0);
  });

  it('refuses messages beyond its in-flight bound', () => {
    const net = new SimNetwork(Prng.fromSeed(3), params);
    for (let i = 0; i < 3; i++) assert.ok(net.send(nodeId(1), msg(1, 2), 0));
    assert.equal(net.send(nodeId(1), msg(1, 2), 0), false);
    assert.equal(net.stats.refused, 1);
  });

  it('a cut link drops in-flight messages at delivery time, one direction only', () => {
    const net = new SimNetwork(Prng.fromSeed(3), params);
    net.send(nodeId(1), msg(1, 2), 0);
    net.send(nodeId(2), msg(2, 1), 0);
    net.cut(nodeId(1), nodeId(2));
    const fates = drain(net, 10).map((d) => `${d.from}:${d.fate}`).sort();
    assert.deepEqual(fates, ['1:partitioned', '2:deliver']);
    net.healAll();
    net.send(nodeId(1), msg(1, 2), 11);
    assert.equal(drain(net, 20).at(-1)?.fate, 'deliver');
  });

  it('uses the sending member, not message.from, for partitions (forwarded proposals carry from 0)', () => {
    const net = new SimNetwork(Prng.fromSeed(3), params);
    net.split([nodeId(1)], [nodeId(2), nodeId(3)]);
    net.send(nodeId(1), message({ type: 'MsgProp', from: nodeId(0), to: nodeId(2) }), 0);
    assert.equal(drain(net, 10)[0]?.fate, 'partitioned');
  });

  it('loses and duplicates at the configured rates', () => {
    const net = new SimNetwork(Prng.fromSeed(4), { ...params, maxInFlight: 100_000, lossProbability: 0.2, duplicateProbability: 0.1 });
    for (let i = 0; i < 5000; i++) net.send(nodeId(1), msg(1, 2), 0);
    const got = drain(net, 10);
    const lost = got.filter((d) => d.fate === 'lost').length;
    assert.ok(got.length > 5300 && got.length < 5700, `duplicates: ${got.length - 5000}`);
    assert.ok(lost / got.length > 0.17 && lost / got.length < 0.23, `loss rate ${lost / got.length}`);
  });
});

describe('RegisterMachine and commands', () => {
  it('applies write, read and cas, and skips duplicates by per-client sequence', () => {
    const sm = new RegisterMachine(2, 2);
    const cmd = (clientId: number, seq: number, input: Parameters<typeof encodeCommand>[0]['input']) =>
      encodeCommand({ clientId, seq, input });
    assert.deepEqual(sm.apply(cmd(0, 1, { kind: 'write', key: 1, value: 7 })).output, { kind: 'write' });
    assert.deepEqual(sm.apply(cmd(1, 1, { kind: 'cas', key: 1, expected: 7, next: 8 })).output, { kind: 'cas', ok: true });
    assert.deepEqual(sm.apply(cmd(1, 2, { kind: 'cas', key: 1, expected: 7, next: 9 })).output, { kind: 'cas', ok: false });
    assert.equal(sm.apply(cmd(0, 1, { kind: 'write', key: 1, value: 7 })).output, undefined, 'duplicate skipped');
    assert.deepEqual(sm.apply(cmd(0, 2, { kind: 'read', key: 1 })).output, { kind: 'read', value: 8 });
    assert.equal(sm.digest(), '0,8/2,2');
  });

  it('snapshot and restore round-trip; empty data is the initial state', () => {
    const a = new RegisterMachine(3, 2);
    a.apply(encodeCommand({ clientId: 1, seq: 5, input: { kind: 'write', key: 2, value: 42 } }));
    const b = new RegisterMachine(3, 2);
    b.restore(a.snapshot());
    assert.equal(b.digest(), a.digest());
    b.restore(new Uint8Array(0));
    assert.equal(b.digest(), '0,0,0/0,0');
    assert.throws(() => new RegisterMachine(4, 2).restore(a.snapshot()), /shape/);
  });

  it('commands round-trip and invalid bytes are refused', () => {
    const c = { clientId: 3, seq: 99, input: { kind: 'cas', key: 4, expected: 12, next: 13 } } as const;
    assert.deepEqual(decodeCommand(encodeCommand(c)), c);
    assert.throws(() => decodeCommand(new Uint8Array(3)), CommandDecodeError);
    const bad = encodeCommand(c);
    bad[1] = 9;
    assert.throws(() => decodeCommand(bad), /unknown kind/);
    assert.throws(() => encodeCommand({ ...c, clientId: 300 }), RangeError);
  });
});

describe('History', () => {
  it('orders events by one counter and marks unknown outcomes with an infinite return', async () => {
    const { History, HistoryError } = await import('../src/history.ts');
    const h = new History();
    const a = h.invoke(0, { kind: 'write', key: 0, value: 1 }, 5);
    const b = h.invoke(1, { kind: 'read', key: 0 }, 5);
    const c = h.invoke(2, { kind: 'read', key: 0 }, 6);
    h.complete(b, { kind: 'read', value: 1 }, 7);
    h.abandon(a);
    h.retract(c);
    const ops = h.ops();
    assert.deepEqual(ops.map((o) => o.id), [a, b]);
    const [wa, rb] = ops;
    assert.ok(wa!.callTime < rb!.callTime && rb!.callTime < rb!.returnTime);
    assert.equal(wa!.returnTime, Infinity);
    assert.equal(wa!.output, undefined);
    assert.deepEqual(h.counts(), { completed: 1, unknown: 1, pending: 0 });
    assert.throws(() => h.complete(a, { kind: 'write' }, 8), HistoryError);
    const d = h.invoke(0, { kind: 'cas', key: 0, expected: 1, next: 2 }, 9);
    assert.throws(() => h.complete(d, { kind: 'read', value: 1 }, 9), /read output for cas input/);
  });
});
