// The shape of Logbook's type schemas: one Definition per named Kubernetes
// type (kube's OpenAPI definition names, `io.k8s.api.core.v1.PodSpec`), each
// field a FieldSchema. Generated from the client package's models
// (scripts/gen-schemas.ts), with the enum lists of kube's OpenAPI joined in
// from a second package (scripts/read-enums.ts); the strategic-merge and list/map metadata no
// package carries is joined in from src/patch-meta-table.ts.

/** How a list merges (strategic merge patch) and how server-side apply keys it. */
export interface PatchMeta {
  /** `x-kubernetes-patch-strategy`: `merge`, `replace`, `retainKeys`, `merge,retainKeys`. */
  readonly patchStrategy?: string;
  /** `x-kubernetes-patch-merge-key`: the element field that identifies a list element. */
  readonly patchMergeKey?: string;
  /** `x-kubernetes-list-type`: `atomic` (default for lists), `set`, `map`. */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** `x-kubernetes-list-map-keys` for listType `map`. */
  readonly listMapKeys?: readonly string[];
  /** `x-kubernetes-map-type`: `granular` (default) or `atomic` for maps and structs. */
  readonly mapType?: 'granular' | 'atomic';
}

interface FieldCommon extends PatchMeta {
  readonly description?: string;
}

/** A reference to a named Definition. */
export interface RefField extends FieldCommon {
  readonly type: 'ref';
  readonly ref: string;
}

export interface ArrayField extends FieldCommon {
  readonly type: 'array';
  readonly items: FieldSchema;
}

/** A JSON object with arbitrary string keys (Go map[string]T). */
export interface MapField extends FieldCommon {
  readonly type: 'map';
  readonly values: FieldSchema;
}

export interface ScalarField extends FieldCommon {
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  /** `int32`, `int64`, `double`, `date-time`, `byte`, … as the OpenAPI spec names them. */
  readonly format?: string;
  /**
   * The values an `+enum` string type allows, sorted by byte order as kube's
   * OpenAPI lists them. Present only on strings (a list of enum strings
   * carries it on `items`).
   */
  readonly enum?: readonly string[];
}

/**
 * Types whose JSON form is not one schema type: IntOrString (int or string),
 * Quantity (string, or a number that kube accepts), RawExtension/JSON (any
 * value), Time/MicroTime (RFC 3339 strings).
 */
export interface SpecialField extends FieldCommon {
  readonly type: 'int-or-string' | 'quantity' | 'any' | 'object';
  readonly format?: string;
}

export type FieldSchema = RefField | ArrayField | MapField | ScalarField | SpecialField;

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface Definition {
  /** kube's OpenAPI definition name, e.g. `io.k8s.api.apps.v1.Deployment`. */
  readonly name: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, FieldSchema>>;
  readonly required: readonly string[];
  /** `x-kubernetes-group-version-kind`: set on top-level kinds (and their lists). */
  readonly gvk?: readonly GroupVersionKind[];
  /** `x-kubernetes-map-type` of the struct itself (`atomic`: owned and replaced as a whole, e.g. LocalObjectReference). */
  readonly mapType?: 'granular' | 'atomic';
}
