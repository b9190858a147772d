// metadata.managedFields on the wire and in memory. In memory each entry is a
// ManagerRecord keyed by kube's manager identifier: the JSON of
// {manager, operation, apiVersion (Update only), subresource}, so one Apply
// entry per manager and subresource, and one Update entry per manager,
// apiVersion and subresource.

import { FieldManagerError } from './errors.ts';
import { FieldSet } from './field-set.ts';
import type { FieldsV1 } from './field-set.ts';
import { goJson } from './go-json.ts';
import { isPlainObject } from './type-model.ts';

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly time?: string;
  readonly fieldsType: 'FieldsV1';
  readonly fieldsV1: FieldsV1;
  readonly subresource?: string;
}

export interface ManagerRecord {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly subresource: string;
  /** RFC 3339, second precision; absent when kube would write none (a no-op first apply). */
  readonly time: string | undefined;
  readonly set: FieldSet;
}

/** Manager identifier → record. */
export type Managed = ReadonlyMap<string, ManagerRecord>;

export function managerIdentifier(r: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // Field order and omitempty as Go marshals metav1.ManagedFieldsEntry.
  const parts: string[] = [];
  if (r.manager !== '') parts.push(`"manager":${goJson(r.manager)}`);
  parts.push(`"operation":${goJson(r.operation)}`);
  if (r.operation === 'Update' && r.apiVersion !== '') parts.push(`"apiVersion":${goJson(r.apiVersion)}`);
  if (r.subresource !== '') parts.push(`"subresource":${goJson(r.subresource)}`);
  return `{${parts.join(',')}}`;
}

/** kube's reset rule: a non-null empty list, or a list of one empty entry, clears managedFields. */
export function isResetManagedFields(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  if (v.length !== 1 || !isPlainObject(v[0])) return false;
  return Object.values(v[0]).every((x) => x === undefined || x === null || x === '');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Decodes metadata.managedFields (absent → empty); messages are kube's. */
export function decodeManagedFields(v: unknown): Map<string, ManagerRecord> {
  const out = new Map<string, ManagerRecord>();
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) throw new FieldManagerError('BAD_MANAGED_FIELDS', 'managedFields must be a list');
  v.forEach((e: unknown, i) => {
    if (!isPlainObject(e)) throw new FieldManagerError('BAD_MANAGED_FIELDS', `managed fields entry ${i} must be an object`);
    const operation = e['operation'];
    if (operation !== 'Apply' && operation !== 'Update') throw new FieldManagerError('BAD_MANAGED_FIELDS', 'operation must be `Apply` or `Update`');
    const apiVersion = str(e['apiVersion']);
    if (apiVersion === '') throw new FieldManagerError('BAD_MANAGED_FIELDS', 'apiVersion must not be empty');
    const fieldsType = str(e['fieldsType']);
    if (fieldsType === '') throw new FieldManagerError('BAD_MANAGED_FIELDS', `missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw new FieldManagerError('BAD_MANAGED_FIELDS', `invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`);
    const time = e['time'];
    if (time !== undefined && time !== null && (typeof time !== 'string' || !RFC3339.test(time) || Number.isNaN(Date.parse(time)))) {
      throw new FieldManagerError('BAD_MANAGED_FIELDS', `invalid time in managed fields entry ${i}`);
    }
    let set: FieldSet;
    try {
      set = e['fieldsV1'] === undefined || e['fieldsV1'] === null ? new FieldSet() : FieldSet.fromFieldsV1(e['fieldsV1']);
    } catch (cause) {
      throw new FieldManagerError('BAD_MANAGED_FIELDS', `error decoding versioned set from managed fields entry ${i}: ${(cause as Error).message}`, { cause });
    }
    const rec: ManagerRecord = {
      manager: str(e['manager']),
      operation,
      apiVersion,
      subresource: str(e['subresource']),
      time: typeof time === 'string' ? formatTime(new Date(time)) : undefined,
      set,
    };
    out.set(managerIdentifier(rec), rec);
  });
  return out;
}

const seconds = (t: string | undefined): number => (t === undefined ? 0 : Math.floor(Date.parse(t) / 1000));

/** Encodes in kube's order: Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const recs = [...managed.values()].filter((r) => !r.set.empty());
  recs.sort(
    (p, q) =>
      cmp(p.operation, q.operation) || seconds(p.time) - seconds(q.time) || cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource, q.subresource),
  );
  return recs.map((r) => ({
    ...(r.manager === '' ? {} : { manager: r.manager }),
    operation: r.operation,
    apiVersion: r.apiVersion,
    ...(r.time === undefined ? {} : { time: r.time }),
    fieldsType: 'FieldsV1',
    fieldsV1: r.set.toFieldsV1(),
    ...(r.subresource === '' ? {} : { subresource: r.subresource }),
  }));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** metav1.Time's wire form: RFC 3339 in UTC at second precision. */
export function formatTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
