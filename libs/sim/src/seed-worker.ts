// Worker-thread entry for run-seeds.ts: runs its share of seeds in order and
// posts each result back.

import { parentPort, workerData } from 'node:worker_threads';
import { runOne, type WorkerRequest } from './run-seeds.ts';

const req = workerData as WorkerRequest;
if (parentPort === null) throw new Error('seed-worker.ts must run as a worker thread');
for (const seed of req.seeds) {
  parentPort.postMessage(await runOne(seed, req.settings));
}
