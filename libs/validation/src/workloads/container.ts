// Containers of a pod spec: the checks every container gets (name, image,
// ports, env, mounts, pull policy, resources) and those of regular and init
// containers (unique names, probes, lifecycle, restartPolicy).

import { field, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { dns1123Label, isValidPortName, isValidPortNum } from './common.ts';
import { validateEnv, validateEnvFrom } from './env.ts';
import { isObject, numAt, objAt, objectsAt, strAt, type JsonObjectLike } from './json.ts';
import { validateLifecycle, validateProbe } from './probes.ts';
import { validateResourceRequirements } from './resources.ts';
import { validateContainerSecurityContext } from './security-context.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
const MOUNT_PROPAGATIONS = ['None', 'HostToContainer', 'Bidirectional'] as const;
const INIT_RESTART_POLICIES = ['Always'] as const;

function oneOf(value: string, allowed: readonly string[], path: FieldPath): FieldError[] {
  if (value === '') return [field.required(path, '')];
  return allowed.includes(value) ? [] : [field.notSupported(path, value, allowed)];
}

function validatePorts(ctr: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, port] of objectsAt(ctr, 'ports')) {
    const p = path.index(i);
    const name = strAt(port, 'name');
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => field.invalid(p.child('name'), name, m)));
      else if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const containerPort = numAt(port, 'containerPort') ?? 0;
    if (containerPort === 0) errs.push(field.required(p.child('containerPort'), ''));
    else errs.push(...isValidPortNum(containerPort).map((m) => field.invalid(p.child('containerPort'), containerPort, m)));
    const hostPort = numAt(port, 'hostPort') ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => field.invalid(p.child('hostPort'), hostPort, m)));
    errs.push(...oneOf(strAt(port, 'protocol'), PROTOCOLS, p.child('protocol')));
  }
  return errs;
}

// kube reports subPath problems at `volumeMounts.subPath`, without the
// index; the path is kept as kube prints it.
function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(field.invalid(path, target, 'must be a relative path'));
  if (target.split('/').includes('..')) errs.push(field.invalid(path, target, "must not contain '..'"));
  return errs;
}

function validateVolumeMounts(ctr: JsonObjectLike, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  const deviceNames = new Set(objectsAt(ctr, 'volumeDevices').map(([, d]) => strAt(d, 'name')));
  const devicePaths = new Set(objectsAt(ctr, 'volumeDevices').map(([, d]) => strAt(d, 'devicePath')));
  for (const [i, mount] of objectsAt(ctr, 'volumeMounts')) {
    const p = path.index(i);
    const name = strAt(mount, 'name');
    const mountPath = strAt(mount, 'mountPath');
    if (name === '') errs.push(field.required(p.child('name'), ''));
    if (!volumes.has(name)) errs.push(field.notFound(p.child('name'), name));
    if (mountPath === '') errs.push(field.required(p.child('mountPath'), ''));
    if (mountPaths.has(mountPath)) errs.push(field.invalid(p.child('mountPath'), mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    if (deviceNames.has(name)) errs.push(field.invalid(p.child('name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(field.invalid(p.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = strAt(mount, 'subPath');
    if (subPath !== '') errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
    const subPathExpr = strAt(mount, 'subPathExpr');
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(field.invalid(p.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
    const propagation = mount.mountPropagation;
    if (typeof propagation === 'string' && !(MOUNT_PROPAGATIONS as readonly string[]).includes(propagation)) {
      errs.push(field.notSupported(p.child('mountPropagation'), propagation, MOUNT_PROPAGATIONS));
    }
  }
  return errs;
}

/** validateContainerCommon: what every kind of container must satisfy. */
function validateContainerCommon(ctr: JsonObjectLike, volumes: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = strAt(ctr, 'name');
  if (name === '') errs.push(field.required(path.child('name'), ''));
  else errs.push(...dns1123Label(name, path.child('name')));
  if (strAt(ctr, 'image') === '') errs.push(field.required(path.child('image'), ''));
  errs.push(...oneOf(strAt(ctr, 'terminationMessagePolicy'), TERMINATION_MESSAGE_POLICIES, path.child('terminationMessagePolicy')));
  errs.push(...validatePorts(ctr, path.child('ports')));
  errs.push(...validateEnv(ctr, path.child('env')));
  errs.push(...validateEnvFrom(ctr, path.child('envFrom')));
  errs.push(...validateVolumeMounts(ctr, volumes, path.child('volumeMounts')));
  errs.push(...oneOf(strAt(ctr, 'imagePullPolicy'), PULL_POLICIES, path.child('imagePullPolicy')));
  errs.push(...validateResourceRequirements(ctr.resources, path.child('resources')));
  errs.push(...validateContainerSecurityContext(ctr.securityContext, path.child('securityContext')));
  return errs;
}

function validateProbesAndLifecycle(ctr: JsonObjectLike, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (isObject(ctr.lifecycle)) errs.push(...validateLifecycle(ctr.lifecycle, path.child('lifecycle'), gracePeriod));
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    errs.push(...validateProbe(ctr[kind], kind, path.child(kind), gracePeriod));
  }
  return errs;
}

/**
 * checkHostPortConflicts: a host port (per host IP and protocol) may be
 * claimed once. kube formats the key as `<hostIP>/<protocol>/<port>`.
 */
export function hostPortConflicts(containers: ReadonlyArray<[number, JsonObjectLike]>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [ci, ctr] of containers) {
    for (const [pi, port] of objectsAt(ctr, 'ports')) {
      const hostPort = numAt(port, 'hostPort') ?? 0;
      if (hostPort === 0) continue;
      const key = `${strAt(port, 'hostIP')}/${strAt(port, 'protocol')}/${hostPort}`;
      if (seen.has(key)) errs.push(field.duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    }
  }
  return errs;
}

/** validateContainers: at least one, uniquely named. */
export function validateContainers(spec: JsonObjectLike, volumes: ReadonlySet<string>, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  const containers = objectsAt(spec, 'containers');
  if (containers.length === 0) return [field.required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const [i, ctr] of containers) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ctr, volumes, p));
    const name = strAt(ctr, 'name');
    if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
    else names.add(name);
    errs.push(...validateProbesAndLifecycle(ctr, p, gracePeriod));
    if (ctr.restartPolicy !== undefined && ctr.restartPolicy !== null) {
      errs.push(field.forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
    }
  }
  // Regular containers run together, so their host ports must not collide.
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

const INIT_ONLY_WITH_RESTART = 'may not be set for init containers without restartPolicy=Always';

/** validateInitContainers: names unique across init and regular containers; sidecars (restartPolicy Always) may probe. */
export function validateInitContainers(spec: JsonObjectLike, volumes: ReadonlySet<string>, path: FieldPath, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(objectsAt(spec, 'containers').map(([, c]) => strAt(c, 'name')));
  for (const [i, ctr] of objectsAt(spec, 'initContainers')) {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ctr, volumes, p));
    let sidecar = false;
    const restartPolicy = ctr.restartPolicy;
    if (typeof restartPolicy === 'string') {
      if (!(INIT_RESTART_POLICIES as readonly string[]).includes(restartPolicy)) {
        errs.push(field.notSupported(p.child('restartPolicy'), restartPolicy, INIT_RESTART_POLICIES));
      }
      sidecar = restartPolicy === 'Always';
    }
    const name = strAt(ctr, 'name');
    if (names.has(name)) errs.push(field.duplicate(p.child('name'), name));
    else if (name !== '') names.add(name);
    // Init containers run one at a time, so each is checked on its own.
    errs.push(...hostPortConflicts([[i, ctr]], path));
    if (sidecar) {
      errs.push(...validateProbesAndLifecycle(ctr, p, gracePeriod));
    } else {
      if (objAt(ctr, 'lifecycle') !== undefined) errs.push(field.forbidden(p.child('lifecycle'), INIT_ONLY_WITH_RESTART));
      if (objAt(ctr, 'livenessProbe') !== undefined) errs.push(field.forbidden(p.child('livenessProbe'), INIT_ONLY_WITH_RESTART));
      if (objAt(ctr, 'readinessProbe') !== undefined) errs.push(field.forbidden(p.child('readinessProbe'), 'may not be set for init containers'));
      if (objAt(ctr, 'startupProbe') !== undefined) errs.push(field.forbidden(p.child('startupProbe'), INIT_ONLY_WITH_RESTART));
    }
  }
  return errs;
}
