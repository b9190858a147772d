// Services and what routes to them: Service, Endpoints, EndpointSlice, Ingress.

import { DOCS } from './docs.ts';
import { since } from './human-duration.ts';
import { arr, at, num, optNum, optStr, str } from './json-path.ts';
import { AGE_COLUMN, col, creationTimestamp, formatLabels, name, NAME_COLUMN, type Printer } from './printer.ts';

/** Load-balancer ingress points: IPs, else hostnames, sorted and unique (kube's sets.String). The server prints wide, so nothing is clipped. */
function loadBalancerIngress(status: unknown): string {
  const seen = new Set<string>();
  for (const i of arr(status, 'ingress')) {
    const ip = str(i, 'ip');
    const host = str(i, 'hostname');
    if (ip !== '') seen.add(ip);
    else if (host !== '') seen.add(host);
  }
  return [...seen].sort().join(',');
}

function serviceType(svc: unknown): string {
  // v1 defaults type to ClusterIP; an object stored before defaulting reads the same.
  return str(svc, 'spec', 'type') === '' ? 'ClusterIP' : str(svc, 'spec', 'type');
}

function externalIP(svc: unknown): string {
  const external = arr(svc, 'spec', 'externalIPs').filter((x): x is string => typeof x === 'string');
  switch (serviceType(svc)) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(at(svc, 'status', 'loadBalancer'));
      if (external.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...external].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

function ports(svc: unknown): string {
  const pieces = arr(svc, 'spec', 'ports').map((p) => {
    const protocol = str(p, 'protocol') === '' ? 'TCP' : str(p, 'protocol');
    const nodePort = num(p, 'nodePort');
    return nodePort > 0 ? `${num(p, 'port')}:${nodePort}/${protocol}` : `${num(p, 'port')}/${protocol}`;
  });
  return pieces.length === 0 ? '<none>' : pieces.join(',');
}

export const SERVICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Type', 'string', DOCS.V1ServiceSpec.type),
    col('Cluster-IP', 'string', DOCS.V1ServiceSpec.clusterIP),
    col('External-IP', 'string', DOCS.V1ServiceSpec.externalIPs),
    col('Port(s)', 'string', DOCS.V1ServiceSpec.ports),
    AGE_COLUMN,
    col('Selector', 'string', DOCS.V1ServiceSpec.selector, 1),
  ],
  print: (o, now) => {
    // clusterIPs is filled from clusterIP on write; read clusterIP too for objects stored without it.
    const clusterIP = str(o, 'spec', 'clusterIPs', 0) || str(o, 'spec', 'clusterIP') || '<none>';
    return { cells: [name(o), serviceType(o), clusterIP, externalIP(o), ports(o), since(creationTimestamp(o), now), formatLabels(at(o, 'spec', 'selector'))] };
  },
};

const MAX_LISTED = 3;

function withMore(list: readonly string[], count: number, emptyText: string): string {
  const text = list.join(',');
  if (count > MAX_LISTED) return `${text} + ${count - MAX_LISTED} more...`;
  return text === '' ? emptyText : text;
}

/** formatEndpoints: `ip:port` for every (port, address) pair, or bare IPs for port-less subsets. */
function formatEndpoints(ep: unknown): string {
  const subsets = arr(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = arr(ss, 'addresses');
    const ssPorts = arr(ss, 'ports');
    if (ssPorts.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < MAX_LISTED) list.push(str(a, 'ip'));
      continue;
    }
    for (const p of ssPorts) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length >= MAX_LISTED) break;
        const ip = str(a, 'ip');
        list.push(`${ip.includes(':') ? `[${ip}]` : ip}:${num(p, 'port')}`);
      }
    }
  }
  // Unlike the slice printers, kube's Endpoints printer only says "more" once the list was cut.
  return count > MAX_LISTED && list.length === MAX_LISTED ? `${list.join(',')} + ${count - MAX_LISTED} more...` : list.join(',');
}

export const ENDPOINTS_PRINTER: Printer = {
  columns: [NAME_COLUMN, col('Endpoints', 'string', DOCS.V1Endpoints.subsets), AGE_COLUMN],
  print: (o, now) => ({ cells: [name(o), formatEndpoints(o), since(creationTimestamp(o), now)] }),
};

export const ENDPOINT_SLICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('AddressType', 'string', DOCS.V1EndpointSlice.addressType),
    col('Ports', 'string', DOCS.V1EndpointSlice.ports),
    col('Endpoints', 'string', DOCS.V1EndpointSlice.endpoints),
    AGE_COLUMN,
  ],
  print: (o, now) => {
    const slicePorts = arr(o, 'ports');
    const portList = slicePorts.slice(0, MAX_LISTED).map((p) => {
      const port = optNum(p, 'port');
      return port !== undefined ? String(port) : (optStr(p, 'name') ?? '*');
    });
    const addresses = arr(o, 'endpoints').flatMap((e) => arr(e, 'addresses').filter((a): a is string => typeof a === 'string'));
    return {
      cells: [
        name(o), str(o, 'addressType'), withMore(portList, slicePorts.length, '<unset>'), withMore(addresses.slice(0, MAX_LISTED), addresses.length, '<unset>'),
        since(creationTimestamp(o), now),
      ],
    };
  },
};

function ingressHosts(ing: unknown): string {
  const rules = arr(ing, 'spec', 'rules');
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === MAX_LISTED) more = true;
    if (!more && str(r, 'host') !== '') list.push(str(r, 'host'));
  }
  if (list.length === 0) return '*';
  // kube counts every rule past the third, with or without a host.
  return more ? `${list.join(',')} + ${rules.length - MAX_LISTED} more...` : list.join(',');
}

export const INGRESS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'string', 'Ports of TLS configurations that open'),
    AGE_COLUMN,
  ],
  print: (o, now) => ({
    cells: [
      name(o), optStr(o, 'spec', 'ingressClassName') ?? '<none>', ingressHosts(o), loadBalancerIngress(at(o, 'status', 'loadBalancer')),
      arr(o, 'spec', 'tls').length > 0 ? '80, 443' : '80', since(creationTimestamp(o), now),
    ],
  }),
};
