// StorageError → the Status kube-apiserver answers with. The one place the
// registry translates storage's operational errors (STYLE: translate once per
// boundary).

import {
  alreadyExists, badRequest, conflict, continueExpired, internalError, listResourceVersionTooOld, notFound,
  optimisticLockConflict, serviceUnavailable, StatusError, tooLargeResourceVersion, tooOldResourceVersion,
  type GroupResource,
} from '@logbook/apimachinery';
import { StorageError } from '@logbook/apistorage';

export interface ErrorScope {
  readonly gr: GroupResource;
  readonly name: string;
  /** What the request asked for, for the 410/504 messages. */
  readonly requestedRevision?: number;
  /** A list (410 "The resourceVersion for the provided list is too old") rather than a watch. */
  readonly isList?: boolean;
}

export function toStatusError(err: unknown, scope: ErrorScope): StatusError {
  if (err instanceof StatusError) return err;
  if (!(err instanceof StorageError)) return internalError(err);
  switch (err.code) {
    case 'keyNotFound': return notFound(scope.gr, scope.name);
    case 'keyExists': return alreadyExists(scope.gr, scope.name);
    case 'preconditionFailed': return conflict(scope.gr, scope.name, err.message);
    case 'resourceVersionConflict': return optimisticLockConflict(scope.gr, scope.name);
    case 'resourceVersionTooOld':
      return scope.isList === true ? listResourceVersionTooOld() : tooOldResourceVersion(scope.requestedRevision ?? 0, err.revision ?? 0);
    case 'continueExpired': return continueExpired();
    case 'invalidContinue': return badRequest(err.message);
    case 'invalidResourceVersion': return badRequest(err.message);
    case 'resourceVersionTooLarge': return tooLargeResourceVersion(scope.requestedRevision ?? 0, err.revision ?? 0, 1);
    case 'unreachable': return serviceUnavailable(err.message);
    case 'aborted': return internalError(err);
    case 'companionConflict': return conflict(scope.gr, scope.name, 'the resource quota it is charged to kept changing; please retry');
    case 'invalidObject': return internalError(err);
  }
}
