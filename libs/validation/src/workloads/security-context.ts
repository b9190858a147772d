// Pod and container security contexts: user and group IDs in range, seccomp
// profiles well-formed, and privilege settings that do not contradict.

import { field, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { inclusiveRangeError } from './common.ts';
import { arrAt, isObject, numAt, objAt, strAt, type JsonObjectLike } from './json.ts';

const MAX_ID = 2147483647;
const SECCOMP_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'] as const;
const FS_GROUP_CHANGE_POLICIES = ['OnRootMismatch', 'Always'] as const;

function idInRange(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && (value < 0 || value > MAX_ID) ? [field.invalid(path, value, inclusiveRangeError(0, MAX_ID))] : [];
}

function validateSeccompProfile(profile: unknown, path: FieldPath): FieldError[] {
  if (!isObject(profile)) return [];
  const errs: FieldError[] = [];
  const type = strAt(profile, 'type');
  if (type === '') errs.push(field.required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!(SECCOMP_TYPES as readonly string[]).includes(type)) errs.push(field.notSupported(path.child('type'), type, SECCOMP_TYPES));
  const localhost = profile.localhostProfile;
  if (type === 'Localhost') {
    if (typeof localhost !== 'string') errs.push(field.required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'));
    else {
      if (localhost.startsWith('/')) errs.push(field.invalid(path.child('localhostProfile'), localhost, 'must be a relative path'));
      if (localhost.split('/').includes('..')) errs.push(field.invalid(path.child('localhostProfile'), localhost, "must not contain '..'"));
    }
  } else if (localhost !== undefined && localhost !== null) {
    errs.push(field.invalid(path.child('localhostProfile'), profile, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

/** validatePodSpecSecurityContext (sysctls, Windows and AppArmor options not yet). */
export function validatePodSecurityContext(spec: JsonObjectLike, path: FieldPath): FieldError[] {
  const sc = objAt(spec, 'securityContext');
  if (sc === undefined) return [];
  const errs = [
    ...idInRange(numAt(sc, 'fsGroup'), path.child('fsGroup')),
    ...idInRange(numAt(sc, 'runAsUser'), path.child('runAsUser')),
    ...idInRange(numAt(sc, 'runAsGroup'), path.child('runAsGroup')),
  ];
  arrAt(sc, 'supplementalGroups').forEach((gid, i) => {
    if (typeof gid === 'number') errs.push(...idInRange(gid, path.child('supplementalGroups').index(i)));
  });
  // kube keeps hostPID inside the security context internally, hence this path.
  if (spec.hostPID === true && spec.shareProcessNamespace === true) {
    errs.push(field.invalid(path.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const changePolicy = sc.fsGroupChangePolicy;
  if (typeof changePolicy === 'string' && !(FS_GROUP_CHANGE_POLICIES as readonly string[]).includes(changePolicy)) {
    errs.push(field.notSupported(path.child('fsGroupChangePolicy'), changePolicy, FS_GROUP_CHANGE_POLICIES));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  return errs;
}

/** ValidateSecurityContext of a container. */
export function validateContainerSecurityContext(sc: unknown, path: FieldPath): FieldError[] {
  if (!isObject(sc)) return [];
  const errs = [...idInRange(numAt(sc, 'runAsUser'), path.child('runAsUser')), ...idInRange(numAt(sc, 'runAsGroup'), path.child('runAsGroup'))];
  const procMount = sc.procMount;
  if (typeof procMount === 'string' && procMount !== 'Default' && procMount !== 'Unmasked') {
    errs.push(field.notSupported(path.child('procMount'), procMount, ['Default', 'Unmasked']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  // Without privilege escalation a privileged container (or CAP_SYS_ADMIN) makes no sense.
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of arrAt(objAt(sc, 'capabilities'), 'add')) {
      if (cap === 'CAP_SYS_ADMIN') errs.push(field.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  return errs;
}
