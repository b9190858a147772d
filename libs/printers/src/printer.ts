// One kind's printer: its columns, and the cells of one object. The server
// prints every column (kube's server-side convertor always asks for wide
// output); clients hide priority-1 columns unless `-o wide`.

import { fromLabelSelector, SelectorError } from '@logbook/apimachinery';
import { DOCS } from './docs.ts';
import { arr, rec, str } from './json-path.ts';
import type { Cell, ColumnType, TableColumnDefinition, TableRowCondition } from './table-types.ts';

export interface PrintedRow {
  readonly cells: readonly Cell[];
  readonly conditions?: readonly TableRowCondition[];
}

export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  print(obj: unknown, now: Date): PrintedRow;
}

export function col(name: string, type: ColumnType, description: string, priority = 0): TableColumnDefinition {
  return { name, type, format: '', description, priority };
}

export const NAME_COLUMN: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: DOCS.V1ObjectMeta.name, priority: 0 };
export const AGE_COLUMN: TableColumnDefinition = col('Age', 'string', DOCS.V1ObjectMeta.creationTimestamp);
export const CONTAINERS_COLUMN = col('Containers', 'string', 'Names of each container in the template.', 1);
export const IMAGES_COLUMN = col('Images', 'string', 'Images referenced by each container in the template.', 1);

export function name(obj: unknown): string {
  return str(obj, 'metadata', 'name');
}

export function creationTimestamp(obj: unknown): unknown {
  return (rec(obj, 'metadata') as { creationTimestamp?: unknown }).creationTimestamp;
}

export function deleting(obj: unknown): boolean {
  const ts = rec(obj, 'metadata').deletionTimestamp;
  return ts !== undefined && ts !== null;
}

/** layoutContainerCells: names and images, comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = arr(podSpec, 'containers');
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(labels: unknown): string {
  const m = rec(labels);
  const keys = Object.keys(m).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${typeof m[k] === 'string' ? m[k] : ''}`).join(',');
}

/** LabelSelectorAsSelector(sel).String(); `<error>`/`<invalid>` style fallbacks are the caller's. */
export function selectorString(sel: unknown): string | undefined {
  try {
    // A nil selector selects nothing and prints ""; an empty one selects everything and prints "" too.
    return fromLabelSelector(typeof sel === 'object' ? sel : undefined).toString();
  } catch (err: unknown) {
    if (err instanceof SelectorError) return undefined;
    throw err;
  }
}

/** metav1.FormatLabelSelector: `<none>` for empty, `<error>` for an invalid selector. */
export function formatLabelSelector(sel: unknown): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}
