import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AllocationError, ClusterIpAllocator, MemoryAllocationStore, NodePortAllocator, clusterIPAllocationFieldError,
  dynamicAllocationMessage, nodePortAllocationFieldError, rangeOffset, formatIP, parseIP, parseCIDR,
} from '../src/core/index.ts';
import type { AllocationSnapshot, AllocationStore } from '../src/core/index.ts';

/** A seeded LCG so each run picks the same sequence. */
function seeded(seed: number): (max: number) => number {
  let x = seed >>> 0;
  return (max) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % max;
  };
}

async function rejectsWith(p: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AllocationError);
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    return true;
  });
}

describe('IP parsing', () => {
  const cases: [string, string | undefined][] = [
    ['10.0.0.1', '10.0.0.1'], ['010.000.0.1', '10.0.0.1'], ['fd00:0:0::1', 'fd00::1'], ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['::', '::'], ['1.2.3', undefined], ['1.2.3.256', undefined], ['1::2::3', undefined], ['gg::1', undefined],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${String(want)}`, () => {
      const ip = parseIP(input);
      assert.equal(ip === undefined ? undefined : formatIP(ip), want);
    });
  }
  it('parses CIDRs and rejects bad prefixes', () => {
    assert.equal(parseCIDR('10.96.0.0/12')?.size, 1n << 20n);
    assert.equal(parseCIDR('10.0.0.0/33'), undefined);
    assert.equal(parseCIDR('10.0.0.0'), undefined);
  });
});

describe('rangeOffset', () => {
  it('follows min(max(min, size/step), max)', () => {
    assert.equal(rangeOffset(16n, 16n, 256n, 16n), 0n);
    assert.equal(rangeOffset(254n, 16n, 256n, 16n), 16n);
    assert.equal(rangeOffset(1n << 20n, 16n, 256n, 16n), 256n);
    assert.equal(rangeOffset(2768n, 16n, 128n, 32n), 86n);
  });
});

describe('ClusterIpAllocator', () => {
  const make = (cidr: string, seed = 1): ClusterIpAllocator => new ClusterIpAllocator({ cidr, store: new MemoryAllocationStore<string>(), randomInt: seeded(seed) });

  it('hands out every usable IPv4 address once, never network, broadcast or the first IP, then reports full', async () => {
    const a = make('192.168.1.0/29'); // .1 kubernetes, .2-.6 dynamic, .0 and .7 never
    const got = new Set<string>();
    for (let i = 0; i < 5; i++) got.add(await a.allocateNext());
    assert.deepEqual([...got].sort(), ['192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5', '192.168.1.6']);
    await rejectsWith(a.allocateNext(), 'range-full', 'range is full');
    assert.equal(a.firstIP, '192.168.1.1');
    assert.equal(await a.allocate('192.168.1.1'), '192.168.1.1');
  });

  it('prefers the upper band for dynamic picks', async () => {
    const a = make('10.0.0.0/24'); // offset 16: dynamic picks land above 10.0.0.16
    for (let i = 0; i < 50; i++) {
      const ip = await a.allocateNext();
      const last = Number(ip.split('.')[3]);
      assert.ok(last > 16, `${ip} is in the static band`);
    }
  });

  it('rejects requests out of range, duplicates, network and broadcast addresses', async () => {
    const a = make('10.0.0.0/24');
    await a.allocate('10.0.0.5');
    await rejectsWith(a.allocate('10.0.0.5'), 'already-allocated', 'provided IP is already allocated');
    for (const ip of ['10.0.1.1', '10.0.0.0', '10.0.0.255', 'fd00::1', 'bogus']) {
      await rejectsWith(a.allocate(ip), 'not-in-range', `the provided IP (${ip}) is not in the valid range. The range of valid IPs is 10.0.0.0/24`);
    }
  });

  it('releases on delete so the IP can be taken again', async () => {
    const a = make('10.0.0.0/24');
    await a.allocate('10.0.0.9');
    await a.release('10.0.0.9');
    assert.equal(await a.isAllocated('10.0.0.9'), false);
    assert.equal(await a.allocate('10.0.0.9'), '10.0.0.9');
    await a.release('not-an-ip');
  });

  it('works for wide IPv6 ranges and canonicalises requests', async () => {
    const a = make('fd00::/64', 7);
    const ip = await a.allocateNext();
    assert.equal(parseIP(ip)?.family, 'IPv6');
    assert.equal(await a.allocate('fd00:0:0:0::10'), 'fd00::10');
    await rejectsWith(a.allocate('fd00::0010'), 'already-allocated', 'provided IP is already allocated');
  });

  it('formats the 422 kube answers', async () => {
    const a = make('10.0.0.0/24');
    await a.allocate('10.0.0.5');
    try {
      await a.allocate('10.0.0.5');
      assert.fail('expected a rejection');
    } catch (err: unknown) {
      assert.ok(err instanceof AllocationError);
      assert.equal(clusterIPAllocationFieldError(err, '10.0.0.5', ['10.0.0.5']).message(),
        'spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is already allocated');
      assert.equal(dynamicAllocationMessage('serviceIP', new AllocationError('range-full', 'range is full')), 'failed to allocate a serviceIP: range is full');
    }
  });

  it('rejects a bad range at construction', () => {
    assert.throws(() => make('10.0.0.0/40'), AllocationError);
  });
});

/** Loses the first `losses` compare-and-sets, as if another apiserver wrote in between. */
class RacingStore implements AllocationStore<number> {
  readonly inner = new MemoryAllocationStore<number>();
  losses: number;
  constructor(losses: number) { this.losses = losses; }
  read(): Promise<AllocationSnapshot<number>> { return this.inner.read(); }
  async compareAndSet(next: ReadonlySet<number>, version: string): Promise<boolean> {
    if (this.losses > 0) {
      this.losses--;
      const snap = await this.inner.read();
      await this.inner.compareAndSet(new Set([...snap.allocated, 30000 + this.losses]), snap.version);
      return false;
    }
    return this.inner.compareAndSet(next, version);
  }
}

describe('NodePortAllocator', () => {
  it('defaults to 30000-32767 and checks requested ports', async () => {
    const a = new NodePortAllocator({ store: new MemoryAllocationStore<number>(), randomInt: seeded(3) });
    assert.equal(a.range, '30000-32767');
    await a.allocate(30001);
    await rejectsWith(a.allocate(30001), 'already-allocated', 'provided port is already allocated');
    await rejectsWith(a.allocate(80), 'not-in-range', 'provided port is not in the valid range. The range of valid ports is 30000-32767');
    try {
      await a.allocate(30001);
    } catch (err: unknown) {
      assert.ok(err instanceof AllocationError);
      assert.equal(nodePortAllocationFieldError(err, 0, 30001).message(), 'spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated');
    }
  });

  it('picks dynamic ports above the static band, then falls back to it, then is full', async () => {
    const a = new NodePortAllocator({ range: '30000-30039', store: new MemoryAllocationStore<number>(), randomInt: seeded(5) });
    const first: number[] = [];
    for (let i = 0; i < 24; i++) first.push(await a.allocateNext()); // 40 ports, offset 16: 24 upper-band ports
    assert.ok(first.every((p) => p >= 30016), `got ${first.join(',')}`);
    const rest: number[] = [];
    for (let i = 0; i < 16; i++) rest.push(await a.allocateNext());
    assert.ok(rest.every((p) => p < 30016));
    await rejectsWith(a.allocateNext(), 'range-full', 'range is full');
    await a.release(30003);
    assert.equal(await a.allocateNext(), 30003);
  });

  it('retries lost compare-and-set races and gives up after a bound', async () => {
    const store = new RacingStore(3);
    const a = new NodePortAllocator({ range: '30000-30100', store, randomInt: seeded(9) });
    assert.equal(await a.allocate(30050), 30050);
    assert.equal(await a.isAllocated(30050), true);
    assert.equal(await a.isAllocated(30002), true, 'the racing writer\'s port survives');
    const hopeless = new NodePortAllocator({ range: '30000-30100', store: new RacingStore(100), randomInt: seeded(9) });
    await assert.rejects(hopeless.allocate(30060), (err: unknown) => err instanceof AllocationError && err.code === 'conflict');
  });
});
