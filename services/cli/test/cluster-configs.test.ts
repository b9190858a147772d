import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterError } from '../src/cluster-error.ts';
import { findBinary } from '../src/cluster-host.ts';
import { localLayout, composeLayout } from '../src/cluster-layout.ts';
import { checkHaproxyConfig } from '../src/cluster-prepare.ts';
import { HAPROXY_TEMPLATE, NATS_TEMPLATE, haproxyConfig, loadTemplate, natsConfig, renderTemplate } from '../src/cluster-templates.ts';

const THREE = { replicas: 3, storeMembers: 3, natsServers: 3 };
const local = localLayout('/d', THREE, Array.from({ length: 16 }, (_, i) => 31000 + i));

/** The real binaries, found as `up` finds them; a test that needs one it cannot find is skipped, saying which. */
function binary(name: 'nats-server' | 'haproxy'): string | undefined {
  try {
    return findBinary(name, process.env);
  } catch (e) {
    if (e instanceof ClusterError && e.code === 'missing-binary') return undefined;
    throw e;
  }
}

function withTmp<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'logbook-cluster-cfg-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('renderTemplate fills every placeholder and refuses missing or unused values', () => {
  assert.equal(renderTemplate('a {{x}} b {{y_z}} {{x}}', { x: '1', y_z: '2' }, 't'), 'a 1 b 2 1');
  assert.throws(() => renderTemplate('{{x}} {{y}}', { x: '1' }, 't'), (e: unknown) => e instanceof ClusterError && e.code === 'invalid' && /no value for \{\{y\}\}/.test(e.message));
  assert.throws(() => renderTemplate('{{x}}', { x: '1', extra: '2' }, 't'), /no placeholder for extra/);
  assert.throws(() => loadTemplate('/nonexistent/x.tmpl'), (e: unknown) => e instanceof ClusterError && /cannot read template/.test(e.message));
});

test('a NATS member listens on its own ports, routes to every other member and raises max_payload above 1.5 MiB', () => {
  const conf = natsConfig(loadTemplate(NATS_TEMPLATE), local, local.nats[1]!);
  const [n1, n2, n3] = local.nats;
  assert.match(conf, /^server_name: nats-2$/m);
  assert.match(conf, new RegExp(`^listen: "127\\.0\\.0\\.1:${n2!.clientPort}"$`, 'm'));
  assert.match(conf, new RegExp(`listen: "127\\.0\\.0\\.1:${n2!.clusterPort}"`));
  assert.match(conf, new RegExp(`"nats-route://127\\.0\\.0\\.1:${n1!.clusterPort}"`));
  assert.match(conf, new RegExp(`"nats-route://127\\.0\\.0\\.1:${n3!.clusterPort}"`));
  assert.doesNotMatch(conf, new RegExp(`nats-route://127\\.0\\.0\\.1:${n2!.clusterPort}`), 'no route to itself');
  const payload = Number(/^max_payload: (\d+)$/m.exec(conf)?.[1]);
  assert.ok(payload >= 1.5 * 1024 * 1024 + 64 * 1024, `max_payload ${payload} holds a 1.5 MiB value with room to spare`);
  assert.doesNotMatch(conf, /\{\{/);
});

test('nats-server accepts each rendered member config (and rejects a broken one)', (t) => {
  const bin = binary('nats-server');
  if (bin === undefined) return t.skip('nats-server is not installed');
  withTmp((dir) => {
    for (const layout of [local, composeLayout(THREE)]) {
      for (const n of layout.nats) {
        const path = join(dir, `${n.name}.conf`);
        writeFileSync(path, natsConfig(loadTemplate(NATS_TEMPLATE), layout, n));
        const r: SpawnSyncReturns<string> = spawnSync(bin, ['-t', '-c', path], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
      }
    }
    const broken = join(dir, 'broken.conf');
    writeFileSync(broken, 'cluster { routes: [ \n');
    assert.notEqual(spawnSync(bin, ['-t', '-c', broken], { encoding: 'utf8' }).status, 0);
  });
});

test('HAProxy: TCP passthrough on its own port, every replica behind it, an HTTPS /readyz health check', () => {
  const cfg = haproxyConfig(loadTemplate(HAPROXY_TEMPLATE), local);
  assert.match(cfg, /^\s*mode tcp$/m);
  assert.match(cfg, new RegExp(`^\\s*bind 127\\.0\\.0\\.1:${local.haproxy.port}$`, 'm'));
  for (const a of local.apiservers) assert.match(cfg, new RegExp(`^\\s*server ${a.name} 127\\.0\\.0\\.1:${a.securePort}$`, 'm'));
  assert.match(cfg, /^\s*option httpchk GET \/readyz$/m);
  assert.match(cfg, /^\s*http-check expect status 200$/m);
  assert.match(cfg, /^\s*default-server check check-ssl verify none /m);
  assert.doesNotMatch(cfg, /^\s*mode http/m, 'TLS must pass through, never terminate');
  assert.doesNotMatch(cfg, /\{\{/);
});

test('haproxy -c accepts the rendered configs, and checkHaproxyConfig reports what it refuses', (t) => {
  const bin = binary('haproxy');
  if (bin === undefined) return t.skip('haproxy is not installed (Debian package haproxy)');
  withTmp((dir) => {
    for (const [name, layout] of [['local', local], ['compose', composeLayout(THREE)]] as const) {
      const path = join(dir, `${name}.cfg`);
      writeFileSync(path, haproxyConfig(loadTemplate(HAPROXY_TEMPLATE), layout));
      assert.doesNotThrow(() => checkHaproxyConfig(bin, path), name);
    }
    const broken = join(dir, 'broken.cfg');
    writeFileSync(broken, haproxyConfig(loadTemplate(HAPROXY_TEMPLATE), local).replace('option httpchk', 'option httpcheck'));
    assert.throws(() => checkHaproxyConfig(bin, broken), (e: unknown) => e instanceof ClusterError && e.code === 'invalid' && /haproxy rejects .*broken\.cfg/.test(e.message) && /httpcheck/.test(e.message));
  });
});
