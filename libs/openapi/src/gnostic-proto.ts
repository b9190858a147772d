// gnostic's OpenAPI v2 messages (proto/gnostic/openapiv2.proto), parsed once
// with protobufjs reflection. Field names keep their proto spelling
// (`vendor_extension`, `_ref`) so the plain objects built by
// gnostic-convert.ts read like upstream's Go structs.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_FILE = fileURLToPath(new URL('../../../proto/gnostic/openapiv2.proto', import.meta.url));
const ANY_PROTO = 'google/protobuf/any.proto';

let root: protobuf.Root | undefined;

function loadRoot(): protobuf.Root {
  if (root !== undefined) return root;
  const r = new protobuf.Root();
  const parsed = protobuf.parse(readFileSync(PROTO_FILE, 'utf8'), r, { keepCase: true });
  // The only import is the well-known Any, which protobufjs bundles; anything
  // else would leave a type unresolved, so refuse it here rather than at encode time.
  for (const imp of parsed.imports ?? []) {
    if (imp !== ANY_PROTO) throw new Error(`proto/gnostic/openapiv2.proto imports ${imp}, which is not bundled`);
  }
  const any = protobuf.common.get(ANY_PROTO);
  if (any === null) throw new Error(`protobufjs does not bundle ${ANY_PROTO}`);
  r.addJSON(any.nested ?? {});
  r.resolveAll();
  root = r;
  return r;
}

/** A message of package `openapi.v2`, e.g. `Document`. */
export function gnosticType(name: string): protobuf.Type {
  return loadRoot().lookupType(`openapi.v2.${name}`);
}
