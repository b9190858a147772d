// The part of a pod (or pod template) the Pod Security Standards read,
// decoded once from the stored JSON. Fields of the wrong JSON type are read
// as absent: type validation has refused such objects before the validating
// admission phase, so this only keeps the checks total.

export interface SeccompProfile { readonly type: string }
export interface AppArmorProfile { readonly type: string }
export interface SELinuxOptions { readonly type: string; readonly user: string; readonly role: string }

export interface ContainerSecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly procMount?: string;
  readonly capabilities?: { readonly add: readonly string[]; readonly drop: readonly string[] };
  readonly seLinuxOptions?: SELinuxOptions;
  readonly seccompProfile?: SeccompProfile;
  readonly appArmorProfile?: AppArmorProfile;
  readonly hostProcess?: boolean;
}

export interface PodSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly seLinuxOptions?: SELinuxOptions;
  readonly seccompProfile?: SeccompProfile;
  readonly appArmorProfile?: AppArmorProfile;
  readonly hostProcess?: boolean;
  readonly sysctls: readonly string[];
}

export interface ContainerView {
  readonly name: string;
  readonly image: string;
  readonly hostPorts: readonly number[];
  readonly securityContext?: ContainerSecurityContext;
}

export interface VolumeView {
  readonly name: string;
  /** The volume-source keys present with a non-null value, e.g. ["hostPath"]. */
  readonly sources: readonly string[];
}

export interface PodSpecView {
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostIPC: boolean;
  readonly osName: string;
  readonly runtimeClassName: string;
  readonly securityContext?: PodSecurityContext;
  readonly initContainers: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
  readonly ephemeralContainers: readonly ContainerView[];
  readonly volumes: readonly VolumeView[];
}

export interface PodMetaView {
  readonly name: string;
  readonly annotations: ReadonlyMap<string, string>;
  /** uid of the ownerReference with controller=true, if any. */
  readonly controllerUid: string;
}

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}
function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}
function strings(v: unknown): string[] {
  return arr(v).map(str);
}

// exactOptionalPropertyTypes: an absent field must stay absent, never `undefined`.
function defined<T extends object>(o: { [K in keyof T]-?: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

function seLinux(v: unknown): SELinuxOptions | undefined {
  const o = obj(v);
  return o === undefined ? undefined : { type: str(o['type']), user: str(o['user']), role: str(o['role']) };
}
function profile(v: unknown): { type: string } | undefined {
  const o = obj(v);
  return o === undefined ? undefined : { type: str(o['type']) };
}
function hostProcess(sc: Obj): boolean | undefined {
  const w = obj(sc['windowsOptions']);
  return w === undefined ? undefined : bool(w['hostProcess']);
}

function containerSecurityContext(v: unknown): ContainerSecurityContext | undefined {
  const sc = obj(v);
  if (sc === undefined) return undefined;
  const caps = obj(sc['capabilities']);
  return defined<ContainerSecurityContext>({
    privileged: bool(sc['privileged']),
    allowPrivilegeEscalation: bool(sc['allowPrivilegeEscalation']),
    runAsNonRoot: bool(sc['runAsNonRoot']),
    runAsUser: int(sc['runAsUser']),
    procMount: typeof sc['procMount'] === 'string' ? sc['procMount'] : undefined,
    capabilities: caps === undefined ? undefined : { add: strings(caps['add']), drop: strings(caps['drop']) },
    seLinuxOptions: seLinux(sc['seLinuxOptions']),
    seccompProfile: profile(sc['seccompProfile']),
    appArmorProfile: profile(sc['appArmorProfile']),
    hostProcess: hostProcess(sc),
  });
}

function container(v: unknown): ContainerView {
  const c = obj(v) ?? {};
  const hostPorts = arr(c['ports']).map((p) => int(obj(p)?.['hostPort']) ?? 0);
  const sc = containerSecurityContext(c['securityContext']);
  const base = { name: str(c['name']), image: str(c['image']), hostPorts };
  return sc === undefined ? base : { ...base, securityContext: sc };
}

function podSecurityContext(v: unknown): PodSecurityContext | undefined {
  const sc = obj(v);
  if (sc === undefined) return undefined;
  return defined<PodSecurityContext>({
    runAsNonRoot: bool(sc['runAsNonRoot']),
    runAsUser: int(sc['runAsUser']),
    seLinuxOptions: seLinux(sc['seLinuxOptions']),
    seccompProfile: profile(sc['seccompProfile']),
    appArmorProfile: profile(sc['appArmorProfile']),
    hostProcess: hostProcess(sc),
    sysctls: arr(sc['sysctls']).map((s) => str(obj(s)?.['name'])),
  });
}

function volume(v: unknown): VolumeView {
  const o = obj(v) ?? {};
  const sources = Object.keys(o).filter((k) => k !== 'name' && o[k] !== null && o[k] !== undefined);
  return { name: str(o['name']), sources };
}

/** Decodes a pod spec (pod.spec or a template's spec); anything not an object reads as an empty spec. */
export function toPodSpec(v: unknown): PodSpecView {
  const s = obj(v) ?? {};
  const sc = podSecurityContext(s['securityContext']);
  const view = {
    hostNetwork: bool(s['hostNetwork']) === true,
    hostPID: bool(s['hostPID']) === true,
    hostIPC: bool(s['hostIPC']) === true,
    osName: str(obj(s['os'])?.['name']),
    runtimeClassName: str(s['runtimeClassName']),
    initContainers: arr(s['initContainers']).map(container),
    containers: arr(s['containers']).map(container),
    ephemeralContainers: arr(s['ephemeralContainers']).map(container),
    volumes: arr(s['volumes']).map(volume),
  };
  return sc === undefined ? view : { ...view, securityContext: sc };
}

/** Decodes object metadata (a pod's or a template's). */
export function toPodMeta(v: unknown): PodMetaView {
  const m = obj(v) ?? {};
  const annotations = new Map<string, string>();
  const a = obj(m['annotations']);
  if (a !== undefined) for (const [k, val] of Object.entries(a)) if (typeof val === 'string') annotations.set(k, val);
  const owner = arr(m['ownerReferences']).map(obj).find((r) => r !== undefined && r['controller'] === true);
  return { name: str(m['name']), annotations, controllerUid: str(owner?.['uid']) };
}

/** Every container the kubelet would run: init, regular, then ephemeral, as kube visits them. */
export function allContainers(spec: PodSpecView): readonly ContainerView[] {
  return [...spec.initContainers, ...spec.containers, ...spec.ephemeralContainers];
}
