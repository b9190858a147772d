// The request context travels to the store as gRPC metadata on the write
// call, in @logbook/etcd-api's encoding: Logbook's store records it in the
// write's log entry; real etcd ignores the key.

import { EMPTY_REQUEST_CONTEXT, REQUEST_CONTEXT_METADATA_KEY, encodeRequestContext } from '@logbook/etcd-api';
import type { RequestContext } from './interface.ts';

export function requestContextMetadata(ctx: RequestContext | undefined): Readonly<Record<string, Uint8Array>> | undefined {
  if (ctx === undefined) return undefined;
  const bytes = encodeRequestContext({
    ...EMPTY_REQUEST_CONTEXT,
    user: ctx.user,
    groups: ctx.groups ?? [],
    verb: ctx.verb,
    apiGroup: ctx.apiGroup ?? '',
    resource: ctx.resource,
    subresource: ctx.subresource ?? '',
    namespace: ctx.namespace ?? '',
    name: ctx.name ?? '',
    auditId: ctx.auditId,
    traceparent: ctx.traceparent ?? '',
  });
  return { [REQUEST_CONTEXT_METADATA_KEY]: bytes };
}
