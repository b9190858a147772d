import { test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MvccError } from '../src/index.ts';
import { runDataDriven, type Block } from './datadriven.ts';
import { TestStore, b, fmtError, fmtEvent, fmtKv, fmtResult, parseOp, parseRequest } from './harness.ts';

const dir = join(import.meta.dirname, '..', 'testdata');

function handler(t: TestStore): (blk: Block) => string {
  return (blk) => {
    const words = blk.command.trim().split(/\s+/);
    const kv = new Map(words.filter((w) => w.includes('=')).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] as const));
    const flags = new Set(words.slice(1));
    switch (words[0]) {
      case 'state':
        return `rev=${t.store.currentRevision} compacted=${t.store.compactedRevision} applied=${t.store.appliedIndex}`;
      case 'sget': {
        // A serializable read outside the log.
        try {
          const op = parseOp(blk.command.replace(/^sget/, 'get'));
          if (op.type !== 'range') throw new Error('sget is a range');
          const r = t.store.range(op.request);
          return [`range rev=${r.header.revision} count=${r.count} more=${r.more}`, ...r.kvs.map((x) => `  ${fmtKv(x)}`)].join('\n');
        } catch (e) {
          if (e instanceof MvccError) return fmtError(e);
          throw e;
        }
      }
      case 'watch': {
        const end = kv.get('end');
        const r = t.store.eventsSince({
          startRevision: Number(words[1]),
          key: b(words[2]!),
          ...(end !== undefined ? { rangeEnd: b(end) } : {}),
          limit: Number(kv.get('limit') ?? 1000),
          prevKv: flags.has('prev'),
        });
        if ('compactRevision' in r) return `compacted compactRevision=${r.compactRevision}`;
        return [`next=${r.nextRevision}`, ...r.events.map(fmtEvent)].join('\n');
      }
      case 'leases':
        return t.store.leases().map((l) => `lease ${l.id} ttl=${l.grantedTtl} granted=${l.grantedRevision}`).join('\n');
      case 'ttl': {
        try {
          const r = t.store.leaseTimeToLive(Number(words[1]), flags.has('keys'));
          return [`lease ${r.id} ttl=${r.grantedTtl}`, ...r.keys.map((k) => `  key ${new TextDecoder().decode(k)}`)].join('\n');
        } catch (e) {
          if (e instanceof MvccError) return fmtError(e);
          throw e;
        }
      }
      default:
        return fmtResult(t.apply(parseRequest(blk.command, blk.input)));
    }
  };
}

for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
  test(`golden ${f}`, () => {
    runDataDriven(join(dir, f), handler(new TestStore({ maxTxnOps: 4 })));
  });
}
