import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBackend } from '../src/memory-backend.ts';
import { describeBackendContract } from './backend-contract.ts';

describeBackendContract('MemoryBackend', () => new MemoryBackend());

describe('MemoryBackend specifics', () => {
  it('sizeBytes follows puts, overwrites, deletes and restores', async () => {
    const db = new MemoryBackend();
    assert.equal(db.sizeBytes(), 0);
    db.write((t) => t.put(Uint8Array.of(1), new Uint8Array(100)));
    const one = db.sizeBytes();
    assert.ok(one >= 101);
    db.write((t) => t.put(Uint8Array.of(1), new Uint8Array(10)));
    assert.equal(db.sizeBytes(), one - 90);
    assert.throws(() =>
      db.write((t) => {
        t.put(Uint8Array.of(2), new Uint8Array(1000));
        throw new Error('abort');
      }),
    );
    assert.equal(db.sizeBytes(), one - 90);
    db.write((t) => t.delete(Uint8Array.of(1)));
    assert.equal(db.sizeBytes(), 0);
    await db.close();
  });

  it('a range opened inside a write sees the state at the range() call', () => {
    const db = new MemoryBackend();
    db.write((t) => {
      t.put(Uint8Array.of(1), Uint8Array.of(1));
      const range = t.range(new Uint8Array(0), undefined);
      t.put(Uint8Array.of(2), Uint8Array.of(2));
      assert.equal([...range].length, 1);
    });
  });
});
