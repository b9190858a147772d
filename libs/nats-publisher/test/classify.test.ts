import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, type Classification } from '../src/index.ts';

test('classify: duplicate, gap, new', () => {
  const table: Array<[number, number, number, Classification]> = [
    // lastSeen, revision, prevRevision, verdict
    [10, 10, 5, 'duplicate'],
    [10, 9, 3, 'duplicate'],
    [10, 10, 10 - 1, 'duplicate'],
    [10, 12, 10, 'new'],
    [10, 12, 7, 'new'], // prev below lastSeen: nothing on the subject in (7, 12) besides what we saw
    [10, 11, 0, 'new'],
    [10, 15, 11, 'gap'], // something at 11 may be missing
    [0, 5, 1, 'gap'],
    [0, 5, 0, 'new'],
  ];
  for (const [lastSeen, revision, prevRevision, want] of table) {
    assert.equal(classify(lastSeen, { revision, prevRevision }), want, `${lastSeen} ${revision} ${prevRevision}`);
  }
});

test('classify over a lossy, duplicating stream never accepts a message past a loss', () => {
  // One subject's true history; each message says its previous revision.
  const revisions = [3, 4, 9, 10, 15, 22, 23, 30];
  const msgs = revisions.map((r, i) => ({ revision: r, prevRevision: i === 0 ? 0 : (revisions[i - 1] ?? 0) }));
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 200; round++) {
    // Deliver in order with random drops and re-deliveries of earlier messages.
    const stream = msgs.flatMap((m, i) => {
      const out = rand() < 0.2 ? [] : [m];
      if (rand() < 0.3 && i > 0) out.push(msgs[Math.floor(rand() * i)] ?? m);
      return out;
    });
    let lastSeen = 0;
    const applied: number[] = [];
    for (const m of stream) {
      const v = classify(lastSeen, m);
      if (v === 'gap') break; // a real subscriber repairs here; nothing after it is applied blindly
      if (v === 'new') {
        applied.push(m.revision);
        lastSeen = m.revision;
      }
    }
    // Whatever was applied is exactly a prefix of the history: no loss, no reordering, no repeats.
    assert.deepEqual(applied, revisions.slice(0, applied.length));
  }
});
