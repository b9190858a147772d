import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rulesFor } from '../src/index.ts';
import type { JsonObject, KindRules } from '../src/index.ts';

const msgs = (errs: readonly { message(): string }[]): string[] => errs.map((e) => e.message());
const rules = (group: string, kind: string): KindRules => {
  const r = rulesFor(group, kind);
  assert.ok(r !== undefined, kind);
  return r;
};

describe('Node', () => {
  const node = rules('', 'Node');
  it('mirrors podCIDR into podCIDRs and allocatable from capacity', () => {
    const n: JsonObject = { metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4' } } };
    node.default?.(n);
    assert.deepEqual((n['spec'] as JsonObject)['podCIDRs'], ['10.244.1.0/24']);
    assert.deepEqual((n['status'] as JsonObject)['allocatable'], { cpu: '4' });
    assert.deepEqual(msgs(node.validateCreate?.(n) ?? []), []);
  });
  it('checks taints under metadata.taints as kube does', () => {
    const taints = [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'gpu', value: 'x', effect: 'NoSchedule' }, { key: 'bad key', effect: 'Sometimes' }, { key: 'k' }];
    assert.deepEqual(msgs(node.validateCreate?.({ metadata: { name: 'n1' }, spec: { taints } }) ?? []), [
      'metadata.taints[1]: Duplicate value: core.Taint{Key:"gpu", Value:"x", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
      'metadata.taints[2].key: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'metadata.taints[3].effect: Required value',
    ]);
  });
  it('validates pod CIDRs and freezes them once set', () => {
    assert.deepEqual(msgs(node.validateCreate?.({ metadata: { name: 'n1' }, spec: { podCIDRs: ['10.0.0.0/24', '10.1.0.0/24'] } }) ?? []), [
      'spec.podCIDRs: Invalid value: []string{"10.0.0.0/24", "10.1.0.0/24"}: may specify no more than one CIDR for each IP family',
    ]);
    assert.deepEqual(msgs(node.validateCreate?.({ metadata: { name: 'n1' }, spec: { podCIDRs: ['10.0.0.0'] } }) ?? []), [
      'spec.podCIDRs[0]: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    const old = { metadata: { name: 'n1', resourceVersion: '1' }, spec: { podCIDRs: ['10.0.0.0/24'] } };
    assert.deepEqual(msgs(node.validateUpdate?.({ ...old, spec: { podCIDRs: ['10.0.1.0/24'], unschedulable: true } }, old) ?? []), [
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
    const fresh = { metadata: { name: 'n1', resourceVersion: '1' }, spec: {} };
    assert.deepEqual(msgs(node.validateUpdate?.({ ...fresh, spec: { podCIDRs: ['10.0.1.0/24'] } }, fresh) ?? []), []);
  });
});

describe('Lease', () => {
  const lease = rules('coordination.k8s.io', 'Lease');
  it('accepts a holder and rejects non-positive durations', () => {
    assert.deepEqual(msgs(lease.validateCreate?.({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } }) ?? []), []);
    assert.deepEqual(msgs(lease.validateCreate?.({ metadata: { name: 'l', namespace: 'd' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }) ?? []), [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });
});

describe('Event', () => {
  const core = rules('', 'Event');
  const events = rules('events.k8s.io', 'Event');
  it('core/v1: legacy events need a matching namespace', () => {
    const ok = { metadata: { name: 'p.1', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'd' }, reason: 'Started', type: 'Normal' };
    assert.deepEqual(msgs(core.validateCreate?.(ok) ?? []), []);
    assert.deepEqual(msgs(core.validateCreate?.({ ...ok, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }) ?? []), [
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
  });
  it('core/v1: new-style events need reporting fields', () => {
    const ev = { metadata: { name: 'p.1', namespace: 'd' }, involvedObject: { namespace: 'd' }, eventTime: '2025-01-01T00:00:00.000000Z' };
    assert.deepEqual(msgs(core.validateCreate?.(ev) ?? []), [
      'reportingComponent: Required value',
      'reportingComponent: Invalid value: "": name part must be non-empty',
      'reportingComponent: Invalid value: "": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'reportingInstance: Required value', 'action: Required value', 'reason: Required value',
    ]);
  });
  it('events.k8s.io/v1: strict rules, reported with core field names', () => {
    const ev = {
      metadata: { name: 'p.1', namespace: 'd' }, regarding: { namespace: 'd' }, eventTime: '2025-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl', reportingInstance: 'ctl-1', action: 'Bind', reason: 'Scheduled', type: 'Info',
      note: 'x'.repeat(1025), deprecatedCount: 3, series: { count: 1 },
    };
    assert.deepEqual(msgs(events.validateCreate?.(ev) ?? []), [
      'message: Invalid value: "": can have at most 1024 characters',
      'series.count: Invalid value: "": should be at least 2',
      'series.lastObservedTime: Required value',
      'type: Invalid value: "": has invalid value: Info',
      'count: Invalid value: "": needs to be unset',
    ]);
  });
});
