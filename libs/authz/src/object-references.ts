// What a pod or a PersistentVolume points at, read from plain JSON as the
// watch caches hold it: the edges of the Node authorizer's graph. The lists
// follow kube's podutil.VisitPodSecretNames / VisitPodConfigmapNames (all
// containers: init, regular, ephemeral) and pvutil.VisitPVSecretNames.

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): readonly Obj[] {
  if (!Array.isArray(v)) return [];
  const out: Obj[] = [];
  for (const item of v as unknown[]) {
    const o = obj(item);
    if (o !== undefined) out.push(o);
  }
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `o[a][b]` as a string, '' when anything on the way is missing. */
function at(o: Obj | undefined, a: string, b: string): string {
  return str(obj(o?.[a])?.[b]);
}

export interface PodReferences {
  readonly secrets: ReadonlySet<string>;
  readonly configMaps: ReadonlySet<string>;
  readonly persistentVolumeClaims: ReadonlySet<string>;
  readonly resourceClaims: ReadonlySet<string>;
  /** '' when the pod names none (the API server defaults it to "default" before it is stored). */
  readonly serviceAccount: string;
}

/** Volume sources that carry a `secretRef: {name}` in the pod's namespace. */
const VOLUME_SECRET_REFS = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'] as const;

/** Names of the objects in the pod's namespace that `pod` references. */
export function podReferences(pod: unknown): PodReferences {
  const p = obj(pod) ?? {};
  const meta = obj(p['metadata']);
  const spec = obj(p['spec']);
  const status = obj(p['status']);
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const pvcs = new Set<string>();
  const claims = new Set<string>();
  const add = (set: Set<string>, name: string): void => {
    if (name !== '') set.add(name);
  };

  for (const s of list(spec?.['imagePullSecrets'])) add(secrets, str(s['name']));
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const c of list(spec?.[key])) {
      for (const ef of list(c['envFrom'])) {
        add(secrets, at(ef, 'secretRef', 'name'));
        add(configMaps, at(ef, 'configMapRef', 'name'));
      }
      for (const e of list(c['env'])) {
        const from = obj(e['valueFrom']);
        add(secrets, at(from, 'secretKeyRef', 'name'));
        add(configMaps, at(from, 'configMapKeyRef', 'name'));
      }
    }
  }
  const podName = str(meta?.['name']);
  for (const v of list(spec?.['volumes'])) {
    add(secrets, at(v, 'secret', 'secretName'));
    add(secrets, at(v, 'azureFile', 'secretName'));
    add(secrets, str(obj(obj(v['csi'])?.['nodePublishSecretRef'])?.['name']));
    for (const src of VOLUME_SECRET_REFS) add(secrets, str(obj(obj(v[src])?.['secretRef'])?.['name']));
    add(configMaps, at(v, 'configMap', 'name'));
    for (const s of list(obj(v['projected'])?.['sources'])) {
      add(secrets, at(s, 'secret', 'name'));
      add(configMaps, at(s, 'configMap', 'name'));
    }
    add(pvcs, at(v, 'persistentVolumeClaim', 'claimName'));
    // A generic ephemeral volume's claim is named <pod>-<volume> (kube's ephemeral.VolumeClaimName).
    if (obj(v['ephemeral']) !== undefined && podName !== '' && str(v['name']) !== '') pvcs.add(`${podName}-${str(v['name'])}`);
  }

  // A claim is named in the spec, or — made from a template — reported in status.
  const generated = new Map<string, string>();
  for (const s of list(status?.['resourceClaimStatuses'])) generated.set(str(s['name']), str(s['resourceClaimName']));
  for (const rc of list(spec?.['resourceClaims'])) {
    const direct = str(rc['resourceClaimName']);
    add(claims, direct !== '' ? direct : (generated.get(str(rc['name'])) ?? ''));
  }

  return { secrets, configMaps, persistentVolumeClaims: pvcs, resourceClaims: claims, serviceAccount: str(spec?.['serviceAccountName']) };
}

export interface NamespacedName {
  readonly namespace: string;
  readonly name: string;
}

export interface PersistentVolumeReferences {
  /** spec.claimRef, when the volume is bound (or pre-bound) to a claim. */
  readonly claim?: NamespacedName;
  readonly secrets: readonly NamespacedName[];
}

/** CSI's secret references each carry their own namespace. */
const CSI_SECRET_REFS = ['controllerPublishSecretRef', 'nodeStageSecretRef', 'nodePublishSecretRef', 'controllerExpandSecretRef', 'nodeExpandSecretRef'] as const;

export function persistentVolumeReferences(pv: unknown): PersistentVolumeReferences {
  const spec = obj(obj(pv)?.['spec']);
  const claimRef = obj(spec?.['claimRef']);
  const claimNs = str(claimRef?.['namespace']);
  const claimName = str(claimRef?.['name']);
  const secrets: NamespacedName[] = [];
  // Older volume plugins left the secret's namespace out: it is then the claim's.
  const add = (namespace: string, name: string): void => {
    if (name !== '') secrets.push({ namespace: namespace !== '' ? namespace : claimNs, name });
  };
  const azure = obj(spec?.['azureFile']);
  if (azure !== undefined) add(str(azure['secretNamespace']), str(azure['secretName']));
  for (const src of VOLUME_SECRET_REFS) {
    const ref = obj(obj(spec?.[src])?.['secretRef']);
    if (ref !== undefined) add(str(ref['namespace']), str(ref['name']));
  }
  const csi = obj(spec?.['csi']);
  for (const key of CSI_SECRET_REFS) {
    const ref = obj(csi?.[key]);
    if (ref !== undefined) add(str(ref['namespace']), str(ref['name']));
  }
  return claimName === '' ? { secrets } : { claim: { namespace: claimNs, name: claimName }, secrets };
}
