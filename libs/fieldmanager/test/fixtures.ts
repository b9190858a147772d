// A hand-built SchemaSet for a slice of apps/v1 Deployment, with the list and
// map metadata kube's OpenAPI carries, until the generated definitions land.

import type { Definition, FieldSchema } from '@logbook/schemas';
import { SchemaSet } from '@logbook/schemas';

const s = (): FieldSchema => ({ type: 'string' });
const i = (): FieldSchema => ({ type: 'integer', format: 'int32' });
const b = (): FieldSchema => ({ type: 'boolean' });
const ref = (name: string, extra: Partial<FieldSchema> = {}): FieldSchema => ({ type: 'ref', ref: `io.k8s.${name}`, ...extra }) as FieldSchema;
const def = (name: string, properties: Record<string, FieldSchema>, extra: Partial<Definition> = {}): Definition => ({
  name: `io.k8s.${name}`,
  description: '',
  properties,
  required: [],
  ...extra,
});

const META = 'apimachinery.pkg.apis.meta.v1';

export const definitions: Definition[] = [
  def(`${META}.ObjectMeta`, {
    name: s(),
    namespace: s(),
    uid: s(),
    resourceVersion: s(),
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    labels: { type: 'map', values: s() },
    annotations: { type: 'map', values: s() },
    finalizers: { type: 'array', items: s(), patchStrategy: 'merge' },
    ownerReferences: { type: 'array', items: ref(`${META}.OwnerReference`), patchStrategy: 'merge', patchMergeKey: 'uid' },
    managedFields: { type: 'array', items: { type: 'any' } },
  }),
  def(`${META}.OwnerReference`, { apiVersion: s(), kind: s(), name: s(), uid: s() }, { mapType: 'atomic' }),
  def(`${META}.LabelSelector`, { matchLabels: { type: 'map', values: s() } }, { mapType: 'atomic' }),
  def('api.apps.v1.Deployment', { apiVersion: s(), kind: s(), metadata: ref(`${META}.ObjectMeta`), spec: ref('api.apps.v1.DeploymentSpec'), status: ref('api.apps.v1.DeploymentStatus') }, {
    gvk: [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
  }),
  def('api.apps.v1.DeploymentSpec', {
    replicas: i(),
    paused: b(),
    minReadySeconds: i(),
    selector: ref(`${META}.LabelSelector`),
    template: ref('api.core.v1.PodTemplateSpec'),
    strategy: ref('api.apps.v1.DeploymentStrategy'),
  }),
  def('api.apps.v1.DeploymentStrategy', { type: s(), rollingUpdate: ref('api.apps.v1.RollingUpdateDeployment') }),
  def('api.apps.v1.RollingUpdateDeployment', { maxSurge: { type: 'int-or-string' }, maxUnavailable: { type: 'int-or-string' } }),
  def('api.apps.v1.DeploymentStatus', { replicas: i(), readyReplicas: i(), observedGeneration: i() }),
  def('api.core.v1.PodTemplateSpec', { metadata: ref(`${META}.ObjectMeta`), spec: ref('api.core.v1.PodSpec') }),
  def('api.core.v1.PodSpec', {
    containers: { type: 'array', items: ref('api.core.v1.Container'), patchStrategy: 'merge', patchMergeKey: 'name' },
    nodeSelector: { type: 'map', values: s(), mapType: 'atomic' },
    tolerations: { type: 'array', items: ref('api.core.v1.Toleration') },
    restartPolicy: s(),
  }),
  def('api.core.v1.Toleration', { key: s(), operator: s(), value: s(), effect: s() }),
  def('api.core.v1.Container', {
    name: s(),
    image: s(),
    args: { type: 'array', items: s(), listType: 'atomic' },
    ports: { type: 'array', items: ref('api.core.v1.ContainerPort'), listType: 'map', listMapKeys: ['containerPort', 'protocol'], patchStrategy: 'merge', patchMergeKey: 'containerPort' },
    env: { type: 'array', items: ref('api.core.v1.EnvVar'), patchStrategy: 'merge', patchMergeKey: 'name' },
    resources: ref('api.core.v1.ResourceRequirements'),
  }),
  def('api.core.v1.ContainerPort', { name: s(), containerPort: i(), protocol: s() }),
  def('api.core.v1.EnvVar', { name: s(), value: s() }),
  def('api.core.v1.ResourceRequirements', { limits: { type: 'map', values: { type: 'quantity' } }, requests: { type: 'map', values: { type: 'quantity' } } }),
];

export const schemas = new SchemaSet(definitions);

/** What Go's zero apps/v1 Deployment serialises to (non-pointer structs present). */
export const ZERO_DEPLOYMENT = {
  metadata: { creationTimestamp: null },
  spec: { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} },
  status: {},
};

export const T0 = new Date('2025-05-01T12:00:00.250Z');
export const T1 = new Date('2025-05-01T12:05:00Z');
export const T2 = new Date('2025-05-01T12:10:00Z');

export const TARGET = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

export function deployment(overrides: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: overrides.labels ?? { app: 'web' } },
    spec: {
      replicas: overrides.replicas ?? 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: overrides.image ?? 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'MODE', value: 'prod' }],
            },
          ],
        },
      },
    },
  };
}

/** A stored object: what the registry would hold after a create. */
export function stored(obj: Record<string, unknown>, uid = 'u-1'): Record<string, unknown> {
  const md = obj['metadata'] as Record<string, unknown>;
  return { ...obj, metadata: { ...md, uid, resourceVersion: '1', creationTimestamp: '2025-05-01T12:00:00Z' } };
}

export function managedFieldsOf(obj: unknown): Record<string, unknown>[] {
  const md = (obj as { metadata?: { managedFields?: Record<string, unknown>[] } }).metadata;
  return md?.managedFields ?? [];
}

export function entry(obj: unknown, manager: string, operation = 'Update'): Record<string, unknown> | undefined {
  return managedFieldsOf(obj).find((e) => e['manager'] === manager && e['operation'] === operation);
}

export interface ContainerShape {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { containerPort: number; protocol?: string }[];
}
export interface PodSpecShape {
  containers: ContainerShape[];
  tolerations?: unknown[];
  nodeSelector?: Record<string, string>;
}
export interface DeploymentSpecShape {
  replicas?: number;
  paused?: boolean;
  template: { metadata?: unknown; spec: PodSpecShape };
}

/** Typed views of a deployment-shaped object (tests only). */
export const specOf = (o: unknown): DeploymentSpecShape => (o as { spec: DeploymentSpecShape }).spec;
export const containersOf = (o: unknown): ContainerShape[] => specOf(o).template.spec.containers;
export const metaOf = (o: unknown): Record<string, unknown> => (o as { metadata: Record<string, unknown> }).metadata;
