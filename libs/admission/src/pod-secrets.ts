// Every secret a pod spec names, wherever the API lets it name one (kube's
// VisitPodSecretNames over all containers): image pull secrets, container
// env and envFrom, and the volume sources that take a secret.

import { objectField, objectList, stringField, type JsonObject } from './object-fields.ts';

/** Calls `visit` with each secret name until it returns false. */
export function forEachPodSecret(spec: JsonObject, visit: (name: string) => boolean): void {
  const names: string[] = [];
  for (const r of objectList(spec, 'imagePullSecrets')) names.push(stringField(r, 'name') ?? '');
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of objectList(spec, key)) {
      for (const e of objectList(c, 'envFrom')) pushName(names, stringField(objectField(e, 'secretRef'), 'name'));
      for (const e of objectList(c, 'env')) pushName(names, stringField(objectField(objectField(e, 'valueFrom'), 'secretKeyRef'), 'name'));
    }
  }
  for (const v of objectList(spec, 'volumes')) {
    pushName(names, stringField(objectField(v, 'secret'), 'secretName'));
    pushName(names, stringField(objectField(v, 'azureFile'), 'secretName'));
    for (const source of ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos']) {
      pushName(names, stringField(objectField(objectField(v, source), 'secretRef'), 'name'));
    }
    pushName(names, stringField(objectField(objectField(v, 'csi'), 'nodePublishSecretRef'), 'name'));
    for (const p of objectList(objectField(v, 'projected'), 'sources')) pushName(names, stringField(objectField(p, 'secret'), 'name'));
  }
  for (const n of names) if (!visit(n)) return;
}

// kube skips empty names, except for image pull secrets, which it visits as given.
function pushName(names: string[], name: string | undefined): void {
  if (name !== undefined && name !== '') names.push(name);
}
