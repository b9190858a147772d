// The meta.k8s.io Table as kube-apiserver writes it (v1 and v1beta1 have the
// same shape). Cells are strings, numbers or booleans, already formatted.

export const TABLE_VERSIONS = ['v1', 'v1beta1'] as const;
export type TableVersion = (typeof TABLE_VERSIONS)[number];

/** `?includeObject=`: what each row carries besides its cells (kube's default: Metadata). */
export const INCLUDE_OBJECT_POLICIES = ['None', 'Metadata', 'Object'] as const;
export type IncludeObjectPolicy = (typeof INCLUDE_OBJECT_POLICIES)[number];

export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'date'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface TableColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  /** `name` on the column holding the object's name, else empty. */
  readonly format: string;
  readonly description: string;
  /** 0 shows by default; 1 only with `-o wide`. */
  readonly priority: number;
}

export type Cell = string | number | boolean;

export interface TableRowCondition {
  readonly type: 'Completed';
  readonly status: 'True';
  readonly reason: string;
  readonly message: string;
}

export interface TableRow {
  readonly cells: readonly Cell[];
  readonly conditions?: readonly TableRowCondition[];
  /** Absent for includeObject=None. */
  readonly object?: object;
}

export interface TableListMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: `meta.k8s.io/${TableVersion}`;
  readonly metadata: TableListMeta;
  /** null after the first event of a watch: kube sends headers once per stream. */
  readonly columnDefinitions: readonly TableColumnDefinition[] | null;
  readonly rows: readonly TableRow[];
}

/** What the printers read from any object: metadata, plus whatever the kind's printer needs. */
export interface KubeObjectLike {
  readonly kind?: string;
  readonly apiVersion?: string;
  readonly metadata?: object;
}
