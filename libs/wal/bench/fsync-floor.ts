// Measures raw fdatasync latency of small appends on the disk holding DIR:
//   node libs/wal/bench/fsync-floor.ts [--dir DIR] [--iterations N] [--bytes B]
// Prints one JSON line (p50/p99 in µs). The raft benchmark uses it as the floor.

import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { measureFsyncFloor } from '../src/fsync-floor.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: tmpdir() },
    iterations: { type: 'string', default: '1000' },
    bytes: { type: 'string', default: '256' },
  },
});
const iterations = Number(values.iterations);
const recordBytes = Number(values.bytes);
const r = await measureFsyncFloor(values.dir, iterations, { recordBytes });
console.log(JSON.stringify({ bench: 'fsync-floor', dir: values.dir, ...r }));
console.error(`fdatasync of ${recordBytes}-byte appends (${iterations}x): p50 ${r.p50Us} µs, p99 ${r.p99Us} µs`);
