// A pod's volumes: unique DNS-1123 names, exactly one source each, and the
// required fields of the common sources. Returns the names later checks
// (volume mounts) may refer to: kube leaves out volumes that had errors.

import { field, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { dns1123Label } from './common.ts';
import { isObject, numAt, objAt, objectsAt, strAt, type JsonObjectLike } from './json.ts';
import { parseQuantity, isNegative } from './quantity.ts';

// kube's order of checking sources: the first present one counts, any later
// one is "more than 1".
const SOURCE_ORDER = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flexVolume', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flocker', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'configMap', 'scaleIO', 'projected',
  'csi', 'ephemeral', 'image',
] as const;
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] as const;
const MAX_FILE_MODE = 0o777;
const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';

function noBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split('/').includes('..') ? [field.invalid(path, target, "must not contain '..'")] : [];
}

function validateMode(mode: number | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > MAX_FILE_MODE) ? [field.invalid(path, mode, FILE_MODE_MSG)] : [];
}

// validateLocalNonReservedPath: relative, no `..`, not starting with `..`.
function validateItemPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(field.invalid(path, target, 'must be a relative path'));
  errs.push(...noBacksteps(target, path));
  if (target.startsWith('..')) errs.push(field.invalid(path, target, "must not start with '..'"));
  return errs;
}

function validateKeyToPaths(src: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [i, item] of objectsAt(src, 'items')) {
    const p = path.child('items').index(i);
    if (strAt(item, 'key') === '') errs.push(field.required(p.child('key'), ''));
    const itemPath = strAt(item, 'path');
    if (itemPath === '') errs.push(field.required(p.child('path'), ''));
    else errs.push(...validateItemPath(itemPath, p.child('path')));
    errs.push(...validateMode(numAt(item, 'mode'), p.child('mode')));
  }
  return errs;
}

function validateSource(kind: string, src: JsonObjectLike, path: FieldPath): FieldError[] {
  switch (kind) {
    case 'emptyDir': {
      const limit = src.sizeLimit;
      const q = typeof limit === 'string' ? parseQuantity(limit) : undefined;
      return q !== undefined && isNegative(q) ? [field.forbidden(path.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity')] : [];
    }
    case 'hostPath': {
      const errs: FieldError[] = [];
      const p = strAt(src, 'path');
      if (p === '') errs.push(field.required(path.child('path'), ''));
      else errs.push(...noBacksteps(p, path.child('path')));
      const type = src.type;
      if (typeof type === 'string' && !(HOST_PATH_TYPES as readonly string[]).includes(type)) {
        errs.push(field.notSupported(path.child('type'), type, HOST_PATH_TYPES));
      }
      return errs;
    }
    case 'secret': {
      const errs: FieldError[] = [];
      if (strAt(src, 'secretName') === '') errs.push(field.required(path.child('secretName'), ''));
      errs.push(...validateMode(numAt(src, 'defaultMode'), path.child('defaultMode')), ...validateKeyToPaths(src, path));
      return errs;
    }
    case 'configMap': {
      const errs: FieldError[] = [];
      if (strAt(src, 'name') === '') errs.push(field.required(path.child('name'), ''));
      errs.push(...validateMode(numAt(src, 'defaultMode'), path.child('defaultMode')), ...validateKeyToPaths(src, path));
      return errs;
    }
    case 'persistentVolumeClaim':
      return strAt(src, 'claimName') === '' ? [field.required(path.child('claimName'), '')] : [];
    case 'nfs': {
      const errs: FieldError[] = [];
      if (strAt(src, 'server') === '') errs.push(field.required(path.child('server'), ''));
      const p = strAt(src, 'path');
      if (p === '') errs.push(field.required(path.child('path'), ''));
      else if (!p.startsWith('/')) errs.push(field.invalid(path.child('path'), p, 'must be an absolute path'));
      return errs;
    }
    case 'csi':
      return strAt(src, 'driver') === '' ? [field.required(path.child('driver'), '')] : [];
    case 'ephemeral':
      return objAt(src, 'volumeClaimTemplate') === undefined ? [field.required(path.child('volumeClaimTemplate'), '')] : [];
    case 'projected':
    case 'downwardAPI':
      return validateMode(numAt(src, 'defaultMode'), path.child('defaultMode'));
    default:
      return [];
  }
}

function validateVolumeSource(volume: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of SOURCE_ORDER) {
    const src = volume[kind];
    if (!isObject(src)) continue;
    if (count > 0) {
      errs.push(field.forbidden(path.child(kind), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSource(kind, src, path.child(kind)));
  }
  if (count === 0) errs.push(field.required(path, 'must specify a volume type'));
  return errs;
}

/** ValidateVolumes: the errors, and the names of the volumes that passed. */
export function validateVolumes(spec: JsonObjectLike, path: FieldPath): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  for (const [i, volume] of objectsAt(spec, 'volumes')) {
    const p = path.index(i);
    const name = strAt(volume, 'name');
    const el = validateVolumeSource(volume, p);
    if (name === '') el.push(field.required(p.child('name'), ''));
    else el.push(...dns1123Label(name, p.child('name')));
    if (names.has(name)) el.push(field.duplicate(p.child('name'), name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  }
  return { names, errs };
}
