// kube's LookupPatchMeta over Logbook's SchemaSet: what a field's value is
// (struct, map, slice, scalar) and the patch strategy and merge key that its
// struct tags declare. kube reads Go types by reflection; here a Shape stands
// for the Go type of a value. Fields typed `any`/`object` (RawExtension, JSON)
// are "free": merged like JSON merge patch, without metadata, where kube would
// reject nested maps in them (it cannot look inside RawExtension).

import type { Definition, FieldSchema, SchemaSet } from '@logbook/schemas';
import { StrategicMergeError } from './errors.ts';
import { goQuote } from './go-format.ts';

export type Shape =
  | { readonly kind: 'struct'; readonly def: Definition }
  | { readonly kind: 'map'; readonly values: FieldSchema }
  | { readonly kind: 'slice'; readonly items: FieldSchema }
  | { readonly kind: 'scalar'; readonly goKind: string }
  | { readonly kind: 'free' };

export interface FieldMeta {
  readonly shape: Shape;
  /** kube splits the patchStrategy tag on ','; an absent tag is `['']`. */
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

export class SchemaLookup {
  readonly #schemas: SchemaSet;
  constructor(schemas: SchemaSet) {
    this.#schemas = schemas;
  }

  root(definition: string): Shape {
    const def = this.#schemas.definition(definition);
    if (def === undefined) throw new StrategicMergeError('SMP_UNKNOWN_DEFINITION', `no schema definition named ${definition}`);
    return { kind: 'struct', def };
  }

  shapeOf(f: FieldSchema): Shape {
    switch (f.type) {
      case 'ref': {
        const def = this.#schemas.resolve(f);
        // SchemaSet's constructor guarantees every ref resolves.
        if (def === undefined) throw new Error(`assertion failed: dangling ref ${f.ref}`);
        return { kind: 'struct', def };
      }
      case 'array': return { kind: 'slice', items: f.items };
      case 'map': return { kind: 'map', values: f.values };
      case 'string': case 'boolean': return { kind: 'scalar', goKind: f.type === 'string' ? 'string' : 'bool' };
      case 'integer': return { kind: 'scalar', goKind: f.format === 'int32' ? 'int32' : 'int64' };
      case 'number': return { kind: 'scalar', goKind: 'float64' };
      // IntOrString and Quantity are Go structs with custom JSON forms.
      case 'int-or-string': case 'quantity': return { kind: 'scalar', goKind: 'struct' };
      case 'any': case 'object': return { kind: 'free' };
    }
  }

  /** LookupPatchMetadataForStruct: the field `key` of the struct `shape`. */
  forStruct(shape: Shape, key: string): FieldMeta {
    switch (shape.kind) {
      case 'free': return { shape, strategies: [], mergeKey: '' };
      case 'struct': {
        const f = shape.def.properties[key];
        if (f === undefined) {
          throw new StrategicMergeError('SMP_FIELD_NOT_FOUND', `unable to find api field in struct ${goTypeName(shape.def)} for the json field ${goQuote(key)}`);
        }
        return { shape: this.shapeOf(f), strategies: (f.patchStrategy ?? '').split(','), mergeKey: f.patchMergeKey ?? '' };
      }
      default:
        throw new StrategicMergeError('SMP_NOT_STRUCT', `merging an object in json but data type is not struct, instead is: ${kindName(shape)}`);
    }
  }

  /** LookupPatchMetadataForSlice: the element shape of the list field `key`, with the field's metadata. */
  forSlice(shape: Shape, key: string): FieldMeta {
    const meta = this.forStruct(shape, key);
    if (meta.shape.kind === 'free') return meta;
    if (meta.shape.kind !== 'slice') {
      throw new StrategicMergeError('SMP_NOT_SLICE', `expected slice or array type, but got: ${kindName(shape)}`);
    }
    if (meta.shape.items.type === 'array') throw new StrategicMergeError('SMP_SLICE_OF_SLICE', 'unexpected slice of slice');
    return { ...meta, shape: this.shapeOf(meta.shape.items) };
  }
}

/** reflect.Kind's name, which kube prints for a schema (`cannot merge lists without merge key for struct`). */
export function kindName(shape: Shape): string {
  switch (shape.kind) {
    case 'struct': return 'struct';
    case 'map': return 'map';
    case 'slice': return 'slice';
    case 'scalar': return shape.goKind;
    case 'free': return 'interface';
  }
}

function goTypeName(def: Definition): string {
  return def.name.slice(def.name.lastIndexOf('.') + 1);
}
