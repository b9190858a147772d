import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_OUT, renderDefinitions } from '../scripts/gen-schemas.ts';
import { builtinSchemas, innermostRef } from '../src/index.ts';

test('the committed definitions are what the generator writes from the installed package', async () => {
  assert.equal(await renderDefinitions(), readFileSync(DEFAULT_OUT, 'utf8'), 'stale: run `npm run gen:schemas`');
});

test('every kind the server stores has a schema, found by its group/version/kind', () => {
  const s = builtinSchemas();
  const cases: [string, string, string, string][] = [
    ['', 'v1', 'Pod', 'io.k8s.api.core.v1.Pod'],
    ['', 'v1', 'PodList', 'io.k8s.api.core.v1.PodList'],
    ['apps', 'v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['batch', 'v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'io.k8s.api.rbac.v1.ClusterRoleBinding'],
    ['events.k8s.io', 'v1', 'Event', 'io.k8s.api.events.v1.Event'],
    ['', 'v1', 'Event', 'io.k8s.api.core.v1.Event'],
    ['autoscaling', 'v1', 'Scale', 'io.k8s.api.autoscaling.v1.Scale'],
    ['policy', 'v1', 'Eviction', 'io.k8s.api.policy.v1.Eviction'],
    ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
    ['apps', 'v1', 'DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
  ];
  for (const [group, version, kind, name] of cases) assert.equal(s.forKind({ group, version, kind })?.name, name, `${group}/${version} ${kind}`);
});

test('shared types live in the package kube defines them in', () => {
  const s = builtinSchemas();
  const deploymentSpec = s.definition('io.k8s.api.apps.v1.DeploymentSpec')!;
  assert.equal(innermostRef(deploymentSpec.properties.template!), 'io.k8s.api.core.v1.PodTemplateSpec');
  assert.equal(innermostRef(deploymentSpec.properties.selector!), 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector');
  assert.equal(innermostRef(s.definition('io.k8s.api.core.v1.Pod')!.properties.metadata!), 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
});

test('fields carry their JSON type, format, required flag and description', () => {
  const s = builtinSchemas();
  const container = s.definition('io.k8s.api.core.v1.Container')!;
  assert.deepEqual(container.required, ['name']);
  assert.match(container.properties.image!.description ?? '', /Container image name/);
  assert.deepEqual(container.properties.ports!.type === 'array' && container.properties.ports!.items, { type: 'ref', ref: 'io.k8s.api.core.v1.ContainerPort' });
  const port = s.definition('io.k8s.api.core.v1.ContainerPort')!;
  assert.equal(port.properties.containerPort!.type, 'integer');
  assert.equal((port.properties.containerPort as { format?: string }).format, 'int32');
  const svcPort = s.definition('io.k8s.api.core.v1.ServicePort')!;
  assert.equal(svcPort.properties.targetPort!.type, 'int-or-string');
  const resources = s.definition('io.k8s.api.core.v1.ResourceRequirements')!;
  assert.deepEqual({ ...resources.properties.limits, description: undefined }, { type: 'map', values: { type: 'quantity' }, description: undefined });
  const meta = s.definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
  assert.equal((meta.properties.creationTimestamp as { format?: string }).format, 'date-time');
  assert.deepEqual({ ...meta.properties.labels, description: undefined }, { type: 'map', values: { type: 'string' }, description: undefined });
  const secret = s.definition('io.k8s.api.core.v1.Secret')!;
  assert.deepEqual({ ...secret.properties.data, description: undefined }, { type: 'map', values: { type: 'string', format: 'byte' }, description: undefined });
});
