import assert from 'node:assert/strict';
import { test } from 'node:test';
import { field, FieldPath } from '@logbook/apimachinery';
import { ENUM_EXCLUSIONS, validatorName } from '../scripts/read-enums.ts';
import { builtinSchemas, enumErrors, mergeFieldErrors, type FieldSchema } from '../src/index.ts';

const s = builtinSchemas();

function enumOf(definition: string, fieldName: string): readonly string[] | undefined {
  let f: FieldSchema | undefined = s.definition(definition)?.properties[fieldName];
  if (f?.type === 'array') f = f.items;
  return f?.type === 'string' ? f.enum : undefined;
}

test('enum fields carry kube 1.33 values, sorted by byte order', () => {
  const cases: [string, string, string[]][] = [
    ['io.k8s.api.core.v1.Container', 'imagePullPolicy', ['Always', 'IfNotPresent', 'Never']],
    ['io.k8s.api.core.v1.EphemeralContainer', 'imagePullPolicy', ['Always', 'IfNotPresent', 'Never']],
    ['io.k8s.api.core.v1.ContainerPort', 'protocol', ['SCTP', 'TCP', 'UDP']],
    ['io.k8s.api.core.v1.ServiceSpec', 'type', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']],
    ['io.k8s.api.core.v1.PodSpec', 'restartPolicy', ['Always', 'Never', 'OnFailure']],
    ['io.k8s.api.core.v1.PodSpec', 'dnsPolicy', ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']],
    ['io.k8s.api.core.v1.PersistentVolumeClaimSpec', 'accessModes', ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod']],
    ['io.k8s.api.core.v1.HostPathVolumeSource', 'type', ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket']],
    ['io.k8s.api.apps.v1.DeploymentStrategy', 'type', ['Recreate', 'RollingUpdate']],
    ['io.k8s.api.batch.v1.CronJobSpec', 'concurrencyPolicy', ['Allow', 'Forbid', 'Replace']],
    ['io.k8s.api.networking.v1.HTTPIngressPath', 'pathType', ['Exact', 'ImplementationSpecific', 'Prefix']],
    // kubernetes-models (>= 1.34) adds Lt and Gt; 1.33 has only these two.
    ['io.k8s.api.core.v1.Toleration', 'operator', ['Equal', 'Exists']],
  ];
  for (const [def, name, values] of cases) assert.deepEqual(enumOf(def, name), values, `${def}.${name}`);
});

test('no enum on free strings, on kind/apiVersion, or on fields 1.33 does not have', () => {
  assert.equal(enumOf('io.k8s.api.core.v1.Container', 'image'), undefined);
  assert.equal(enumOf('io.k8s.api.core.v1.Pod', 'kind'), undefined);
  assert.equal(enumOf('io.k8s.api.core.v1.Pod', 'apiVersion'), undefined);
  // A 1.34 field kubernetes-models knows; it must not appear at all.
  assert.equal(s.definition('io.k8s.api.core.v1.PodSpec')?.properties.hostnameOverride, undefined);
  for (const d of s.definitions()) {
    for (const [name, f] of Object.entries(d.properties)) {
      const leaf = f.type === 'array' ? f.items : f;
      if (leaf.type === 'string' && leaf.enum !== undefined) {
        assert.equal(leaf.format, undefined, `${d.name}.${name}: enum on a formatted string`);
        assert.deepEqual([...leaf.enum].sort(), leaf.enum, `${d.name}.${name}: unsorted`);
      }
    }
  }
});

test('every exclusion names a field our definitions have, with a reason', () => {
  for (const [key, { values, reason }] of Object.entries(ENUM_EXCLUSIONS)) {
    const dot = key.lastIndexOf('.');
    const def = s.definition(key.slice(0, dot));
    assert.ok(def?.properties[key.slice(dot + 1)] !== undefined, key);
    assert.ok(values.length > 0 && reason.length > 0, key);
  }
});

test('validator names follow kubernetes-models', () => {
  assert.equal(validatorName('io.k8s.api.core.v1.Container'), 'IoK8sApiCoreV1Container');
  assert.equal(validatorName('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule'), 'IoK8sApiextensionsApiserverPkgApisApiextensionsV1ValidationRule');
});

const pod = s.definition('io.k8s.api.core.v1.Pod')!;
const messages = (obj: Record<string, unknown>): string[] => enumErrors(s, pod, obj).map((e) => e.message());

test('enumErrors: allowed, unset and empty values pass', () => {
  const ok: Record<string, unknown>[] = [
    {},
    { spec: { restartPolicy: 'Always', containers: [{ name: 'a', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'UDP' }] }] } },
    { spec: { restartPolicy: '', dnsPolicy: '' } }, // empty is unset
    { spec: { restartPolicy: null } },
    { spec: { volumes: [{ name: 'v', hostPath: { path: '/x', type: '' } }] } },
    { spec: { restartPolicy: 7 } }, // the wrong JSON type is decoding's error, not this one
    { spec: { bogus: 'Nope', containers: 'not-a-list' } },
    { metadata: { labels: { restartPolicy: 'x' } } }, // map values that are not enums
  ];
  for (const obj of ok) assert.deepEqual(messages(obj), [], JSON.stringify(obj));
});

test('enumErrors: each bad value is reported at its path with kube text', () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ spec: { restartPolicy: 'Sometimes' } }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"']],
    [{ spec: { containers: [{ name: 'a' }, { name: 'b', imagePullPolicy: 'always' }] } }, ['spec.containers[1].imagePullPolicy: Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never"']],
    [
      { spec: { initContainers: [{ name: 'i', ports: [{ containerPort: 1, protocol: 'ICMP' }] }], tolerations: [{ operator: 'Lt' }] } },
      [
        'spec.initContainers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        'spec.tolerations[0].operator: Unsupported value: "Lt": supported values: "Equal", "Exists"',
      ],
    ],
    [{ spec: { restartPolicy: 'a"b' } }, ['spec.restartPolicy: Unsupported value: "a\\"b": supported values: "Always", "Never", "OnFailure"']],
  ];
  for (const [obj, want] of cases) assert.deepEqual(messages(obj), want, JSON.stringify(obj));
});

test('enumErrors: list items of an enum list are checked one by one', () => {
  const pvc = s.definition('io.k8s.api.core.v1.PersistentVolumeClaim')!;
  const errs = enumErrors(s, pvc, { spec: { accessModes: ['ReadWriteOnce', 'WriteOnly', ''] } });
  assert.deepEqual(errs.map((e) => e.field), ['spec.accessModes[1]']);
  assert.equal(errs[0]!.type, 'FieldValueNotSupported');
});

test('enumErrors: a deep object stays bounded and does not throw', () => {
  let props: Record<string, unknown> = {};
  const root = props;
  for (let i = 0; i < 5000; i++) {
    const next: Record<string, unknown> = {};
    props.not = next;
    props = next;
  }
  const crd = s.definition('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps')!;
  assert.deepEqual(enumErrors(s, crd, root), []);
});

test('mergeFieldErrors: semantic errors first, generic ones only where no semantic error speaks', () => {
  const p = FieldPath.root('spec');
  const semantic = [field.notSupported(p.child('restartPolicy'), 'X', ['Always']), field.notSupported(p.child('accessModes'), 'W', ['ReadWriteOnce'])];
  const generic = [
    field.notSupported(p.child('restartPolicy'), 'X', ['Always', 'Never', 'OnFailure']),
    field.notSupported(p.child('accessModes').index(0), 'W', ['ReadWriteOnce']),
    field.notSupported(p.child('dnsPolicy'), 'Y', ['None']),
    field.notSupported(p.child('containers').index(0).child('imagePullPolicy'), 'Z', ['Never']),
  ];
  assert.deepEqual(mergeFieldErrors(semantic, generic).map((e) => e.message()), [
    'spec.restartPolicy: Unsupported value: "X": supported values: "Always"',
    'spec.accessModes: Unsupported value: "W": supported values: "ReadWriteOnce"',
    'spec.dnsPolicy: Unsupported value: "Y": supported values: "None"',
    'spec.containers[0].imagePullPolicy: Unsupported value: "Z": supported values: "Never"',
  ]);
  assert.deepEqual(mergeFieldErrors([], generic).length, 4);
  assert.deepEqual(mergeFieldErrors(semantic, []), semantic);
  // A semantic error on `spec` says nothing about `spec.dnsPolicy`.
  assert.equal(mergeFieldErrors([field.required(p)], generic.slice(2)).length, 3);
});
