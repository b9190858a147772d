// docker-compose.yml cannot run here (no Docker engine), so it is checked
// against what can: it parses as YAML, and every service runs exactly the
// command `logbook cluster` would run for the same process in the compose
// layout — the same flags, the same values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { composeLayout, processSpecs } from '../src/cluster-layout.ts';

const COMPOSE = fileURLToPath(new URL('../../../docker-compose.yml', import.meta.url));
const DOCKERFILE = fileURLToPath(new URL('../../../infra/Dockerfile', import.meta.url));

interface Service { readonly command?: unknown; readonly image?: unknown; readonly build?: unknown; readonly depends_on?: unknown; readonly volumes?: unknown }

function services(): Record<string, Service> {
  const doc = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services?: Record<string, Service> };
  assert.ok(doc.services !== undefined, 'docker-compose.yml has a services map');
  return doc.services;
}

test('docker-compose.yml runs 3 NATS, 3 store, 3 apiserver, HAProxy and the one-shot kubeconfig service', () => {
  const names = Object.keys(services()).sort();
  const want = [...processSpecs(composeLayout({ replicas: 3, storeMembers: 3, natsServers: 3 })).map((s) => s.name), 'kubeconfig'].sort();
  assert.deepEqual(names, want);
});

test('each compose service runs the command `logbook cluster` runs for that process', () => {
  const svc = services();
  for (const spec of processSpecs(composeLayout({ replicas: 3, storeMembers: 3, natsServers: 3 }))) {
    assert.deepEqual(svc[spec.name]?.command, spec.args, spec.name);
    // Everything reads the files the one-shot service writes, so nothing may start before it finishes.
    assert.deepEqual(svc[spec.name]?.depends_on, { kubeconfig: { condition: 'service_completed_successfully' } }, spec.name);
    assert.ok(Array.isArray(svc[spec.name]?.volumes) && (svc[spec.name]!.volumes as string[]).some((v) => v.startsWith('./.logbook/cluster:/cluster')), spec.name);
  }
  const init = svc['kubeconfig']?.command as string[];
  assert.deepEqual(init.slice(0, 4), ['cluster', 'init', '--dir', '/cluster']);
  for (const f of ['--replicas', '--store-members', '--nats-servers']) assert.equal(init[init.indexOf(f) + 1], '3', f);
});

test('the Logbook services build from infra/Dockerfile, which is based on Node 24', () => {
  const svc = services();
  for (const name of ['kubeconfig', 'store-1', 'apiserver-3']) assert.deepEqual(svc[name]?.build, { context: '.', dockerfile: 'infra/Dockerfile' }, name);
  assert.match(readFileSync(DOCKERFILE, 'utf8'), /^FROM node:24[-.\w]*$/m);
});
