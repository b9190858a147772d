// The apply conflict: which manager owns which field with another value.
// Message and causes are kube-apiserver's (fieldmanager's NewConflictError):
//   1:  Apply failed with 1 conflict: conflict with "mgr" using apps/v1: .spec.replicas
//   N:  Apply failed with N conflicts: conflicts with "a" using apps/v1:\n- .p\n- .q\nconflicts with "b":\n- .r
// The caller answers 409 Conflict with details.causes = causes().

import type { Operation } from './managed-fields.ts';
import type { Path } from './path-element.ts';

export interface ApplyConflict {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly subresource: string;
  /** kube's manager identifier; conflicts are grouped and sorted by it. */
  readonly managerId: string;
  /** The field path as SMD prints it: `.spec.template.spec.containers[name="nginx"].image`. */
  readonly field: string;
  readonly path: Path;
}

export interface ConflictCause {
  readonly reason: 'FieldManagerConflict';
  readonly message: string;
  readonly field: string;
}

/** How kube names a manager in conflict messages. */
export function printManager(c: Pick<ApplyConflict, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(c.manager);
  if (c.subresource !== '') s += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') s += ` using ${c.apiVersion}`;
  return s;
}

export function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${printManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) byManager.set(c.managerId, [...(byManager.get(c.managerId) ?? []), c]);
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    const group = byManager.get(id)!;
    lines.push(`conflicts with ${printManager(group[0]!)}:`);
    for (const c of group) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

export class ApplyConflictError extends Error {
  readonly code = 'APPLY_CONFLICT' as const;
  readonly conflicts: readonly ApplyConflict[];

  constructor(conflicts: readonly ApplyConflict[]) {
    super(conflictMessage(conflicts));
    this.name = 'ApplyConflictError';
    this.conflicts = conflicts;
  }

  /** metav1.StatusCause entries for the 409 Status. */
  causes(): ConflictCause[] {
    return this.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c)}`, field: c.field }));
  }
}
