import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogue } from '@logbook/resources';
import { builtinSchemas, type Definition } from '@logbook/schemas';
import { buildV2Document, buildV3Documents, definitionSchema } from '../src/index.ts';

type Props = Record<string, Record<string, unknown> & { items?: Record<string, unknown> }>;
type Named = Record<string, { properties: Props }>;

const schemas = builtinSchemas();

test('a v3 document lists the values of enum fields, sorted, on the field or on list items', () => {
  const v1 = JSON.parse(buildV3Documents(catalogue(), schemas, { version: 'v1.33.0' }).get('api/v1')!.bytes.toString('utf8')) as { components: { schemas: Named } };
  const s = v1.components.schemas;
  const container = s['io.k8s.api.core.v1.Container']!.properties;
  assert.deepEqual(container.imagePullPolicy!.enum, ['Always', 'IfNotPresent', 'Never']);
  assert.equal(container.imagePullPolicy!.type, 'string');
  assert.deepEqual(s['io.k8s.api.core.v1.ServiceSpec']!.properties.type!.enum, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
  const accessModes = s['io.k8s.api.core.v1.PersistentVolumeClaimSpec']!.properties.accessModes!;
  assert.equal(accessModes.enum, undefined, 'the list itself is not an enum');
  assert.deepEqual(accessModes.items?.enum, ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']);
  // Plain strings stay plain.
  assert.equal(container.image!.enum, undefined);
  assert.equal(container.name!.enum, undefined);
});

test('the v2 document carries the same enums', () => {
  const v2 = buildV2Document(catalogue(), schemas, { version: 'v1.33.0' }) as { definitions: Named };
  assert.deepEqual(v2.definitions['io.k8s.api.core.v1.ContainerPort']!.properties.protocol!.enum, ['SCTP', 'TCP', 'UDP']);
  assert.deepEqual(v2.definitions['io.k8s.api.apps.v1.DeploymentStrategy']!.properties.type!.enum, ['Recreate', 'RollingUpdate']);
});

test('an enum is rendered from the schema, not a shared array the document could alter', () => {
  const def: Definition = { name: 'x.v1.T', description: 'T', required: [], properties: { mode: { type: 'string', enum: ['A', 'B'] } } };
  const out = definitionSchema(def, 'v3') as { properties: Props };
  assert.deepEqual(out.properties.mode, { type: 'string', enum: ['A', 'B'] });
  const rendered = out.properties.mode?.enum;
  assert.ok(Array.isArray(rendered));
  rendered.push('C');
  assert.deepEqual(def.properties.mode, { type: 'string', enum: ['A', 'B'] });
});
