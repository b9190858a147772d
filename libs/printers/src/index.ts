// @logbook/printers: server-side Table printing (meta.k8s.io Table), column
// for column and cell for cell as kube-apiserver 1.33 prints built-in kinds.

export { tableFor, rowsFor, columnsFor, partialObjectMetadata } from './table.ts';
export type { TableOptions } from './table.ts';
export { printerFor, printedKinds } from './printers-by-kind.ts';
export type { Printer, PrintedRow } from './printer.ts';
export { humanDuration, since } from './human-duration.ts';
export { TABLE_VERSIONS, INCLUDE_OBJECT_POLICIES, COLUMN_TYPES } from './table-types.ts';
export type {
  Table, TableRow, TableColumnDefinition, TableRowCondition, TableListMeta, TableVersion, IncludeObjectPolicy, ColumnType, Cell, KubeObjectLike,
} from './table-types.ts';
