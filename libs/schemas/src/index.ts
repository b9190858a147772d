// @logbook/schemas: the type schema of every built-in Kubernetes kind, with the
// strategic-merge and list/map metadata joined in.

export type { Definition, FieldSchema, RefField, ArrayField, MapField, ScalarField, SpecialField, PatchMeta, GroupVersionKind } from './types.ts';
export { SchemaSet, SchemaError, innermostRef } from './schema-set.ts';
export { builtinSchemas, joinPatchMeta, readGeneratedDefinitions, type PatchMetaTable } from './builtin.ts';
export { PATCH_META, ATOMIC_STRUCTS } from './patch-meta-table.ts';
export { decodeObject, DecodeError, MAX_DECODE_DEPTH, MAX_REPORTED_UNKNOWN_FIELDS, type DecodeResult } from './decode.ts';
export { enumErrors, mergeFieldErrors } from './enum-errors.ts';
