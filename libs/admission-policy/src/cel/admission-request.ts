// The `request` variable: kube's admission/v1 AdmissionRequest as CEL sees it
// (object and oldObject are top-level variables instead; uid is left out).

import type { AdmissionUserInfo, GroupVersionKind, GroupVersionResource } from '@logbook/admission';
import type { AdmissionAttributes } from '@logbook/registry';

export type { GroupVersionKind, GroupVersionResource };
export type UserInfoLike = AdmissionUserInfo;




/** What matchConditions and policies see; webhooks build the same shape for their AdmissionReview. */
export interface AdmissionRequestLike {
  readonly kind: GroupVersionKind;
  readonly resource: GroupVersionResource;
  readonly subResource?: string;
  readonly requestKind?: GroupVersionKind;
  readonly requestResource?: GroupVersionResource;
  readonly requestSubResource?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly userInfo: UserInfoLike;
  readonly dryRun?: boolean;
  readonly options?: unknown;
  /** The object (null on DELETE); bound to the `object` variable, not to `request`. */
  readonly object?: unknown;
  /** The old object (null on CREATE); bound to `oldObject`. */
  readonly oldObject?: unknown;
}

/** The request kube builds from admission attributes (CreateAdmissionRequest). */
export function admissionRequestFrom(attrs: AdmissionAttributes): AdmissionRequestLike {
  const kind = { group: attrs.group, version: attrs.version, kind: attrs.kind };
  const resource = { group: attrs.group, version: attrs.version, resource: attrs.resource };
  const userInfo: UserInfoLike = attrs.ctx === undefined ? {} : { username: attrs.ctx.user, groups: [...(attrs.ctx.groups ?? [])], extra: {} };
  const isDelete = attrs.operation === 'DELETE';
  return {
    kind, resource, subResource: attrs.subresource, requestKind: kind, requestResource: resource,
    requestSubResource: attrs.subresource, name: attrs.name, namespace: attrs.namespace,
    operation: attrs.operation, userInfo, dryRun: attrs.dryRun,
    object: isDelete ? null : attrs.object,
    oldObject: isDelete ? attrs.object : attrs.oldObject ?? null,
  };
}

/** The `request` map without object/oldObject, which are separate variables. */
export function requestVariable(req: AdmissionRequestLike): Record<string, unknown> {
  const { object: _object, oldObject: _oldObject, ...rest } = req;
  return rest;
}
