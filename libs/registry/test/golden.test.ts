// Golden cases for the everyday kinds: manifests in, the stored object or the
// Status out, through the registry as the API server runs it (schemas,
// defaults, validation, allocation, field management). The expectations in
// test/golden/*.yaml are written from kube-apiserver 1.33's defaulting and
// validation rules, not recorded from this code.
//
// A case is a list of steps; each step is a create, update or patch and says
// what must come back: `stored` (the whole object, less the metadata the
// server makes up: uid, creationTimestamp, resourceVersion, managedFields),
// `status` (code and exact message) or `statusMatch` (code and a regex).
// `storedMatch` checks allocated values against a regex and binds them by the
// last path segment, so `stored` can say `$clusterIP`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { StatusError } from '@logbook/apimachinery';
import { MemoryStorage, type KubeObject } from '@logbook/apistorage';
import { catalogue } from '@logbook/resources';
import { builtinSchemas } from '@logbook/schemas';
import { Registry, type PatchType, type ResourceStore } from '../src/index.ts';

type Json = Record<string, unknown>;
interface Step {
  readonly create?: Json;
  readonly update?: Json;
  readonly patch?: { type: PatchType; name: string; body: unknown };
  readonly stored?: Json;
  readonly storedMatch?: Record<string, string>;
  readonly status?: { code: number; message: string };
  readonly statusMatch?: { code: number; message: string };
}
interface Case { readonly case: string; readonly steps: readonly Step[] }

const DIR = join(import.meta.dirname, 'golden');
const schemas = builtinSchemas();

function setup(): { lookup: (apiVersion: string, kind: string) => ResourceStore; ready: Promise<unknown> } {
  const storage = new MemoryStorage();
  let uid = 0;
  let t = Date.parse('2026-11-21T10:00:00Z');
  const resources = catalogue();
  const registry = new Registry({
    etcdPrefix: '/registry',
    resources,
    storageFor: () => storage,
    env: { now: () => (t += 1000), uuid: () => `uid-${++uid}`, randomInt: (n) => 3 % n },
    schemas,
    serviceRanges: { storage: new MemoryStorage(), clusterIpRange: '10.0.0.0/29', nodePortRange: '30000-30001' },
  });
  const lookup = (apiVersion: string, kind: string): ResourceStore => {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
    const info = resources.find((r) => r.group === group && r.version === version && r.kind === kind);
    assert.ok(info, `no resource for ${apiVersion} ${kind}`);
    return registry.lookup(group, version, info.plural)!;
  };
  const ready = lookup('v1', 'Namespace').create({ namespace: '' }, { metadata: { name: 'default' } });
  return { lookup, ready };
}

/** The object less what the server makes up per request. */
function comparable(obj: KubeObject): Json {
  const copy = structuredClone(obj) as Json & { metadata: Json };
  for (const k of ['uid', 'creationTimestamp', 'resourceVersion', 'managedFields']) delete copy.metadata[k];
  return copy;
}

function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
  return cur;
}

function substitute(v: unknown, vars: ReadonlyMap<string, unknown>): unknown {
  if (typeof v === 'string' && v.startsWith('$') && vars.has(v.slice(1))) return vars.get(v.slice(1));
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, vars)]));
  return v;
}

async function run(lookup: ReturnType<typeof setup>['lookup'], step: Step): Promise<KubeObject> {
  const scope = (m: Json): { namespace: string } => ({ namespace: ((m.metadata as Json | undefined)?.namespace as string | undefined) ?? '' });
  if (step.create) return lookup(step.create.apiVersion as string, step.create.kind as string).create(scope(step.create), step.create);
  if (step.update) {
    const name = (step.update.metadata as Json).name as string;
    return lookup(step.update.apiVersion as string, step.update.kind as string).update(scope(step.update), name, step.update);
  }
  assert.ok(step.patch, 'a step creates, updates or patches');
  throw new Error('a patch step needs the kind of an earlier step');
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
  const cases = parse(readFileSync(join(DIR, file), 'utf8')) as Case[];
  for (const c of cases) {
    test(`${file}: ${c.case}`, async () => {
      const { lookup, ready } = setup();
      await ready;
      let last: { apiVersion: string; kind: string; namespace: string } | undefined;
      for (const [i, step] of c.steps.entries()) {
        const label = `step ${i + 1}`;
        let result: KubeObject | StatusError;
        try {
          if (step.patch) {
            assert.ok(last, `${label}: a patch follows a create`);
            result = await lookup(last.apiVersion, last.kind).patch({ namespace: last.namespace }, step.patch.name, step.patch.type, step.patch.body);
          } else {
            result = await run(lookup, step);
          }
        } catch (err) {
          if (!(err instanceof StatusError)) throw err;
          result = err;
        }
        const manifest = step.create ?? step.update;
        if (manifest) last = { apiVersion: manifest.apiVersion as string, kind: manifest.kind as string, namespace: ((manifest.metadata as Json).namespace as string | undefined) ?? '' };
        const wantStatus = step.status ?? step.statusMatch;
        if (wantStatus) {
          assert.ok(result instanceof StatusError, `${label}: expected a ${wantStatus.code} Status, got an object`);
          assert.equal(result.status.code, wantStatus.code, `${label}: ${result.status.message}`);
          if (step.status) assert.equal(result.status.message, step.status.message, label);
          else assert.match(result.status.message, new RegExp(wantStatus.message), label);
          continue;
        }
        if (result instanceof StatusError) assert.fail(`${label}: ${result.status.code} ${result.status.message}`);
        const vars = new Map<string, unknown>();
        for (const [path, re] of Object.entries(step.storedMatch ?? {})) {
          const v = at(result, path);
          assert.match(String(v), new RegExp(re), `${label}: ${path}`);
          vars.set(path.split('.').at(-1)!, v);
        }
        if (step.stored) assert.deepEqual(comparable(result), substitute(step.stored, vars), label);
      }
    });
  }
}
