import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '@logbook/apimachinery';
import { AuditPolicyError, evaluatePolicy, parseAuditPolicy } from '../src/index.ts';
import type { AuditUser } from '../src/index.ts';

const POLICY = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  - level: None
    userGroups: ["system:nodes"]
    nonResourceURLs: ["/healthz*", "/version"]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["pods/log", "pods/status"]
  - level: Request
    omitStages: [ResponseStarted]
    omitManagedFields: true
    resources:
      - group: ""
        resources: ["configmaps"]
        resourceNames: ["controller-leader"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["*/scale"]
  - level: Request
    resources:
      - group: "apps"
        resources: ["deployments/*"]
  - level: Metadata
    namespaces: [""]
  - level: Request
    namespaces: ["kube-system"]
  - level: Metadata
    nonResourceURLs: ["/api*"]
`;

const policy = parseAuditPolicy(POLICY);
const alice: AuditUser = { username: 'alice', groups: ['devs', 'system:authenticated'] };

function info(method: string, path: string) {
  return parseRequestInfo(method, path, new URLSearchParams(path.split('?')[1] ?? ''));
}

describe('evaluatePolicy', () => {
  const cases: { name: string; user?: AuditUser; method: string; path: string; level: string }[] = [
    { name: 'user + verb match', user: { username: 'system:kube-proxy' }, method: 'GET', path: '/api/v1/endpoints?watch=true', level: 'None' },
    { name: 'user matches, verb does not: falls through to the cluster-scoped rule', user: { username: 'system:kube-proxy' }, method: 'GET', path: '/api/v1/endpoints', level: 'Metadata' },
    { name: 'group + non-resource prefix wildcard', user: { username: 'n1', groups: ['system:nodes'] }, method: 'GET', path: '/healthz/etcd', level: 'None' },
    { name: 'group + exact non-resource URL', user: { username: 'n1', groups: ['system:nodes'] }, method: 'GET', path: '/version', level: 'None' },
    { name: 'non-resource rule never matches resource requests', user: { username: 'n1', groups: ['system:nodes'] }, method: 'GET', path: '/api/v1/namespaces/a/secrets', level: 'None' },
    { name: 'exact subresource', method: 'GET', path: '/api/v1/namespaces/a/pods/p/log', level: 'RequestResponse' },
    { name: 'the parent resource is not its subresource', method: 'GET', path: '/api/v1/namespaces/a/pods/p', level: 'None' },
    { name: 'resourceNames match', method: 'PUT', path: '/api/v1/namespaces/a/configmaps/controller-leader', level: 'Request' },
    { name: 'resourceNames exclude other names', method: 'PUT', path: '/api/v1/namespaces/a/configmaps/other', level: 'None' },
    { name: '*/scale matches any resource\'s scale', method: 'GET', path: '/api/v1/namespaces/a/replicationcontrollers/r/scale', level: 'Metadata' },
    { name: 'group must match exactly', method: 'GET', path: '/apis/apps/v1/namespaces/a/statefulsets/s/scale', level: 'None' },
    { name: 'x/* matches the resource itself', method: 'GET', path: '/apis/apps/v1/namespaces/a/deployments/d', level: 'Request' },
    { name: 'x/* matches its subresources', method: 'GET', path: '/apis/apps/v1/namespaces/a/deployments/d/status', level: 'Request' },
    { name: '"" namespace = cluster-scoped', method: 'GET', path: '/api/v1/nodes', level: 'Metadata' },
    { name: 'named namespace', method: 'DELETE', path: '/api/v1/namespaces/kube-system/secrets/s', level: 'Request' },
    { name: 'non-resource wildcard', method: 'GET', path: '/apis', level: 'Metadata' },
    { name: 'no rule matches → None', method: 'GET', path: '/openapi/v2', level: 'None' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = evaluatePolicy(policy, { user: c.user ?? alice, requestInfo: info(c.method, c.path) });
      assert.equal(got.level, c.level);
    });
  }

  it('unites rule and policy omitStages; rule omitManagedFields overrides the policy', () => {
    const got = evaluatePolicy(policy, { user: alice, requestInfo: info('PUT', '/api/v1/namespaces/a/configmaps/controller-leader') });
    assert.deepEqual(got, { level: 'Request', omitStages: ['RequestReceived', 'ResponseStarted'], omitManagedFields: true });
    const other = evaluatePolicy(policy, { user: alice, requestInfo: info('GET', '/api/v1/nodes') });
    assert.deepEqual(other, { level: 'Metadata', omitStages: ['RequestReceived'], omitManagedFields: false });
  });

  it('accepts JSON as well as YAML', () => {
    const p = parseAuditPolicy(JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitManagedFields: true, rules: [{ level: 'Metadata' }] }));
    assert.deepEqual(evaluatePolicy(p, { user: alice, requestInfo: info('GET', '/healthz') }), { level: 'Metadata', omitStages: [], omitManagedFields: true });
  });
});

describe('parseAuditPolicy rejects invalid policies, naming the field', () => {
  const head = 'apiVersion: audit.k8s.io/v1\nkind: Policy\n';
  const cases: { name: string; text: string; problems: string[] }[] = [
    { name: 'unknown level', text: `${head}rules:\n- level: Everything\n`, problems: ['rules[0].level: Unsupported value: "Everything": supported values: "None", "Metadata", "Request", "RequestResponse"'] },
    { name: 'missing level', text: `${head}rules:\n- verbs: [get]\n`, problems: ['rules[0].level: Unsupported value: "": supported values: "None", "Metadata", "Request", "RequestResponse"'] },
    { name: 'bad rule omitStage', text: `${head}rules:\n- level: None\n  omitStages: [Nope]\n`, problems: ['rules[0].omitStages[0]: Invalid value: "Nope": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic'] },
    { name: 'bad policy omitStage', text: `${head}omitStages: [Later]\nrules:\n- level: None\n`, problems: ['omitStages[0]: Invalid value: "Later": allowed stages are RequestReceived,ResponseStarted,ResponseComplete,Panic'] },
    { name: 'URL without slash', text: `${head}rules:\n- level: None\n  nonResourceURLs: [healthz]\n`, problems: ['rules[0].nonResourceURLs[0]: Invalid value: "healthz": non-resource URL rules must begin with a \'/\' character'] },
    { name: 'inner wildcard', text: `${head}rules:\n- level: None\n  nonResourceURLs: ["/a*/b"]\n`, problems: ['rules[0].nonResourceURLs[0]: Invalid value: "/a*/b": non-resource URL wildcards \'*\' must be the final character of the rule'] },
    { name: 'URLs with resources', text: `${head}rules:\n- level: None\n  nonResourceURLs: ["/x"]\n  namespaces: [a]\n`, problems: ['rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs'] },
    { name: 'resourceNames without resources', text: `${head}rules:\n- level: None\n  resources:\n  - group: ""\n    resourceNames: [x]\n`, problems: ['rules[0].resources[0].resourceNames: Invalid value: ["x"]: using resourceNames requires at least one resource'] },
    { name: 'upper-case group', text: `${head}rules:\n- level: None\n  resources:\n  - group: Apps\n`, problems: [] },
    { name: 'wrong list type', text: `${head}rules:\n- level: None\n  users: alice\n`, problems: ['rules[0].users: Invalid value: "alice": must be a list of strings'] },
    { name: 'zero rules', text: `${head}rules: []\n`, problems: ['loaded illegal policy with 0 rules'] },
    { name: 'wrong apiVersion', text: 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules:\n- level: None\n', problems: [] },
    { name: 'not YAML', text: 'rules: [\n', problems: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(() => parseAuditPolicy(c.text), (err: unknown) => {
        assert.ok(err instanceof AuditPolicyError);
        assert.equal(err.code, 'InvalidPolicy');
        if (c.problems.length > 0) assert.deepEqual(err.problems, c.problems);
        else assert.ok(err.problems.length > 0);
        return true;
      });
    });
  }

  it('reports every problem at once', () => {
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Bad\n- level: None\n  nonResourceURLs: [x]\n';
    assert.throws(() => parseAuditPolicy(text), (err: unknown) => err instanceof AuditPolicyError && err.problems.length === 2);
  });

  it('upper-case group error names the group field', () => {
    assert.throws(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources:\n  - group: Apps\n'),
      (err: unknown) => err instanceof AuditPolicyError && (err.problems[0] ?? '').startsWith('rules[0].resources[0].group: Invalid value: "Apps"'));
  });
});
