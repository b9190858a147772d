// Derives proto/k8s/*.proto from an upstream checkout. Only wire facts are
// carried over (message names, field names, numbers, types); Go's struct
// definitions add the two facts protobuf alone does not carry and the decoder
// needs: which fields are pointers (so a zero on the wire is still "set"),
// and which are inlined into their parent in JSON. Output is what Logbook
// owns and commits; this script is only re-run when the API grows.
//
//   node libs/kube-protobuf/scripts/derive-protos.ts <kubernetes/api git dir> <kubernetes/apimachinery git dir> [ref]
// ref defaults to v0.33.9 (kube 1.33, the version Logbook serves).

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Source {
  readonly file: string; // our output file name
  readonly repo: 'api' | 'machinery';
  readonly dir: string; // upstream package directory
}

const SOURCES: readonly Source[] = [
  { file: 'meta-v1.proto', repo: 'machinery', dir: 'pkg/apis/meta/v1' },
  { file: 'runtime.proto', repo: 'machinery', dir: 'pkg/runtime' },
  { file: 'runtime-schema.proto', repo: 'machinery', dir: 'pkg/runtime/schema' },
  { file: 'resource.proto', repo: 'machinery', dir: 'pkg/api/resource' },
  { file: 'intstr.proto', repo: 'machinery', dir: 'pkg/util/intstr' },
  { file: 'core-v1.proto', repo: 'api', dir: 'core/v1' },
  { file: 'apps-v1.proto', repo: 'api', dir: 'apps/v1' },
  { file: 'batch-v1.proto', repo: 'api', dir: 'batch/v1' },
  { file: 'rbac-v1.proto', repo: 'api', dir: 'rbac/v1' },
  { file: 'networking-v1.proto', repo: 'api', dir: 'networking/v1' },
  { file: 'policy-v1.proto', repo: 'api', dir: 'policy/v1' },
  { file: 'scheduling-v1.proto', repo: 'api', dir: 'scheduling/v1' },
  { file: 'autoscaling-v1.proto', repo: 'api', dir: 'autoscaling/v1' },
  { file: 'autoscaling-v2.proto', repo: 'api', dir: 'autoscaling/v2' },
  { file: 'authorization-v1.proto', repo: 'api', dir: 'authorization/v1' },
  { file: 'authentication-v1.proto', repo: 'api', dir: 'authentication/v1' },
  { file: 'admissionregistration-v1.proto', repo: 'api', dir: 'admissionregistration/v1' },
  { file: 'certificates-v1.proto', repo: 'api', dir: 'certificates/v1' },
  { file: 'coordination-v1.proto', repo: 'api', dir: 'coordination/v1' },
  { file: 'discovery-v1.proto', repo: 'api', dir: 'discovery/v1' },
  { file: 'events-v1.proto', repo: 'api', dir: 'events/v1' },
  { file: 'flowcontrol-v1.proto', repo: 'api', dir: 'flowcontrol/v1' },
  { file: 'node-v1.proto', repo: 'api', dir: 'node/v1' },
  { file: 'storage-v1.proto', repo: 'api', dir: 'storage/v1' },
];

/** The kinds a client may send (every built-in kind Logbook serves); everything reachable from them is emitted. */
const ROOTS: readonly string[] = [
  'k8s.io.api.core.v1.ComponentStatus', 'k8s.io.api.core.v1.Endpoints', 'k8s.io.api.core.v1.Event',
  'k8s.io.api.core.v1.LimitRange', 'k8s.io.api.core.v1.Node', 'k8s.io.api.core.v1.PersistentVolume',
  'k8s.io.api.core.v1.PersistentVolumeClaim', 'k8s.io.api.core.v1.ReplicationController',
  'k8s.io.api.apps.v1.ControllerRevision', 'k8s.io.api.apps.v1.DaemonSet', 'k8s.io.api.apps.v1.ReplicaSet',
  'k8s.io.api.apps.v1.StatefulSet', 'k8s.io.api.networking.v1.IPAddress', 'k8s.io.api.networking.v1.IngressClass',
  'k8s.io.api.networking.v1.NetworkPolicy', 'k8s.io.api.networking.v1.ServiceCIDR',
  'k8s.io.api.admissionregistration.v1.MutatingWebhookConfiguration', 'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration',
  'k8s.io.api.admissionregistration.v1.ValidatingAdmissionPolicy', 'k8s.io.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding',
  'k8s.io.api.certificates.v1.CertificateSigningRequest', 'k8s.io.api.coordination.v1.Lease',
  'k8s.io.api.discovery.v1.EndpointSlice', 'k8s.io.api.events.v1.Event', 'k8s.io.api.flowcontrol.v1.FlowSchema',
  'k8s.io.api.flowcontrol.v1.PriorityLevelConfiguration', 'k8s.io.api.node.v1.RuntimeClass',
  'k8s.io.api.storage.v1.CSIDriver', 'k8s.io.api.storage.v1.CSINode', 'k8s.io.api.storage.v1.CSIStorageCapacity',
  'k8s.io.api.storage.v1.StorageClass', 'k8s.io.api.storage.v1.VolumeAttachment',
  'k8s.io.api.core.v1.Namespace', 'k8s.io.api.core.v1.ConfigMap', 'k8s.io.api.core.v1.Secret',
  'k8s.io.api.core.v1.Service', 'k8s.io.api.core.v1.ServiceAccount', 'k8s.io.api.core.v1.ResourceQuota',
  'k8s.io.api.core.v1.Pod', 'k8s.io.api.core.v1.PodTemplate', 'k8s.io.api.core.v1.Binding',
  'k8s.io.api.apps.v1.Deployment', 'k8s.io.api.batch.v1.Job', 'k8s.io.api.batch.v1.CronJob',
  'k8s.io.api.rbac.v1.Role', 'k8s.io.api.rbac.v1.ClusterRole', 'k8s.io.api.rbac.v1.RoleBinding',
  'k8s.io.api.rbac.v1.ClusterRoleBinding', 'k8s.io.api.networking.v1.Ingress',
  'k8s.io.api.policy.v1.PodDisruptionBudget', 'k8s.io.api.policy.v1.Eviction',
  'k8s.io.api.scheduling.v1.PriorityClass', 'k8s.io.api.autoscaling.v1.Scale',
  'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler', 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
  'k8s.io.api.authorization.v1.SelfSubjectAccessReview', 'k8s.io.api.authorization.v1.SubjectAccessReview',
  'k8s.io.api.authorization.v1.LocalSubjectAccessReview', 'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  'k8s.io.api.authentication.v1.SelfSubjectReview', 'k8s.io.api.authentication.v1.TokenReview',
  'k8s.io.api.authentication.v1.TokenRequest', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'k8s.io.apimachinery.pkg.runtime.Unknown',
];

const CUSTOM = new Set([
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time', 'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration', 'k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
  'k8s.io.apimachinery.pkg.api.resource.Quantity', 'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  'k8s.io.apimachinery.pkg.runtime.RawExtension', 'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.apimachinery.pkg.runtime.TypeMeta',
]);

const SCALARS = new Set(['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'bytes', 'double', 'float']);

interface Field { label: string; type: string; name: string; num: number; keyType?: string }
interface Message { pkg: string; name: string; fields: Field[]; source: Source }
interface GoField { pointer: boolean; inline: boolean; jsonName: string; omitempty: boolean; slice: boolean }

const [apiDir, machineryDir, ref = 'v0.33.9'] = process.argv.slice(2);
if (apiDir === undefined || machineryDir === undefined) throw new Error('usage: derive-protos.ts <api git dir> <apimachinery git dir>');
const git = (repo: string, ...args: string[]): string => execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const repoOf = (s: Source): string => (s.repo === 'api' ? apiDir : machineryDir);

const messages = new Map<string, Message>();
const goStructs = new Map<string, Map<number, GoField>>(); // `${pkg}.${Struct}` → field number → facts
const sliceTypes = new Set<string>(); // `${pkg}.${Type}` declared as a Go slice: JSON is an array

for (const src of SOURCES) {
  // Line comments go first: upstream prose contains `/*` (globs, media types).
  const proto = git(repoOf(src), 'show', `${ref}:${src.dir}/generated.proto`).replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const pkg = /^package\s+([\w.]+);/m.exec(proto)?.[1];
  if (pkg === undefined) throw new Error(`no package in ${src.dir}`);
  for (const m of proto.matchAll(/^message\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields: Field[] = [];
    for (const line of (m[2] ?? '').split('\n')) {
      const t = line.trim();
      if (t === '') continue;
      const map = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;$/.exec(t);
      const plain = /^(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?\s*;$/.exec(t);
      if (map !== null) fields.push({ label: 'map', keyType: map[1] ?? '', type: map[2] ?? '', name: map[3] ?? '', num: Number(map[4]) });
      else if (plain !== null) fields.push({ label: plain[1] ?? '', type: plain[2] ?? '', name: plain[3] ?? '', num: Number(plain[4]) });
      else throw new Error(`${src.dir} ${m[1]}: cannot parse ${t}`);
    }
    messages.set(`${pkg}.${m[1] ?? ''}`, { pkg, name: m[1] ?? '', fields, source: src });
  }
  const goFiles = git(repoOf(src), 'ls-tree', '--name-only', ref, `${src.dir}/`).split('\n')
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !/generated|zz_/.test(f));
  for (const f of goFiles) readGo(pkg, git(repoOf(src), 'show', `${ref}:${f}`));
}

function readGo(pkg: string, text: string): void {
  for (const m of text.matchAll(/^type\s+(\w+)\s+\[\]/gm)) sliceTypes.add(`${pkg}.${m[1] ?? ''}`);
  for (const m of text.matchAll(/^type\s+(\w+)\s+struct\s*\{([\s\S]*?)^\}/gm)) {
    const fields = new Map<number, GoField>();
    for (const line of (m[2] ?? '').split('\n')) {
      const f = /^\s*(?:\w+\s+)?(\S+)\s+`([^`]*)`/.exec(line);
      if (f === null) continue;
      const goType = f[1] ?? '';
      const tags = f[2] ?? '';
      const pb = /protobuf:"[a-z0-9]+,(\d+),/.exec(tags);
      if (pb === null) continue;
      const json = /json:"([^"]*)"/.exec(tags)?.[1] ?? '';
      const jsonName = json.split(',')[0] ?? '';
      fields.set(Number(pb[1]), { pointer: goType.startsWith('*'), inline: json.split(',').includes('inline') || jsonName === '', jsonName, omitempty: json.split(',').includes('omitempty'), slice: /^(\[\]|map\[)/.test(goType) });
    }
    goStructs.set(`${pkg}.${m[1] ?? ''}`, fields);
  }
}

function resolve(raw: string, pkg: string): string | undefined {
  const type = raw.startsWith('.') ? raw.slice(1) : raw;
  if (messages.has(type)) return type;
  if (messages.has(`${pkg}.${type}`)) return `${pkg}.${type}`;
  return undefined;
}

// Reachability from the roots.
const keep = new Set<string>();
const queue = [...ROOTS];
while (queue.length > 0) {
  const name = queue.pop() ?? '';
  if (keep.has(name)) continue;
  const msg = messages.get(name);
  if (msg === undefined) throw new Error(`unknown message ${name}`);
  keep.add(name);
  for (const f of msg.fields) {
    const r = resolve(f.type, msg.pkg);
    if (r !== undefined) queue.push(r);
  }
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'proto', 'k8s');
mkdirSync(outDir, { recursive: true });
const fileOfPkg = new Map<string, string>();
for (const m of messages.values()) fileOfPkg.set(m.pkg, m.source.file);

let total = 0;
for (const src of SOURCES) {
  const mine = [...keep].map((k) => messages.get(k)).filter((m): m is Message => m?.source === src).sort((a, b) => a.name.localeCompare(b.name));
  if (mine.length === 0) continue;
  const pkg = mine[0]?.pkg ?? '';
  const imports = new Set<string>();
  const body: string[] = [];
  for (const msg of mine) {
    const full = `${msg.pkg}.${msg.name}`;
    // Custom-marshalled types: their Go structs do not describe the wire, the decoder knows them by name.
    const go = CUSTOM.has(full) ? undefined : goStructs.get(full);
    const msgOpts = sliceTypes.has(full) ? ' option (logbook_json_array) = true;' : '';
    body.push(`message ${msg.name} {${msgOpts}`);
    for (const f of msg.fields) {
      const r = resolve(f.type, msg.pkg);
      if (r !== undefined && messages.get(r)?.pkg !== pkg) imports.add(fileOfPkg.get(messages.get(r)?.pkg ?? '') ?? '');
      const type = r !== undefined ? `.${r}` : f.type;
      const g = go?.get(f.num);
      if (go !== undefined && g === undefined && !sliceTypes.has(full)) throw new Error(`${full}.${f.name}: no Go field with number ${f.num}`);
      const opts: string[] = [];
      if (g?.pointer === true) opts.push('(logbook_ptr) = true');
      if (g?.inline === true && f.label !== 'repeated' && f.label !== 'map') opts.push('(logbook_inline) = true');
      // A scalar without omitempty: Go's JSON carries its zero (`value: 0`), so a JSON client sends it.
      if (g !== undefined && !g.pointer && !g.inline && !g.omitempty && !g.slice && f.label === 'optional' && SCALARS.has(f.type)) opts.push('(logbook_keep_zero) = true');
      // A slice or map without omitempty: Go's JSON writes `null` when it is nil (ClusterRole.rules, EndpointSlice.endpoints).
      if (g !== undefined && !g.pointer && !g.omitempty && g.slice && (f.label === 'repeated' || f.label === 'map')) opts.push('(logbook_keep_null) = true');
      // The JSON name is the contract for the decoded object; upstream proto names equal it except for inlined members.
      const name = g !== undefined && !g.inline && g.jsonName !== f.name ? g.jsonName : f.name;
      const o = opts.length > 0 ? ` [${opts.join(', ')}]` : '';
      body.push(f.label === 'map' ? `  map<${f.keyType ?? ''}, ${type}> ${name} = ${f.num}${o};` : `  ${f.label} ${type} ${name} = ${f.num}${o};`);
    }
    body.push('}', '');
    total += 1;
  }
  const head = [
    '// Logbook: wire definitions for Kubernetes protobuf bodies, derived from the',
    `// upstream field numbers and names (${ref}) by libs/kube-protobuf/scripts/derive-protos.ts.`,
    '// (logbook_ptr): Go pointer field, present on the wire only when set.',
    '// (logbook_inline): embedded struct whose fields are inlined in JSON.',
    '// (logbook_json_array): a Go slice type whose JSON form is an array of its items.',
    '// (logbook_keep_zero): a non-pointer scalar without omitempty: its zero is written in JSON.',
    '// (logbook_keep_null): a slice or map without omitempty: written as null in JSON when empty.',
    'syntax = "proto2";',
    '',
    `package ${pkg};`,
    '',
    ...[...imports].sort().map((i) => `import "${i}";`),
    '',
  ];
  writeFileSync(join(outDir, src.file), [...head, ...body].join('\n'));
}
console.log(`derive-protos: ${total} messages into ${outDir}`);
