// Building the meta.k8s.io Table for one object, a list, or one watch event,
// as kube-apiserver's TableConvertor and asTable do: cells from the kind's
// printer (or the default NAME / CREATED AT), then each row's object per
// includeObject.

import type { ResourceInfo } from '@logbook/resources';
import { DOCS } from './docs.ts';
import { parseTimestamp } from './human-duration.ts';
import { rec, str } from './json-path.ts';
import { NAME_COLUMN, type PrintedRow, type Printer } from './printer.ts';
import { printerFor } from './printers-by-kind.ts';
import type { IncludeObjectPolicy, KubeObjectLike, Table, TableColumnDefinition, TableListMeta, TableRow, TableVersion } from './table-types.ts';

export interface TableOptions {
  readonly now: Date;
  /** Default Metadata, as kube's. */
  readonly includeObject?: IncludeObjectPolicy;
  /** The negotiated version; default v1. */
  readonly version?: TableVersion;
  /** A list's metadata; for one object the table carries the object's resourceVersion instead. */
  readonly listMeta?: TableListMeta;
  /** false drops columnDefinitions (kube's NoHeaders: watch events after the first). Default true. */
  readonly headers?: boolean;
}

/** kube's default table convertor: the name, and the creation time as RFC 3339 in UTC. */
const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, { name: 'Created At', type: 'date', format: '', description: DOCS.V1ObjectMeta.creationTimestamp, priority: 0 }],
  print: (obj) => {
    const ms = parseTimestamp(rec(obj, 'metadata').creationTimestamp);
    // Go formats the zero time as 0001-01-01T00:00:00Z.
    const created = ms === undefined ? '0001-01-01T00:00:00Z' : new Date(Math.trunc(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    return { cells: [str(obj, 'metadata', 'name'), created] };
  },
};

function printerOf(info: ResourceInfo): Printer {
  return printerFor(info.group, info.kind) ?? DEFAULT_PRINTER;
}

/** The column definitions a table of this resource carries. */
export function columnsFor(info: ResourceInfo): readonly TableColumnDefinition[] {
  return printerOf(info).columns;
}

/** PartialObjectMetadata of the negotiated meta.k8s.io version. */
export function partialObjectMetadata(obj: KubeObjectLike, version: TableVersion = 'v1'): object {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata ?? {} };
}

function row(printed: PrintedRow, obj: KubeObjectLike, includeObject: IncludeObjectPolicy, version: TableVersion): TableRow {
  const object = includeObject === 'None' ? undefined : includeObject === 'Object' ? obj : partialObjectMetadata(obj, version);
  return {
    cells: printed.cells,
    ...(printed.conditions !== undefined ? { conditions: printed.conditions } : {}),
    ...(object !== undefined ? { object } : {}),
  };
}

/** The rows for some objects of one resource (a watch event converts one at a time). */
export function rowsFor(info: ResourceInfo, objects: readonly KubeObjectLike[], opts: TableOptions): TableRow[] {
  const printer = printerOf(info);
  const include = opts.includeObject ?? 'Metadata';
  const version = opts.version ?? 'v1';
  return objects.map((obj) => {
    const printed = printer.print(obj, opts.now);
    if (printed.cells.length !== printer.columns.length) {
      throw new Error(`printer for ${info.group}/${info.kind} gave ${printed.cells.length} cells for ${printer.columns.length} columns`);
    }
    return row(printed, obj, include, version);
  });
}

/** A Table of `objects`: with listMeta for a list, else (one object) its resourceVersion. */
export function tableFor(info: ResourceInfo, objects: readonly KubeObjectLike[], opts: TableOptions): Table {
  const single = objects.length === 1 && opts.listMeta === undefined ? objects[0] : undefined;
  const rv = single !== undefined ? str(single.metadata, 'resourceVersion') : '';
  const metadata: TableListMeta = opts.listMeta ?? (rv !== '' ? { resourceVersion: rv } : {});
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version ?? 'v1'}`,
    metadata,
    columnDefinitions: opts.headers === false ? null : columnsFor(info),
    rows: rowsFor(info, objects, opts),
  };
}
