// Service defaulting: kube's SetDefaults_Service, the clusterIP/clusterIPs
// sync its strategy does, and the ipFamilies/ipFamilyPolicy the service
// REST storage fills in once the cluster IPs are known.

import type { JsonObject } from '../types.ts';
import { arr, ensureObject, isObject, num, obj, s, setDefault, strings } from './json.ts';
import { parseIP, type IPFamily } from './ip.ts';

/** kube's default ClientIP session stickiness: three hours. */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;

/** LoadBalancer, NodePort, or ClusterIP with external IPs: reachable from outside the cluster. */
export function externallyAccessible(spec: JsonObject): boolean {
  const type = s(spec['type']);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec['externalIPs']).length > 0);
}

export function defaultService(svc: JsonObject): void {
  const spec = ensureObject(svc, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === '') spec['sessionAffinity'] = 'None';
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') {
    const clientIP = obj(obj(spec['sessionAffinityConfig'])?.['clientIP']);
    if (num(clientIP?.['timeoutSeconds']) === undefined) {
      spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
    }
  }
  if (s(spec['type']) === '') spec['type'] = 'ClusterIP';
  for (const p of arr(spec['ports'])) {
    if (!isObject(p)) continue;
    if (s(p['protocol']) === '') p['protocol'] = 'TCP';
    const target = p['targetPort'];
    if (target === undefined || target === null || target === 0 || target === '') p['targetPort'] = p['port'];
  }
  if (externallyAccessible(spec) && s(spec['externalTrafficPolicy']) === '') spec['externalTrafficPolicy'] = 'Cluster';
  const type = s(spec['type']);
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  syncClusterIPs(spec);
}

// kube's NormalizeClusterIPs for a create: users may set either field; the
// other follows. A mismatch is left for validation to report.
function syncClusterIPs(spec: JsonObject): void {
  const clusterIP = s(spec['clusterIP']);
  const clusterIPs = strings(spec['clusterIPs']);
  if (clusterIP.length > 0 && clusterIPs.length === 0) spec['clusterIPs'] = [clusterIP];
  else if (clusterIP.length === 0 && clusterIPs.length > 0 && clusterIPs[0] !== undefined) spec['clusterIP'] = clusterIPs[0];
}

/**
 * kube's patchAllocatedValues, run on update before validation: values the
 * server allocated (clusterIP(s), nodePorts, healthCheckNodePort) survive a
 * client that omits them, as `kubectl apply` does.
 */
export function prepareServiceForUpdate(svc: JsonObject, old: JsonObject): void {
  const spec = ensureObject(svc, 'spec');
  const oldSpec = obj(old['spec']) ?? {};
  const type = s(spec['type']);
  const oldType = s(oldSpec['type']);
  if (type !== 'ExternalName' && oldType !== 'ExternalName') {
    if (s(spec['clusterIP']).length === 0 && s(oldSpec['clusterIP']).length > 0) spec['clusterIP'] = oldSpec['clusterIP'];
    if (strings(spec['clusterIPs']).length === 0 && strings(oldSpec['clusterIPs']).length > 0) spec['clusterIPs'] = [...strings(oldSpec['clusterIPs'])];
  }
  const wantsNodePorts = type === 'NodePort' || type === 'LoadBalancer';
  if (wantsNodePorts && (oldType === 'NodePort' || oldType === 'LoadBalancer')) {
    const oldPorts = arr(oldSpec['ports']).filter(isObject);
    for (const p of arr(spec['ports'])) {
      if (!isObject(p) || (num(p['nodePort']) ?? 0) !== 0) continue;
      const match = oldPorts.find((o) => o['port'] === p['port'] && (num(o['nodePort']) ?? 0) !== 0);
      if (match !== undefined) p['nodePort'] = match['nodePort'];
    }
  }
  if (type === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local' && (num(spec['healthCheckNodePort']) ?? 0) === 0) {
    const hc = num(oldSpec['healthCheckNodePort']) ?? 0;
    if (hc !== 0) spec['healthCheckNodePort'] = hc;
  }
  syncClusterIPs(spec);
}

/**
 * The ipFamilyPolicy and ipFamilies the service storage sets: ExternalName
 * gets neither; otherwise SingleStack unless asked, and families follow the
 * assigned cluster IPs (or the cluster's primary family for headless services).
 */
export function setServiceIPFamilies(svc: JsonObject, primaryFamily: IPFamily): void {
  const spec = ensureObject(svc, 'spec');
  if (s(spec['type']) === 'ExternalName') return;
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  if (strings(spec['ipFamilies']).length > 0) return;
  const families: IPFamily[] = [];
  for (const ip of strings(spec['clusterIPs'])) {
    const parsed = parseIP(ip);
    // Two IPs of one family are a validation error for the clusterIPs, not a second family.
    if (parsed !== undefined && !families.includes(parsed.family)) families.push(parsed.family);
  }
  spec['ipFamilies'] = families.length > 0 ? families : [primaryFamily];
}
