// Generates static protobufjs code for every proto/*.proto into
// libs/proto/src/gen/. Generated files are never edited by hand and never committed.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'proto');
const outDir = join(root, 'libs', 'proto', 'src', 'gen');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const protos = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort();
for (const file of protos) {
  const base = file.slice(0, -'.proto'.length);
  const js = join(outDir, `${base}.js`);
  execFileSync(
    bin('pbjs'),
    [
      '--target', 'static-module',
      '--wrap', 'es6',
      '--dependency', 'protobufjs/minimal.js',
      '--force-number',
      '--no-create',
      '--no-verify',
      '--no-delimited',
      '--no-typeurl',
      '--path', protoDir,
      '--out', js,
      join(protoDir, file),
    ],
    { stdio: 'inherit' },
  );
  execFileSync(bin('pbts'), ['--no-comments', '--out', join(outDir, `${base}.d.ts`), js], { stdio: 'inherit' });
}
console.log(`gen-proto: ${protos.length} file(s) into ${outDir}`);
