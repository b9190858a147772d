import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import type { JsonObject, KindRules } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const ingress = ((): KindRules => {
  const r = rulesFor('networking.k8s.io', 'Ingress');
  assert.ok(r !== undefined);
  return r;
})();
const meta = { name: 'web', namespace: 'default' };
const svc = (port: JsonObject): JsonObject => ({ service: { name: 'web', port } });

describe('Ingress', () => {
  const cases: { name: string; spec: JsonObject; annotations?: Record<string, string>; want: string[] }[] = [
    { name: 'valid', spec: { ingressClassName: 'nginx', tls: [{ hosts: ['*.example.com'], secretName: 'tls' }], rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svc({ number: 80 }) }] } }] }, want: [] },
    { name: 'valid default backend only', spec: { defaultBackend: svc({ name: 'http' }) }, want: [] },
    { name: 'empty spec', spec: {}, want: ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'] },
    { name: 'hosts', spec: { rules: [{ host: '10.0.0.1' }, { host: 'foo.*.com' }] }, want: [
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      'spec.rules[1].host: Invalid value: "foo.*.com": a wildcard DNS-1123 subdomain must start with \'*.\', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, \'-\' or \'.\' and end with an alphanumeric character (e.g. \'*.example.com\', regex used for validation is \'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ] },
    { name: 'paths', spec: { rules: [{ http: { paths: [
      { path: '/a', backend: svc({ number: 80 }) },
      { path: 'rel//x/..', pathType: 'Exact', backend: svc({ number: 80 }) },
      { path: '/x', pathType: 'Regex', backend: svc({ number: 80 }) },
    ] } }, { http: { paths: [] } }] }, want: [
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
      'spec.rules[0].http.paths[1].path: Invalid value: "rel//x/..": must be an absolute path',
      'spec.rules[0].http.paths[1].path: Invalid value: "rel//x/..": must not contain \'//\'',
      'spec.rules[0].http.paths[1].path: Invalid value: "rel//x/..": cannot end with \'/..\'',
      'spec.rules[0].http.paths[2].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      'spec.rules[1].http.paths: Required value',
    ] },
    { name: 'backends', spec: { rules: [{ http: { paths: [
      { path: '/', pathType: 'Prefix', backend: { ...svc({ number: 80 }), resource: { kind: 'Bucket', name: 'b' } } },
      { path: '/', pathType: 'Prefix', backend: {} },
      { path: '/', pathType: 'Prefix', backend: svc({ name: 'http', number: 80 }) },
      { path: '/', pathType: 'Prefix', backend: svc({}) },
      { path: '/', pathType: 'Prefix', backend: { service: { name: '', port: { number: 70000 } } } },
      { path: '/', pathType: 'Prefix', backend: { resource: { kind: '', name: 'a/b' } } },
    ] } }] }, want: [
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
      'spec.rules[0].http.paths[1].backend: Invalid value: "": resource or service backend is required',
      'spec.rules[0].http.paths[2].backend: Invalid value: "": cannot set both port name & port number',
      'spec.rules[0].http.paths[3].backend: Required value: port name or number is required',
      'spec.rules[0].http.paths[4].backend.service.name: Required value',
      'spec.rules[0].http.paths[4].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.rules[0].http.paths[5].backend.resource.kind: Required value: kind is required',
      'spec.rules[0].http.paths[5].backend.resource.name: Invalid value: "a/b": may not contain \'/\'',
    ] },
    { name: 'class annotation must agree', spec: { ingressClassName: 'nginx', defaultBackend: svc({ number: 80 }) }, annotations: { 'kubernetes.io/ingress.class': 'traefik' }, want: [
      'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
    ] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj: JsonObject = { metadata: { ...meta, ...(c.annotations === undefined ? {} : { annotations: c.annotations }) }, spec: c.spec };
      assert.deepEqual(msgs(ingress.validateCreate?.(obj) ?? []), c.want);
    });
  }
});
