// Renders infra/nats/nats-server.conf.tmpl and infra/haproxy/haproxy.cfg.tmpl
// for a layout. `{{name}}` placeholders only: every placeholder must get a
// value and every value a placeholder, so a template edit that drifts from
// this code fails loudly instead of producing a config that half works.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClusterError } from './cluster-error.ts';
import type { ClusterLayout, NatsSpec } from './cluster-layout.ts';

const INFRA = fileURLToPath(new URL('../../../infra/', import.meta.url));
export const NATS_TEMPLATE = `${INFRA}nats/nats-server.conf.tmpl`;
export const HAPROXY_TEMPLATE = `${INFRA}haproxy/haproxy.cfg.tmpl`;

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

export function renderTemplate(template: string, values: Readonly<Record<string, string>>, what: string): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const out = template.replace(PLACEHOLDER, (_, key: string) => {
    const v = values[key];
    if (v === undefined) {
      missing.add(key);
      return '';
    }
    used.add(key);
    return v;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (missing.size > 0 || unused.length > 0) {
    throw new ClusterError('invalid', `template ${what}: ${[
      ...(missing.size > 0 ? [`no value for {{${[...missing].join('}}, {{')}}}`] : []),
      ...(unused.length > 0 ? [`no placeholder for ${unused.join(', ')}`] : []),
    ].join('; ')}`);
  }
  return out;
}

export function loadTemplate(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ClusterError('invalid', `cannot read template ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export function natsConfig(template: string, l: ClusterLayout, n: NatsSpec): string {
  const routes = l.nats.filter((o) => o.name !== n.name).map((o) => `    "nats-route://${o.host}:${o.clusterPort}"`);
  return renderTemplate(template, {
    server_name: n.name,
    listen: `${l.bindHost}:${n.clientPort}`,
    cluster_listen: `${l.bindHost}:${n.clusterPort}`,
    routes: routes.join('\n'),
  }, 'nats-server.conf.tmpl');
}

export function haproxyConfig(template: string, l: ClusterLayout): string {
  return renderTemplate(template, {
    bind: `${l.bindHost}:${l.haproxy.port}`,
    servers: l.apiservers.map((a) => `  server ${a.name} ${a.host}:${a.securePort}`).join('\n'),
  }, 'haproxy.cfg.tmpl');
}
