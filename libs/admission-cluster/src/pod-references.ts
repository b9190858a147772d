// Whether a pod spec names Secrets or ConfigMaps anywhere kube's pod
// visitors look (image pull secrets, env and envFrom of every container
// kind, every volume source with a secret reference). NodeRestriction
// refuses mirror pods that do: a kubelet could otherwise read any Secret
// by declaring a static pod that mounts it.

import { arrayAt, isRecord, recordAt, valueAt } from './json-access.ts';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

// Volume sources whose secret reference field kube's VisitPodSecretNames follows.
const SECRET_VOLUME_REFS: readonly (readonly [string, string])[] = [
  ['azureFile', 'secretName'], ['cephfs', 'secretRef'], ['cinder', 'secretRef'], ['flexVolume', 'secretRef'],
  ['rbd', 'secretRef'], ['secret', 'secretName'], ['scaleIO', 'secretRef'], ['iscsi', 'secretRef'],
  ['storageos', 'secretRef'], ['csi', 'nodePublishSecretRef'],
];

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function containers(spec: unknown): unknown[] {
  return CONTAINER_LISTS.flatMap((k) => [...arrayAt(spec, k)]);
}

function containersReference(spec: unknown, envFromKey: string, keyRefKey: string): boolean {
  for (const c of containers(spec)) {
    if (arrayAt(c, 'envFrom').some((e) => present(valueAt(e, envFromKey)))) return true;
    if (arrayAt(c, 'env').some((e) => present(valueAt(e, 'valueFrom', keyRefKey)))) return true;
  }
  return false;
}

export function podReferencesSecrets(pod: unknown): boolean {
  const spec = recordAt(pod, 'spec');
  if (arrayAt(spec, 'imagePullSecrets').length > 0) return true;
  if (containersReference(spec, 'secretRef', 'secretKeyRef')) return true;
  for (const vol of arrayAt(spec, 'volumes')) {
    if (!isRecord(vol)) continue;
    for (const [source, field] of SECRET_VOLUME_REFS) {
      const src = vol[source];
      if (!isRecord(src)) continue;
      // A `secret` volume names its Secret even when secretName is empty (kube visits it regardless);
      // azureFile only with a non-empty name; the rest only when the reference is set.
      if (source === 'secret') return true;
      if (source === 'azureFile' ? typeof src[field] === 'string' && src[field] !== '' : present(src[field])) return true;
    }
    if (arrayAt(vol, 'projected', 'sources').some((s) => present(valueAt(s, 'secret')))) return true;
  }
  return false;
}

export function podReferencesConfigMaps(pod: unknown): boolean {
  const spec = recordAt(pod, 'spec');
  if (containersReference(spec, 'configMapRef', 'configMapKeyRef')) return true;
  for (const vol of arrayAt(spec, 'volumes')) {
    if (present(valueAt(vol, 'configMap'))) return true;
    if (arrayAt(vol, 'projected', 'sources').some((s) => present(valueAt(s, 'configMap')))) return true;
  }
  return false;
}

export function podReferencesClusterTrustBundles(pod: unknown): boolean {
  return arrayAt(pod, 'spec', 'volumes').some((vol) => arrayAt(vol, 'projected', 'sources').some((s) => present(valueAt(s, 'clusterTrustBundle'))));
}

export function podReferencesClaims(pod: unknown): boolean {
  return arrayAt(pod, 'spec', 'volumes').some((vol) => present(valueAt(vol, 'persistentVolumeClaim')));
}
