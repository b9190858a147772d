// A scope selector expression applied as kube applies it: converted to a
// label requirement over a one-label set (`PriorityClass: <name>`).

import type { ScopeRequirement } from './evaluator.ts';

/** In / NotIn / Exists / DoesNotExist over `labels`; any other operator matches nothing (validation refuses it). */
export function matchesLabelRequirement(req: ScopeRequirement, labels: ReadonlyMap<string, string>): boolean {
  const value = labels.get(req.scopeName);
  switch (req.operator) {
    case 'In':
      return value !== undefined && req.values.includes(value);
    case 'NotIn':
      return value === undefined || !req.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return false;
  }
}
