// Storage (PersistentVolume, PersistentVolumeClaim, StorageClass) and RBAC
// bindings. Roles and ClusterRoles have no printer in kube: they get the
// default NAME / CREATED AT table.

import { DOCS, REF_DOCS } from './docs.ts';
import { since } from './human-duration.ts';
import { arr, at, optBool, optStr, present, rec, str } from './json-path.ts';
import { AGE_COLUMN, col, creationTimestamp, deleting, name, NAME_COLUMN, type Printer } from './printer.ts';

/** The beta annotation still overrides storageClassName, as in kube's helpers. */
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const ACCESS_MODES: readonly (readonly [string, string])[] = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];

function accessModes(modes: readonly unknown[]): string {
  return ACCESS_MODES.filter(([mode]) => modes.includes(mode)).map(([, short]) => short).join(',');
}

function storageClassOf(obj: unknown): string {
  const annotation = rec(obj, 'metadata', 'annotations')[BETA_STORAGE_CLASS_ANNOTATION];
  if (typeof annotation === 'string') return annotation;
  return str(obj, 'spec', 'storageClassName');
}

/** A Quantity as stored; kube's zero Quantity prints "0". */
function quantity(v: unknown): string {
  return typeof v === 'string' && v !== '' ? v : '0';
}

export const PERSISTENT_VOLUME_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Capacity', 'string', DOCS.V1PersistentVolumeSpec.capacity),
    col('Access Modes', 'string', DOCS.V1PersistentVolumeSpec.accessModes),
    col('Reclaim Policy', 'string', DOCS.V1PersistentVolumeSpec.persistentVolumeReclaimPolicy),
    col('Status', 'string', DOCS.V1PersistentVolumeStatus.phase),
    col('Claim', 'string', REF_DOCS.pvClaimRef),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', DOCS.V1PersistentVolumeStatus.reason),
    AGE_COLUMN,
    col('VolumeMode', 'string', DOCS.V1PersistentVolumeSpec.volumeMode, 1),
  ],
  print: (o, now) => {
    const claim = present(o, 'spec', 'claimRef') ? `${str(o, 'spec', 'claimRef', 'namespace')}/${str(o, 'spec', 'claimRef', 'name')}` : '';
    return {
      cells: [
        name(o), quantity(at(o, 'spec', 'capacity', 'storage')), accessModes(arr(o, 'spec', 'accessModes')), str(o, 'spec', 'persistentVolumeReclaimPolicy'),
        deleting(o) ? 'Terminating' : str(o, 'status', 'phase'), claim, storageClassOf(o), optStr(o, 'spec', 'volumeAttributesClassName') ?? '<unset>',
        str(o, 'status', 'reason'), since(creationTimestamp(o), now), optStr(o, 'spec', 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

export const PERSISTENT_VOLUME_CLAIM_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Status', 'string', DOCS.V1PersistentVolumeClaimStatus.phase),
    col('Volume', 'string', DOCS.V1PersistentVolumeClaimSpec.volumeName),
    col('Capacity', 'string', DOCS.V1PersistentVolumeClaimStatus.capacity),
    col('Access Modes', 'string', DOCS.V1PersistentVolumeClaimStatus.accessModes),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    col('VolumeMode', 'string', DOCS.V1PersistentVolumeClaimSpec.volumeMode, 1),
  ],
  print: (o, now) => {
    const volume = str(o, 'spec', 'volumeName');
    // Capacity and modes are the bound volume's: shown only once bound.
    const bound = volume !== '';
    return {
      cells: [
        name(o), deleting(o) ? 'Terminating' : str(o, 'status', 'phase'), volume, bound ? quantity(at(o, 'status', 'capacity', 'storage')) : '',
        bound ? accessModes(arr(o, 'status', 'accessModes')) : '', storageClassOf(o), optStr(o, 'spec', 'volumeAttributesClassName') ?? '<unset>',
        since(creationTimestamp(o), now), optStr(o, 'spec', 'volumeMode') ?? '<unset>',
      ],
    };
  },
};

const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const STORAGE_CLASS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    col('Provisioner', 'string', DOCS.V1StorageClass.provisioner),
    col('ReclaimPolicy', 'string', DOCS.V1StorageClass.reclaimPolicy),
    col('VolumeBindingMode', 'string', DOCS.V1StorageClass.volumeBindingMode),
    col('AllowVolumeExpansion', 'string', DOCS.V1StorageClass.allowVolumeExpansion),
    AGE_COLUMN,
  ],
  print: (o, now) => {
    const annotations = rec(o, 'metadata', 'annotations');
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true');
    return {
      cells: [
        isDefault ? `${name(o)} (default)` : name(o), str(o, 'provisioner'), optStr(o, 'reclaimPolicy') ?? 'Delete', optStr(o, 'volumeBindingMode') ?? 'Immediate',
        optBool(o, 'allowVolumeExpansion') ?? false, since(creationTimestamp(o), now),
      ],
    };
  },
};

/** rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjects(binding: unknown): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of arr(binding, 'subjects')) {
    const kind = str(s, 'kind');
    if (kind === 'ServiceAccount') sas.push(`${str(s, 'namespace')}/${str(s, 'name')}`);
    else if (kind === 'User') users.push(str(s, 'name'));
    else if (kind === 'Group') groups.push(str(s, 'name'));
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(roleRefDoc: string, what: string): Printer {
  return {
    columns: [
      NAME_COLUMN, col('Role', 'string', roleRefDoc), AGE_COLUMN,
      col('Users', 'string', `Users in the ${what}`, 1), col('Groups', 'string', `Groups in the ${what}`, 1), col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
    ],
    print: (o, now) => ({ cells: [name(o), `${str(o, 'roleRef', 'kind')}/${str(o, 'roleRef', 'name')}`, since(creationTimestamp(o), now), ...subjects(o)] }),
  };
}

export const ROLE_BINDING_PRINTER = bindingPrinter(REF_DOCS.roleBindingRoleRef, 'roleBinding');
export const CLUSTER_ROLE_BINDING_PRINTER = bindingPrinter(REF_DOCS.clusterRoleBindingRoleRef, 'clusterRoleBinding');
