import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MessageQueue } from '../src/message-queue.ts';
import { maxEncodedBytes, minEncodedBytes } from '../src/message-size.ts';
import { encodeMessage } from '@logbook/proto';
import { app, snap } from './helpers.ts';

it('is FIFO and refuses at the message bound', () => {
  const q = new MessageQueue(3, 1_000_000);
  for (let i = 0; i < 3; i++) assert.equal(q.push(app(1, 2, i), 10), true);
  assert.equal(q.push(app(1, 2, 3), 10), false);
  assert.equal(q.length, 3);
  assert.equal(q.shift()?.index, 0);
  assert.equal(q.push(app(1, 2, 4), 10), true);
  assert.deepStrictEqual([q.shift()?.index, q.shift()?.index, q.shift()?.index, q.shift()], [1, 2, 4, undefined]);
  assert.equal(q.bytes, 0);
});

it('refuses at the byte bound and frees bytes on shift', () => {
  const q = new MessageQueue(100, 100);
  assert.equal(q.push(app(1, 2, 0), 60), true);
  assert.equal(q.push(app(1, 2, 1), 60), false);
  assert.equal(q.push(app(1, 2, 2), 40), true);
  assert.equal(q.bytes, 100);
  q.shift();
  assert.equal(q.bytes, 40);
  assert.equal(q.push(app(1, 2, 3), 60), true);
});

it('stays in order across many pushes and shifts (compaction)', () => {
  const q = new MessageQueue(5_000, 1e9);
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 300; i++) assert.ok(q.push(app(1, 2, next++), 1));
    for (let i = 0; i < 250; i++) assert.equal(q.shift()?.index, expected++);
  }
  while (q.length > 0) assert.equal(q.shift()?.index, expected++);
  assert.equal(expected, next);
});

it('estimates encoded sizes from above and below', () => {
  const samples = [app(1, 2, 0), app(1, 2, Number.MAX_SAFE_INTEGER - 1, new Uint8Array(5000)), snap(1, 2, new Uint8Array(70_000))];
  for (const m of samples) {
    const actual = encodeMessage(m).byteLength;
    assert.ok(minEncodedBytes(m) <= actual && actual <= maxEncodedBytes(m), `${m.type}: ${minEncodedBytes(m)} <= ${actual} <= ${maxEncodedBytes(m)}`);
  }
});
