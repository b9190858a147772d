// Service validation: kube's ValidateService / ValidateServiceUpdate with
// its paths and messages. Allocation (cluster IPs, node ports) runs before
// validation in kube, so a valid object here already carries them.

import { field, FieldError, FieldPath, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateLabels } from '@logbook/apimachinery';
import type { JsonObject } from '../types.ts';
import { arr, isObject, num, obj, s, str, stringMap, strings } from './json.ts';
import { parseCIDR, parseIP } from './ip.ts';
import { goSlice, invalidRendered } from './go-render.ts';
import { validateObjectMeta } from './object-meta.ts';
import { isValidPortNum, validatePortNumOrName } from './ports.ts';
import { externallyAccessible } from './service-defaults.ts';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const AFFINITIES = ['ClientIP', 'None'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const FAMILIES = ['IPv4', 'IPv6'] as const;
const FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'] as const;
const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
const MAX_AFFINITY_SECONDS = 86400;
/** Exposing the kubelet's port through a cloud load balancer would open it to the world. */
const KUBELET_PORT = 10250;
const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const BAD_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const ONLY_LB = "may only be used when `type` is 'LoadBalancer'";
const BAD_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const SPEC = FieldPath.root('spec');

/** Exactly one cluster IP and it is `None`. */
export function isHeadless(spec: JsonObject): boolean {
  const ips = strings(spec['clusterIPs']);
  return ips.length === 1 && ips[0] === 'None';
}

function needsHealthCheck(spec: JsonObject): boolean {
  return s(spec['type']) === 'LoadBalancer' && s(spec['externalTrafficPolicy']) === 'Local';
}

function validatePorts(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const ports = arr(spec['ports']);
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const p = isObject(raw) ? raw : {};
    const path = SPEC.child('ports').index(i);
    const name = s(p['name']);
    if (ports.length > 1 && name.length === 0) {
      errs.push(field.required(path.child('name')));
    } else if (name.length > 0) {
      for (const m of isDNS1123Label(name)) errs.push(field.invalid(path.child('name'), name, m));
      if (names.has(name)) errs.push(field.duplicate(path.child('name'), name));
      else names.add(name);
    }
    const port = num(p['port']) ?? 0;
    for (const m of isValidPortNum(port)) errs.push(field.invalid(path.child('port'), port, m));
    const protocol = s(p['protocol']);
    if (protocol.length === 0) errs.push(field.required(path.child('protocol')));
    else if (!(PROTOCOLS as readonly string[]).includes(protocol)) errs.push(field.notSupported(path.child('protocol'), protocol, PROTOCOLS));
    errs.push(...validatePortNumOrName(p['targetPort'], path.child('targetPort')));
    const appProtocol = str(p['appProtocol']);
    if (appProtocol !== undefined) for (const m of isQualifiedName(appProtocol)) errs.push(field.invalid(path.child('appProtocol'), appProtocol, m));
  });
  return errs;
}

function servicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateTypeRules(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = s(spec['type']);
  const clusterIPs = strings(spec['clusterIPs']);
  if (type === 'LoadBalancer') {
    arr(spec['ports']).forEach((p, i) => {
      if (num(obj(p)?.['port']) === KUBELET_PORT) {
        errs.push(field.invalid(SPEC.child('ports').index(i), KUBELET_PORT, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      }
    });
  }
  if (type === 'LoadBalancer' || type === 'NodePort') {
    if (isHeadless(spec)) errs.push(field.invalid(SPEC.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`));
  } else if (type === 'ExternalName') {
    if (clusterIPs.length > 0) errs.push(field.forbidden(SPEC.child('clusterIPs'), 'may not be set for ExternalName services'));
    if (strings(spec['ipFamilies']).length > 0) errs.push(field.forbidden(SPEC.child('ipFamilies'), 'may not be set for ExternalName services'));
    if (spec['ipFamilyPolicy'] !== undefined && spec['ipFamilyPolicy'] !== null) errs.push(field.forbidden(SPEC.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
    // A trailing dot marks the CNAME as fully qualified.
    const cname = s(spec['externalName']).replace(/\.$/, '');
    if (cname.length > 0) for (const m of isDNS1123Subdomain(cname)) errs.push(field.invalid(SPEC.child('externalName'), cname, m));
    else errs.push(field.required(SPEC.child('externalName')));
  }
  return errs;
}

function validateAffinity(spec: JsonObject): FieldError[] {
  const affinity = s(spec['sessionAffinity']);
  const path = SPEC.child('sessionAffinityConfig');
  if (affinity.length === 0) return [field.required(SPEC.child('sessionAffinity'))];
  if (!(AFFINITIES as readonly string[]).includes(affinity)) return [field.notSupported(SPEC.child('sessionAffinity'), affinity, AFFINITIES)];
  if (affinity === 'None') return spec['sessionAffinityConfig'] !== undefined && spec['sessionAffinityConfig'] !== null ? [field.forbidden(path, 'must not be set when session affinity is None')] : [];
  const when = 'when session affinity type is ClientIP';
  const config = obj(spec['sessionAffinityConfig']);
  if (config === undefined) return [field.required(path, when)];
  const clientIP = obj(config['clientIP']);
  if (clientIP === undefined) return [field.required(path.child('clientIP'), when)];
  const timeout = num(clientIP['timeoutSeconds']);
  const tpath = path.child('clientIP', 'timeoutSeconds');
  if (timeout === undefined) return [field.required(tpath, when)];
  if (timeout <= 0 || timeout > MAX_AFFINITY_SECONDS) return [field.invalid(tpath, timeout, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`)];
  return [];
}

/** kube's ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPs(spec: JsonObject): FieldError[] {
  if (s(spec['type']) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = SPEC.child('clusterIPs');
  const clusterIP = s(spec['clusterIP']);
  const clusterIPs = strings(spec['clusterIPs']);
  if (clusterIP.length > 0) {
    if (clusterIPs.length === 0) errs.push(field.required(ipsPath));
    else if (clusterIPs[0] !== clusterIP) errs.push(invalidRendered(ipsPath, goSlice(clusterIPs), 'first value must match `clusterIP`'));
  } else if (clusterIPs.length > 0) {
    errs.push(invalidRendered(ipsPath, goSlice(clusterIPs), 'must be empty when `clusterIP` is not specified'));
  }
  const families = strings(spec['ipFamilies']);
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!(FAMILIES as readonly string[]).includes(f)) errs.push(field.notSupported(SPEC.child('ipFamilies').index(i), f, FAMILIES));
    if (seen.has(f)) errs.push(field.duplicate(SPEC.child('ipFamilies').index(i), f));
    seen.add(f);
  });
  const policy = str(spec['ipFamilyPolicy']);
  if (policy !== undefined && !(FAMILY_POLICIES as readonly string[]).includes(policy)) errs.push(field.notSupported(SPEC.child('ipFamilyPolicy'), policy, FAMILY_POLICIES));
  let invalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        invalidIPs = true;
        errs.push(invalidRendered(ipsPath, goSlice(clusterIPs), "'None' must be the first and only value"));
      }
      return;
    }
    if (parseIP(ip) === undefined) {
      invalidIPs = true;
      errs.push(field.invalid(ipsPath.index(i), ip, BAD_IP));
    }
  });
  if (clusterIPs.length > 2) errs.push(invalidRendered(ipsPath, goSlice(clusterIPs), 'may only hold up to 2 values'));
  // Bad entries would skew the family checks below; kube stops here too.
  if (invalidIPs) return errs;
  if (clusterIPs.length > 1) {
    const fams = new Set(clusterIPs.map((ip) => parseIP(ip)?.family));
    if (fams.size !== clusterIPs.length) errs.push(invalidRendered(ipsPath, goSlice(clusterIPs), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    clusterIPs.forEach((ip, i) => {
      const want = families[i];
      const got = parseIP(ip)?.family;
      if (want === undefined || got === undefined || want === got) return;
      if (want === 'IPv4' || want === 'IPv6') errs.push(field.invalid(ipsPath.index(i), ip, `expected an ${want} value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateNodePorts(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = s(spec['type']);
  const ports = arr(spec['ports']).map((p) => (isObject(p) ? p : {}));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if ((num(p['nodePort']) ?? 0) !== 0) errs.push(field.forbidden(SPEC.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p['nodePort']) ?? 0;
    if (np === 0) return;
    const key = `${s(p['protocol'])}/${np}`;
    if (nodePorts.has(key)) errs.push(field.duplicate(SPEC.child('ports').index(i).child('nodePort'), np));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${s(p['protocol'])}/${num(p['port']) ?? 0}`;
    // kube prints the (protocol, port) key it compared on, as a Go struct.
    if (seen.has(key)) errs.push(new FieldError('FieldValueDuplicate', SPEC.child('ports').index(i), field.OMIT_VALUE, servicePortKey(s(p['protocol']), num(p['port']) ?? 0)));
    seen.add(key);
  });
  return errs;
}

function validateTrafficPolicies(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const etp = s(spec['externalTrafficPolicy']);
  if (!externallyAccessible(spec)) {
    if (etp.length > 0) errs.push(field.invalid(SPEC.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  } else if (etp.length === 0) {
    errs.push(field.required(SPEC.child('externalTrafficPolicy')));
  } else if (!(TRAFFIC_POLICIES as readonly string[]).includes(etp)) {
    errs.push(field.notSupported(SPEC.child('externalTrafficPolicy'), etp, TRAFFIC_POLICIES));
  }
  const hc = num(spec['healthCheckNodePort']) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(field.invalid(SPEC.child('healthCheckNodePort'), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc === 0) {
    errs.push(field.required(SPEC.child('healthCheckNodePort')));
  } else {
    for (const m of isValidPortNum(hc)) errs.push(field.invalid(SPEC.child('healthCheckNodePort'), hc, m));
  }
  const itp = str(spec['internalTrafficPolicy']);
  const type = s(spec['type']);
  if (itp === undefined) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(field.required(SPEC.child('internalTrafficPolicy')));
  } else if (!(TRAFFIC_POLICIES as readonly string[]).includes(itp)) {
    errs.push(field.notSupported(SPEC.child('internalTrafficPolicy'), itp, TRAFFIC_POLICIES));
  }
  return errs;
}

export function validateService(svc: JsonObject): FieldError[] {
  const errs = validateObjectMeta(svc['metadata'], { namespaced: true, nameRule: 'dns1035-label' });
  const annotations = stringMap(obj(svc['metadata'])?.['annotations']);
  const mode = annotations[TOPOLOGY_MODE];
  const hints = annotations[TOPOLOGY_HINTS];
  if (mode !== undefined && hints !== undefined && mode !== hints) {
    errs.push(field.invalid(FieldPath.root('metadata', 'annotations').key(TOPOLOGY_MODE), mode, `must match annotations[${TOPOLOGY_HINTS}] when both are specified`));
  }
  const spec = obj(svc['spec']) ?? {};
  const type = s(spec['type']);
  if (arr(spec['ports']).length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(field.required(SPEC.child('ports')));
  errs.push(...validateTypeRules(spec), ...validatePorts(spec));
  if (isObject(spec['selector'])) errs.push(...validateLabels(stringMap(spec['selector']), SPEC.child('selector')));
  errs.push(...validateAffinity(spec), ...validateClusterIPs(spec));
  strings(spec['externalIPs']).forEach((ip, i) => errs.push(...validateExternalIP(ip, SPEC.child('externalIPs').index(i))));
  if (type.length === 0) errs.push(field.required(SPEC.child('type')));
  else if (!(SERVICE_TYPES as readonly string[]).includes(type)) errs.push(field.notSupported(SPEC.child('type'), type, SERVICE_TYPES));
  errs.push(...validateNodePorts(spec), ...validateLoadBalancerFields(svc, spec), ...validateTrafficPolicies(spec));
  const distribution = str(spec['trafficDistribution']);
  if (distribution !== undefined && distribution !== 'PreferClose') errs.push(field.notSupported(SPEC.child('trafficDistribution'), distribution, ['PreferClose']));
  return errs;
}

// kube's ValidateNonSpecialIP: addresses that make no sense as a service's external IP.
function validateExternalIP(text: string, path: FieldPath): FieldError[] {
  const ip = parseIP(text);
  if (ip === undefined) return [field.invalid(path, text, BAD_IP)];
  const errs: FieldError[] = [];
  const v4 = ip.family === 'IPv4';
  const v = ip.value;
  if (v === 0n) errs.push(field.invalid(path, text, `may not be unspecified (${text})`));
  if (v4 ? v >> 24n === 127n : v === 1n) errs.push(field.invalid(path, text, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? v >> 16n === 0xa9fen : v >> 118n === 0x3fan) errs.push(field.invalid(path, text, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (v4 ? v >> 8n === 0xe00000n : v >> 112n === 0xff02n) errs.push(field.invalid(path, text, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateLoadBalancerFields(svc: JsonObject, spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const isLB = s(spec['type']) === 'LoadBalancer';
  const annotations = stringMap(obj(svc['metadata'])?.['annotations']);
  const ranges = strings(spec['loadBalancerSourceRanges']);
  if (ranges.length > 0) {
    // kube names this path with a capital L; clients see exactly that.
    const path = SPEC.child('LoadBalancerSourceRanges');
    if (!isLB) errs.push(field.forbidden(path, ONLY_LB));
    ranges.forEach((r, i) => {
      const value = r.trim();
      if (parseCIDR(value) === undefined) errs.push(field.invalid(path.index(i), value, BAD_CIDR));
    });
  } else if (annotations[SOURCE_RANGES_ANNOTATION] !== undefined) {
    const path = FieldPath.root('metadata', 'annotations').key(SOURCE_RANGES_ANNOTATION);
    if (!isLB) errs.push(field.forbidden(path, ONLY_LB));
    const value = (annotations[SOURCE_RANGES_ANNOTATION] ?? '').trim();
    if (value.length > 0) {
      for (const part of value.split(',')) if (parseCIDR(part.trim()) === undefined) errs.push(field.invalid(path, part.trim(), BAD_CIDR));
    }
  }
  const allocate = spec['allocateLoadBalancerNodePorts'];
  if (allocate !== undefined && allocate !== null && !isLB) errs.push(field.forbidden(SPEC.child('allocateLoadBalancerNodePorts'), ONLY_LB));
  // kube reports the missing field at the root path, not under spec.
  if (isLB && (allocate === undefined || allocate === null)) errs.push(field.required('allocateLoadBalancerNodePorts'));
  const lbClass = str(spec['loadBalancerClass']);
  if (lbClass !== undefined) {
    if (isLB) for (const m of isQualifiedName(lbClass)) errs.push(field.invalid(SPEC.child('loadBalancerClass'), lbClass, m));
    else errs.push(field.forbidden(SPEC.child('loadBalancerClass'), ONLY_LB));
  }
  return errs;
}
