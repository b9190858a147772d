import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import { defaultService, prepareServiceForUpdate, setServiceIPFamilies, validateService, validateServiceUpdate } from '../src/core/index.ts';
import type { JsonObject } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const meta = { name: 'web', namespace: 'default' };

/** Defaulted and allocated the way the registry leaves a Service before validation. */
function ready(spec: JsonObject, clusterIP = '10.0.0.10'): JsonObject {
  const svc: JsonObject = { apiVersion: 'v1', kind: 'Service', metadata: { ...meta }, spec: structuredClone(spec) };
  defaultService(svc);
  const s = svc['spec'] as JsonObject;
  if (s['type'] !== 'ExternalName' && s['clusterIP'] === undefined) { s['clusterIP'] = clusterIP; s['clusterIPs'] = [clusterIP]; }
  setServiceIPFamilies(svc, 'IPv4');
  return svc;
}

describe('Service defaults', () => {
  it('fills kube\'s defaults for a ClusterIP service', () => {
    const svc: JsonObject = { metadata: meta, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'm', port: 9090, targetPort: 'metrics', protocol: 'UDP' }] } };
    rulesFor('', 'Service')?.default?.(svc);
    assert.deepEqual(svc['spec'], {
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'm', port: 9090, targetPort: 'metrics', protocol: 'UDP' }],
      sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster',
    });
  });
  it('adds externalTrafficPolicy and allocateLoadBalancerNodePorts for LoadBalancer, ClientIP timeout', () => {
    const svc: JsonObject = { metadata: meta, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443 }] } };
    defaultService(svc);
    const spec = svc['spec'] as JsonObject;
    assert.equal(spec['externalTrafficPolicy'], 'Cluster');
    assert.equal(spec['allocateLoadBalancerNodePorts'], true);
    assert.deepEqual(spec['sessionAffinityConfig'], { clientIP: { timeoutSeconds: 10800 } });
  });
  it('never overrides sent values and syncs clusterIP into clusterIPs', () => {
    const svc: JsonObject = { metadata: meta, spec: { type: 'NodePort', externalTrafficPolicy: 'Local', internalTrafficPolicy: 'Local', clusterIP: 'None', ports: [{ port: 1, targetPort: 2 }] } };
    defaultService(svc);
    const spec = svc['spec'] as JsonObject;
    assert.equal(spec['externalTrafficPolicy'], 'Local');
    assert.equal(spec['internalTrafficPolicy'], 'Local');
    assert.deepEqual(spec['clusterIPs'], ['None']);
    assert.deepEqual((spec['ports'] as JsonObject[])[0], { port: 1, targetPort: 2, protocol: 'TCP' });
  });
  it('sets ipFamilyPolicy/ipFamilies from the allocated IPs, and none for ExternalName', () => {
    const dual = ready({ ports: [{ port: 80 }], clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', 'fd00::1'], ipFamilyPolicy: 'RequireDualStack' });
    assert.deepEqual((dual['spec'] as JsonObject)['ipFamilies'], ['IPv4', 'IPv6']);
    assert.equal((dual['spec'] as JsonObject)['ipFamilyPolicy'], 'RequireDualStack');
    const ext = ready({ type: 'ExternalName', externalName: 'example.com' });
    assert.equal((ext['spec'] as JsonObject)['ipFamilies'], undefined);
  });
});

describe('Service validation', () => {
  const cases: { name: string; spec: JsonObject; want: string[] }[] = [
    { name: 'valid ClusterIP', spec: { selector: { app: 'web' }, ports: [{ port: 80 }] }, want: [] },
    { name: 'valid headless without ports', spec: { clusterIP: 'None' }, want: [] },
    { name: 'valid ExternalName with trailing dot', spec: { type: 'ExternalName', externalName: 'db.example.com.' }, want: [] },
    { name: 'ports required', spec: {}, want: ['spec.ports: Required value'] },
    { name: 'port names', spec: { ports: [{ port: 80 }, { name: 'a', port: 81 }, { name: 'a', port: 82 }, { name: 'B', port: 83 }] }, want: [
      'spec.ports[0].name: Required value',
      'spec.ports[2].name: Duplicate value: "a"',
      'spec.ports[3].name: Invalid value: "B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')',
    ] },
    { name: 'port range, protocol and targetPort', spec: { ports: [{ port: 70000, protocol: 'HTTP', targetPort: 'Bad--' }] }, want: [
      'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: "Bad--": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ports[0].targetPort: Invalid value: "Bad--": must contain consecutive hyphens'.replace('must contain', 'must not contain'),
      'spec.ports[0].targetPort: Invalid value: "Bad--": must not begin or end with a hyphen',
    ] },
    { name: 'duplicate port/protocol pair', spec: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }, want: [
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ] },
    { name: 'nodePort on ClusterIP', spec: { ports: [{ port: 80, nodePort: 30001 }] }, want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
    { name: 'headless NodePort', spec: { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80, nodePort: 30000 }] }, want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"] },
    { name: 'ExternalName needs a DNS name', spec: { type: 'ExternalName', externalName: 'not_dns' }, want: [
      'spec.externalName: Invalid value: "not_dns": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ] },
    { name: 'ExternalName required', spec: { type: 'ExternalName' }, want: ['spec.externalName: Required value'] },
    { name: 'unknown type and affinity', spec: { type: 'Magic', sessionAffinity: 'Sticky', ports: [{ port: 80 }] }, want: [
      'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ] },
    { name: 'bad cluster IPs', spec: { clusterIP: '10.0.0.300', ports: [{ port: 80 }] }, want: ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
    { name: 'two IPv4 cluster IPs', spec: { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', '10.0.0.2'], ports: [{ port: 80 }] }, want: [
      'spec.clusterIPs: Invalid value: []string{"10.0.0.1", "10.0.0.2"}: may specify no more than one IP for each IP family',
    ] },
    { name: 'family mismatch', spec: { clusterIP: 'fd00::5', ipFamilies: ['IPv4'], ports: [{ port: 80 }] }, want: [
      'spec.clusterIPs[0]: Invalid value: "fd00::5": expected an IPv4 value as indicated by `ipFamilies[0]`',
    ] },
    { name: 'externalTrafficPolicy on ClusterIP', spec: { externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }, want: [
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ] },
    { name: 'LoadBalancer Local needs healthCheckNodePort', spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] }, want: [
      'spec.healthCheckNodePort: Required value',
    ] },
    { name: 'ClientIP timeout bound', spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } }, ports: [{ port: 80 }] }, want: [
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400',
    ] },
    { name: 'LoadBalancer rules', spec: { type: 'LoadBalancer', loadBalancerClass: 'bad class', loadBalancerSourceRanges: ['10.0.0.0/8', ' 1.2.3.4 '], ports: [{ port: 10250, nodePort: 30001 }] }, want: [
      'spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet',
      'spec.LoadBalancerSourceRanges[1]: Invalid value: "1.2.3.4": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.loadBalancerClass: Invalid value: "bad class": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
    ] },
    { name: 'LoadBalancer-only fields on ClusterIP', spec: { allocateLoadBalancerNodePorts: true, loadBalancerClass: 'x.io/lb', loadBalancerSourceRanges: ['10.0.0.0/8'], trafficDistribution: 'Anywhere', ports: [{ port: 80 }] }, want: [
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
      "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'",
      "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'",
      'spec.trafficDistribution: Unsupported value: "Anywhere": supported values: "PreferClose"',
    ] },
    { name: 'special external IPs', spec: { externalIPs: ['0.0.0.0', '127.0.0.2', '169.254.1.1', '224.0.0.5', 'fe80::1', '::1', '8.8.8.8', 'nope'], ports: [{ port: 80 }] }, want: [
      'spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      'spec.externalIPs[1]: Invalid value: "127.0.0.2": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'spec.externalIPs[2]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'spec.externalIPs[3]: Invalid value: "224.0.0.5": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)',
      'spec.externalIPs[4]: Invalid value: "fe80::1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'spec.externalIPs[5]: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'spec.externalIPs[7]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ] },
    { name: 'selector labels', spec: { selector: { app: 'a b' }, ports: [{ port: 80 }] }, want: [
      'spec.selector: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
    ] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(msgs(validateService(ready(c.spec))), c.want));
  }
  it('LoadBalancer without allocateLoadBalancerNodePorts (not defaulted) is reported at the root path', () => {
    const svc = ready({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] });
    delete (svc['spec'] as JsonObject)['allocateLoadBalancerNodePorts'];
    assert.deepEqual(msgs(validateService(svc)), ['allocateLoadBalancerNodePorts: Required value']);
  });
  it('topology annotations must agree', () => {
    const svc = ready({ ports: [{ port: 80 }] });
    (svc['metadata'] as JsonObject)['annotations'] = { 'service.kubernetes.io/topology-mode': 'Auto', 'service.kubernetes.io/topology-aware-hints': 'Disabled' };
    assert.deepEqual(msgs(validateService(svc)), [
      'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified',
    ]);
  });
  it('service names are DNS-1035 labels', () => {
    const svc = ready({ ports: [{ port: 80 }] });
    (svc['metadata'] as JsonObject)['name'] = '9web';
    assert.match(msgs(validateService(svc))[0] ?? '', /^metadata\.name: Invalid value: "9web": a DNS-1035 label/);
  });
});

describe('Service update', () => {
  const withRV = (svc: JsonObject): JsonObject => ({ ...svc, metadata: { ...(svc['metadata'] as JsonObject), resourceVersion: '7' } });
  it('keeps allocated values when the client omits them (kubectl apply)', () => {
    const old = withRV(ready({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    const next: JsonObject = { metadata: { ...meta, resourceVersion: '7' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } };
    defaultService(next);
    prepareServiceForUpdate(next, old);
    setServiceIPFamilies(next, 'IPv4');
    assert.deepEqual(msgs(validateServiceUpdate(next, old)), []);
    assert.equal(((next['spec'] as JsonObject)['ports'] as JsonObject[])[0]?.['nodePort'], 30080);
    assert.equal((next['spec'] as JsonObject)['clusterIP'], '10.0.0.10');
  });
  it('rejects a changed clusterIP', () => {
    const old = withRV(ready({ ports: [{ port: 80 }] }));
    const next = withRV(ready({ ports: [{ port: 80 }] }, '10.0.0.11'));
    assert.deepEqual(msgs(validateServiceUpdate(next, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.0.0.11"}: may not change once set']);
  });
  it('allows dropping the clusterIP when switching to ExternalName', () => {
    const old = withRV(ready({ ports: [{ port: 80 }] }));
    const next = withRV(ready({ type: 'ExternalName', externalName: 'example.com' }));
    assert.deepEqual(msgs(validateServiceUpdate(next, old)), []);
  });
  it('fixes loadBalancerClass, healthCheckNodePort and the primary family', () => {
    const lb = (extra: JsonObject): JsonObject => withRV(ready({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }], ...extra }));
    const old = lb({ loadBalancerClass: 'a.io/lb', healthCheckNodePort: 31000 });
    assert.deepEqual(msgs(validateServiceUpdate(lb({ loadBalancerClass: 'b.io/lb', healthCheckNodePort: 31001 }), old)), [
      'spec.loadBalancerClass: Invalid value: "b.io/lb": may not change once set',
      'spec.healthCheckNodePort: Forbidden: field is immutable',
    ]);
    const v4 = withRV(ready({ ports: [{ port: 80 }] }));
    const v6 = withRV(ready({ ports: [{ port: 80 }] }));
    (v6['spec'] as JsonObject)['ipFamilies'] = ['IPv6'];
    assert.deepEqual(msgs(validateServiceUpdate(v6, v4)), [
      'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set',
      'spec.clusterIPs[0]: Invalid value: "10.0.0.10": expected an IPv6 value as indicated by `ipFamilies[0]`',
    ]);
  });
  it('requires SingleStack when releasing the secondary IP', () => {
    const old = withRV(ready({ ports: [{ port: 80 }], clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', 'fd00::1'], ipFamilyPolicy: 'PreferDualStack' }));
    const next = withRV(ready({ ports: [{ port: 80 }], clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ipFamilyPolicy: 'PreferDualStack' }));
    assert.deepEqual(msgs(validateServiceUpdate(next, old)), [
      'spec.ipFamilyPolicy: Invalid value: "PreferDualStack": must be set to \'SingleStack\' when releasing the secondary clusterIP',
      'spec.ipFamilyPolicy: Invalid value: "PreferDualStack": must be set to \'SingleStack\' when releasing the secondary ipFamily',
    ]);
  });
});
