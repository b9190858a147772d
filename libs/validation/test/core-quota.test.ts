import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import type { JsonObject, KindRules } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const rules = (kind: string): KindRules => {
  const r = rulesFor('', kind);
  assert.ok(r !== undefined, kind);
  return r;
};
const meta = { name: 'q', namespace: 'team' };

describe('ResourceQuota', () => {
  const rq = rules('ResourceQuota');
  const cases: { name: string; spec: JsonObject; want: string[] }[] = [
    { name: 'valid', spec: { hard: { pods: '10', 'requests.cpu': '4', 'count/deployments.apps': '5', 'requests.nvidia.com/gpu': '2' }, scopes: ['NotTerminating'] }, want: [] },
    { name: 'names and values', spec: { hard: { widgets: '1', storage: '1Gi', pods: '1.5', 'limits.memory': '-1Gi' } }, want: [
      'spec.hard[limits.memory]: Invalid value: "-1Gi": must be greater than or equal to 0',
      'spec.hard[pods]: Invalid value: "1500m": must be an integer',
      'spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota',
      'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or fully qualified',
      'spec.hard[widgets]: Invalid value: "widgets": must be a standard resource for quota',
    ] },
    { name: 'scopes', spec: { hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort', 'Sometimes'] }, want: [
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort", "Sometimes"}: unsupported scope',
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort", "Sometimes"}: conflicting scopes',
    ] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(msgs(rq.validateCreate?.({ metadata: meta, spec: c.spec }) ?? []), c.want));
  it('scopes are immutable', () => {
    const old = { metadata: { ...meta, resourceVersion: '1' }, spec: { hard: { pods: '1' }, scopes: ['BestEffort'] } };
    assert.deepEqual(msgs(rq.validateUpdate?.({ ...old, spec: { hard: { pods: '2' }, scopes: ['BestEffort'] } }, old) ?? []), []);
    assert.deepEqual(msgs(rq.validateUpdate?.({ ...old, spec: { hard: { pods: '1' } } }, old) ?? []), ['spec.scopes: Invalid value: []core.ResourceQuotaScope(nil): field is immutable']);
  });
});

describe('LimitRange', () => {
  const lr = rules('LimitRange');
  it('defaults a container item: default from max, defaultRequest from default then min', () => {
    const l: JsonObject = { metadata: meta, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }, { type: 'Pod', max: { cpu: '4' } }] } };
    lr.default?.(l);
    assert.deepEqual((l['spec'] as JsonObject)['limits'], [
      { type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } },
      { type: 'Pod', max: { cpu: '4' } },
    ]);
    assert.deepEqual(msgs(lr.validateCreate?.(l) ?? []), []);
  });
  it('reports ordering, types and pod defaults', () => {
    const limits = [
      { type: 'Container', min: { cpu: '2' }, max: { cpu: '1' }, default: { memory: '1Gi' }, defaultRequest: { memory: '2Gi' }, maxLimitRequestRatio: { cpu: '500m' } },
      { type: 'Container' },
      { type: 'Pod', default: { cpu: '1' } },
      { type: 'PersistentVolumeClaim', max: { cpu: '1' } },
      { type: 'Volume' },
    ];
    assert.deepEqual(msgs(lr.validateCreate?.({ metadata: meta, spec: { limits } }) ?? []), [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
      'spec.limits[0].defaultRequest[memory]: Invalid value: "2Gi": default request value 2Gi is greater than default limit value 1Gi',
      'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1',
      'spec.limits[1].type: Duplicate value: "Container"',
      "spec.limits[2].default: Forbidden: may not be specified when `type` is 'Pod'",
      'spec.limits[3].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
      'spec.limits[4].type: Invalid value: "Volume": must be a standard limit type or fully qualified',
    ]);
  });
});
