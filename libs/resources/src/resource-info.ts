// The shape of one catalogue entry. Generated entries carry what the client
// package knows; shortNames and categories are joined in from src/short-names.ts.

/** The verbs kube-apiserver reports in discovery, in the order it sorts them. */
export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export type Verb = (typeof VERBS)[number];

export interface SubresourceInfo {
  /** `status`, `scale`, `log`, … (without the parent's plural). */
  readonly name: string;
  /** The group and version of `kind`; differs from the parent's for scale, eviction, token. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly Verb[];
  readonly namespaced: boolean;
}

export interface GeneratedResource {
  /** `""` for the core (legacy) group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly verbs: readonly Verb[];
  readonly subresources: readonly SubresourceInfo[];
}

export interface ResourceInfo extends GeneratedResource {
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
}
