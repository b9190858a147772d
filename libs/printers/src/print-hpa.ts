// HorizontalPodAutoscaler: the TARGETS column pairs each metric's current
// value with its target, as kube's formatHPAMetrics does (two shown, then
// "+ N more..."). Objects read at autoscaling/v1 carry one CPU target instead.

import { DOCS, REF_DOCS } from './docs.ts';
import { since } from './human-duration.ts';
import { arr, at, num, optNum, optStr, present, rec, str } from './json-path.ts';
import { AGE_COLUMN, col, creationTimestamp, name, NAME_COLUMN, type Printer } from './printer.ts';

const MAX_SHOWN = 2;
const UNKNOWN = '<unknown>';

/** A Quantity as stored (already canonical on write). */
function qty(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '0';
}

function formatMetric(spec: unknown, status: unknown): string {
  const type = str(spec, 'type');
  switch (type) {
    case 'External':
    case 'Object': {
      const key = type === 'External' ? 'external' : 'object';
      const target = rec(spec, key, 'target');
      const current = rec(status, key, 'current');
      const matched = present(status, key);
      if (present(target, 'averageValue')) {
        const cur = matched && present(current, 'averageValue') ? qty(current.averageValue) : UNKNOWN;
        return `${cur}/${qty(target.averageValue)} (avg)`;
      }
      return `${matched ? qty(current.value) : UNKNOWN}/${qty(target.value)}`;
    }
    case 'Pods': {
      const cur = present(status, 'pods') ? qty(at(status, 'pods', 'current', 'averageValue')) : UNKNOWN;
      return `${cur}/${qty(at(spec, 'pods', 'target', 'averageValue'))}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = type === 'Resource' ? 'resource' : 'containerResource';
      const target = rec(spec, key, 'target');
      const resource = str(spec, key, 'name');
      const matched = present(status, key);
      if (present(target, 'averageValue')) {
        const cur = matched ? qty(at(status, key, 'current', 'averageValue')) : UNKNOWN;
        return `${resource}: ${cur}/${qty(target.averageValue)}`;
      }
      const util = optNum(status, key, 'current', 'averageUtilization');
      const cur = matched && util !== undefined ? `${util}%` : UNKNOWN;
      const want = optNum(target, 'averageUtilization');
      return `${resource}: ${cur}/${want !== undefined ? `${want}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** autoscaling/v1 carries one optional CPU utilization target; kube converts it to a Resource metric. */
function metricsOf(hpa: unknown): { specs: readonly unknown[]; statuses: readonly unknown[] } {
  if (optStr(hpa, 'apiVersion') === 'autoscaling/v1') {
    const target = optNum(hpa, 'spec', 'targetCPUUtilizationPercentage');
    if (target === undefined) return { specs: [], statuses: [] };
    const current = optNum(hpa, 'status', 'currentCPUUtilizationPercentage');
    return {
      specs: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }],
      statuses: current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }],
    };
  }
  return { specs: arr(hpa, 'spec', 'metrics'), statuses: arr(hpa, 'status', 'currentMetrics') };
}

export function formatHpaMetrics(hpa: unknown): string {
  const { specs, statuses } = metricsOf(hpa);
  if (specs.length === 0) return '<none>';
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  if (list.length <= MAX_SHOWN) return list.join(', ');
  return `${list.slice(0, MAX_SHOWN).join(', ')} + ${list.length - MAX_SHOWN} more...`;
}

export const HORIZONTAL_POD_AUTOSCALER_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Reference', 'string', REF_DOCS.hpaScaleTargetRef),
    col('Targets', 'string', DOCS.V2HorizontalPodAutoscalerSpec.metrics),
    col('MinPods', 'string', DOCS.V2HorizontalPodAutoscalerSpec.minReplicas),
    col('MaxPods', 'string', DOCS.V2HorizontalPodAutoscalerSpec.maxReplicas),
    col('Replicas', 'string', DOCS.V2HorizontalPodAutoscalerStatus.currentReplicas),
    AGE_COLUMN,
  ],
  print: (o, now) => {
    const ref = `${str(o, 'spec', 'scaleTargetRef', 'kind')}/${str(o, 'spec', 'scaleTargetRef', 'name')}`;
    const min = optNum(o, 'spec', 'minReplicas');
    return {
      cells: [name(o), ref, formatHpaMetrics(o), min === undefined ? '<unset>' : String(min), num(o, 'spec', 'maxReplicas'), num(o, 'status', 'currentReplicas'), since(creationTimestamp(o), now)],
    };
  },
};
