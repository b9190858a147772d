#!/usr/bin/env node
// The `logbook` command. Plain JavaScript so the shebang works everywhere;
// the implementation is TypeScript, run by Node's type stripping (Node >= 24).
// Under an older `node` on PATH, re-run with the repository's pinned Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import process from 'node:process';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const pinned = fileURLToPath(new URL('../../../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(`logbook: needs Node.js 24 or newer (this is ${process.version}); run 'npm ci' in the repository first\n`);
    process.exit(2);
  }
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
