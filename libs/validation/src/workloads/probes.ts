// Probes and lifecycle handlers: exactly one handler, each handler's own
// fields, non-negative timings, and the per-probe rules kube adds.

import { field, regexError, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { isValidPortNum, nonNegative, validatePortNumOrName } from './common.ts';
import { arrAt, isObject, numAt, objAt, objectsAt, strAt } from './json.ts';

const HTTP_HEADER_NAME_RE = /^[-A-Za-z0-9]+$/;
const HTTP_HEADER_NAME_MSG = regexError("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name');
const HTTP_SCHEMES = ['HTTP', 'HTTPS'] as const;
const MORE_THAN_ONE_HANDLER = 'may not specify more than 1 handler type';

type HandlerKind = 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep';
const PROBE_HANDLERS: readonly HandlerKind[] = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS: readonly HandlerKind[] = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateHttpGet(h: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (strAt(h, 'path') === '') errs.push(field.required(path.child('path'), ''));
  errs.push(...validatePortNumOrName(h.port, path.child('port')));
  const scheme = strAt(h, 'scheme');
  if (!(HTTP_SCHEMES as readonly string[]).includes(scheme)) errs.push(field.notSupported(path.child('scheme'), scheme, HTTP_SCHEMES));
  for (const [i, header] of objectsAt(h, 'httpHeaders')) {
    const name = strAt(header, 'name');
    if (!HTTP_HEADER_NAME_RE.test(name)) {
      errs.push(field.invalid(path.child('httpHeaders').index(i).child('name'), name, HTTP_HEADER_NAME_MSG));
    }
  }
  return errs;
}

function validateHandlerKind(kind: HandlerKind, h: Record<string, unknown>, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  switch (kind) {
    case 'exec':
      return arrAt(h, 'command').length === 0 ? [field.required(path.child('command'), '')] : [];
    case 'httpGet':
      return validateHttpGet(h, path);
    case 'tcpSocket':
      return validatePortNumOrName(h.port, path.child('port'));
    case 'grpc': {
      const port = numAt(h, 'port') ?? 0;
      return isValidPortNum(port).map((m) => field.invalid(path.child('port'), port, m));
    }
    case 'sleep': {
      const seconds = numAt(h, 'seconds') ?? 0;
      // A sleep may not outlast the pod's grace period, or it would be cut short anyway.
      // Zero is allowed: PodLifecycleSleepActionAllowZero is on by default in 1.33.
      const max = gracePeriod ?? 30;
      if (seconds < 0 || seconds > max) {
        return [field.invalid(path, h, `must be non-negative and less than terminationGracePeriodSeconds (${max})`)];
      }
      return [];
    }
  }
}

/** validateHandler: exactly one of the allowed handler fields, each checked. */
function validateHandler(holder: Record<string, unknown>, kinds: readonly HandlerKind[], path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const h = holder[kind];
    if (!isObject(h)) continue;
    if (count > 0) {
      errs.push(field.forbidden(path.child(kind), MORE_THAN_ONE_HANDLER));
      continue;
    }
    count++;
    errs.push(...validateHandlerKind(kind, h, path.child(kind), gracePeriod));
  }
  if (count === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

/** validateProbe plus the rules of the particular probe; an unset probe passes. */
export function validateProbe(probe: unknown, kind: ProbeKind, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  if (!isObject(probe)) return [];
  const errs = validateHandler(probe, PROBE_HANDLERS, path, gracePeriod);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(numAt(probe, f) ?? 0, path.child(f)));
  }
  const probeGrace = numAt(probe, 'terminationGracePeriodSeconds');
  if (probeGrace !== undefined && probeGrace <= 0) {
    errs.push(field.invalid(path.child('terminationGracePeriodSeconds'), probeGrace, 'must be greater than 0'));
  }
  const success = numAt(probe, 'successThreshold') ?? 0;
  // A liveness or startup probe that needs several successes would only delay a restart.
  if (kind !== 'readinessProbe' && success !== 1) errs.push(field.invalid(path.child('successThreshold'), success, 'must be 1'));
  if (kind === 'readinessProbe' && probeGrace !== undefined) {
    errs.push(field.invalid(path.child('terminationGracePeriodSeconds'), probeGrace, 'must not be set for readinessProbes'));
  }
  return errs;
}

/** validateLifecycle: postStart and preStop each need exactly one handler. */
export function validateLifecycle(lifecycle: unknown, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'] as const) {
    const h = objAt(lifecycle, hook);
    if (h !== undefined) errs.push(...validateHandler(h, LIFECYCLE_HANDLERS, path.child(hook), gracePeriod));
  }
  return errs;
}
