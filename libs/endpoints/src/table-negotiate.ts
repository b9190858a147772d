// Accept negotiation including kube's object transforms: `as=Table` and
// `as=PartialObjectMetadata[List]` in group meta.k8s.io, versions v1 and
// v1beta1. Clauses are tried in preference order; a transform we do not know
// (another group, version or kind) is skipped like an unknown media type, so
// a later plain `application/json` still wins, and nothing acceptable is 406.

import type { TableVersion } from '@logbook/printers';
import { acceptClauses, plainFormat, type AcceptClause, type ResponseFormat } from './respond.ts';

export const META_GROUP = 'meta.k8s.io';
const META_VERSIONS: ReadonlySet<string> = new Set<TableVersion>(['v1', 'v1beta1']);

export type OutputChoice =
  | { readonly kind: 'object'; readonly format: ResponseFormat }
  | { readonly kind: 'Table'; readonly format: ResponseFormat; readonly version: TableVersion }
  | { readonly kind: 'PartialObjectMetadata' | 'PartialObjectMetadataList'; readonly format: ResponseFormat; readonly version: TableVersion };

/** The format of a transformed clause: kube serves Table as JSON or YAML only. */
function transformFormat(c: AcceptClause): ResponseFormat | undefined {
  if (c.type === 'application/json') return 'json';
  if (c.type === 'application/yaml') return 'yaml';
  return undefined;
}

function transformed(c: AcceptClause): OutputChoice | undefined {
  const as = c.params.get('as');
  const g = c.params.get('g');
  const v = c.params.get('v');
  if (g !== META_GROUP || v === undefined || !META_VERSIONS.has(v)) return undefined;
  const format = transformFormat(c);
  if (format === undefined) return undefined;
  const version = v as TableVersion;
  switch (as) {
    case 'Table':
    case 'PartialObjectMetadata':
    case 'PartialObjectMetadataList':
      return { kind: as, format, version };
    default:
      return undefined;
  }
}

/** The first acceptable output for a resource request; undefined means 406. A missing or empty Accept is JSON. */
export function negotiateOutput(accept: string | undefined): OutputChoice | undefined {
  if (accept === undefined || accept.trim() === '') return { kind: 'object', format: 'json' };
  for (const c of acceptClauses(accept)) {
    const as = c.params.get('as');
    if (as !== undefined && as !== '') {
      const t = transformed(c);
      if (t !== undefined) return t;
      continue;
    }
    const f = plainFormat(c);
    if (f !== undefined) return { kind: 'object', format: f };
  }
  return undefined;
}
