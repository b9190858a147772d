// Generates static protobufjs code for every proto/*.proto into
// libs/proto/src/gen/, and for every proto/<dir>/ into the package that owns
// that API (SUBDIR_OUT). Generated files are never edited by hand and never committed.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'proto');
const outDir = join(root, 'libs', 'proto', 'src', 'gen');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

// A subdirectory is compiled as one module: its files import each other, and
// one module holds exactly one copy of each shared message class.
const SUBDIR_OUT: Readonly<Record<string, string>> = {
  etcd: join(root, 'libs', 'etcd-api', 'src', 'gen'),
};

function pbjs(out: string, includeDir: string, files: readonly string[]): void {
  const args = [
    // Each module gets its own protobufjs root: with the shared default root,
    // two modules that both declare package `logbook.*` overwrite each other's
    // namespace object at load time.
    '--root', `logbook_${basename(out, '.js')}`,
    '--target', 'static-module',
    '--wrap', 'es6',
    '--dependency', 'protobufjs/minimal.js',
    '--force-number',
    '--no-create',
    '--no-verify',
    '--no-delimited',
    '--no-typeurl',
    '--path', includeDir,
    '--out', out,
  ];
  execFileSync(bin('pbjs'), [...args, ...files], { stdio: 'inherit' });
  const dts = out.replace(/\.js$/, '.d.ts');
  execFileSync(bin('pbts'), ['--no-comments', '--out', dts, out], { stdio: 'inherit' });
}

const entries = readdirSync(protoDir).sort();
const protos = entries.filter((f) => f.endsWith('.proto'));
// proto/k8s/ is loaded at run time by libs/kube-protobuf (reflection over 263 messages; no generated code).
const RUNTIME_LOADED: ReadonlySet<string> = new Set(['k8s', 'gnostic']);
const subdirs = entries.filter((f) => statSync(join(protoDir, f)).isDirectory() && !RUNTIME_LOADED.has(f));
for (const dir of subdirs) {
  if (SUBDIR_OUT[dir] === undefined) throw new Error(`gen-proto: proto/${dir}/ has no output directory in SUBDIR_OUT`);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const file of protos) {
  pbjs(join(outDir, `${file.slice(0, -'.proto'.length)}.js`), protoDir, [join(protoDir, file)]);
}
for (const dir of subdirs) {
  const out = SUBDIR_OUT[dir] ?? '';
  const src = join(protoDir, dir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = readdirSync(src).filter((f) => f.endsWith('.proto')).sort().map((f) => join(src, f));
  pbjs(join(out, `${dir}.js`), src, files);
}
console.log(`gen-proto: ${protos.length} file(s) into ${outDir}; ${subdirs.length} director(ies) into their packages`);
