// A hand-built SchemaSet for the everyday kinds, with the patch metadata kube
// 1.33 declares for them, until the generated definitions land.

import { type Definition, type FieldSchema, SchemaSet } from '@logbook/schemas';

const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const str: FieldSchema = { type: 'string' };
const int: FieldSchema = { type: 'integer', format: 'int32' };
const bool: FieldSchema = { type: 'boolean' };
const ref = (name: string, extra: object = {}): FieldSchema => ({ type: 'ref', ref: name, ...extra });
const arr = (items: FieldSchema, extra: object = {}): FieldSchema => ({ type: 'array', items, ...extra });
const strMap: FieldSchema = { type: 'map', values: str };
const byName = { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] };

function def(name: string, properties: Record<string, FieldSchema>, gvk?: Definition['gvk']): Definition {
  return { name, description: '', properties, required: [], ...(gvk === undefined ? {} : { gvk }) };
}

export const definitions: readonly Definition[] = [
  def(`${meta}ObjectMeta`, {
    name: str, namespace: str, labels: strMap, annotations: strMap, resourceVersion: str,
    finalizers: arr(str, { patchStrategy: 'merge', listType: 'set' }),
    ownerReferences: arr(ref(`${meta}OwnerReference`), { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] }),
  }),
  def(`${meta}OwnerReference`, { apiVersion: str, kind: str, name: str, uid: str, controller: bool }),
  def(`${meta}LabelSelector`, { matchLabels: strMap, matchExpressions: arr(ref(`${meta}LabelSelectorRequirement`), { listType: 'atomic' }) }),
  def(`${meta}LabelSelectorRequirement`, { key: str, operator: str, values: arr(str, { listType: 'atomic' }) }),
  def(`${core}Pod`, { apiVersion: str, kind: str, metadata: ref(`${meta}ObjectMeta`), spec: ref(`${core}PodSpec`) }, [{ group: '', version: 'v1', kind: 'Pod' }]),
  def(`${core}PodTemplateSpec`, { metadata: ref(`${meta}ObjectMeta`), spec: ref(`${core}PodSpec`) }),
  def(`${core}PodSpec`, {
    containers: arr(ref(`${core}Container`), byName),
    initContainers: arr(ref(`${core}Container`), byName),
    volumes: arr(ref(`${core}Volume`), { ...byName, patchStrategy: 'merge,retainKeys' }),
    tolerations: arr(ref(`${core}Toleration`), { listType: 'atomic' }),
    nodeSelector: { type: 'map', values: str, mapType: 'atomic' },
    restartPolicy: str, hostNetwork: bool,
  }),
  def(`${core}Container`, {
    name: str, image: str,
    command: arr(str, { listType: 'atomic' }), args: arr(str, { listType: 'atomic' }),
    ports: arr(ref(`${core}ContainerPort`), { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] }),
    env: arr(ref(`${core}EnvVar`), byName),
    resources: ref(`${core}ResourceRequirements`),
  }),
  def(`${core}ResourceRequirements`, { limits: { type: 'map', values: { type: 'quantity' } }, requests: { type: 'map', values: { type: 'quantity' } } }),
  def(`${core}ContainerPort`, { name: str, containerPort: int, protocol: str, hostPort: int }),
  def(`${core}EnvVar`, { name: str, value: str, valueFrom: ref(`${core}EnvVarSource`) }),
  def(`${core}EnvVarSource`, { fieldRef: ref(`${core}ObjectFieldSelector`) }),
  def(`${core}ObjectFieldSelector`, { apiVersion: str, fieldPath: str }),
  def(`${core}Volume`, { name: str, emptyDir: ref(`${core}EmptyDirVolumeSource`), hostPath: ref(`${core}HostPathVolumeSource`), configMap: ref(`${core}ConfigMapVolumeSource`) }),
  def(`${core}EmptyDirVolumeSource`, { medium: str, sizeLimit: { type: 'quantity' } }),
  def(`${core}HostPathVolumeSource`, { path: str, type: str }),
  def(`${core}ConfigMapVolumeSource`, { name: str, defaultMode: int }),
  def(`${core}Toleration`, { key: str, operator: str, value: str, effect: str }),
  def(`${apps}Deployment`, { apiVersion: str, kind: str, metadata: ref(`${meta}ObjectMeta`), spec: ref(`${apps}DeploymentSpec`) }, [{ group: 'apps', version: 'v1', kind: 'Deployment' }]),
  def(`${apps}DeploymentSpec`, {
    replicas: int, selector: ref(`${meta}LabelSelector`), template: ref(`${core}PodTemplateSpec`),
    strategy: ref(`${apps}DeploymentStrategy`, { patchStrategy: 'retainKeys' }),
  }),
  def(`${apps}DeploymentStrategy`, { type: str, rollingUpdate: ref(`${apps}RollingUpdateDeployment`) }),
  def(`${apps}RollingUpdateDeployment`, { maxUnavailable: { type: 'int-or-string' }, maxSurge: { type: 'int-or-string' } }),
];

export const schemas = new SchemaSet(definitions);
export const POD = `${core}Pod`;
export const DEPLOYMENT = `${apps}Deployment`;
