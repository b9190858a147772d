// Which pod updates PodSecurity re-evaluates. The only pod-spec fields an
// update may change that the checks could care about are container images
// and added ephemeral containers (kube's rule); metadata-only and status-like
// updates pass untouched, so a pod admitted under an older policy can still
// be labelled or annotated.

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}
function list(v: unknown): readonly Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

function changedImages(a: readonly Obj[], b: readonly Obj[]): boolean {
  if (a.length !== b.length) return true;
  return a.some((c, i) => c['image'] !== b[i]?.['image']);
}

export function isSignificantPodUpdate(spec: unknown, oldSpec: unknown): boolean {
  const s = obj(spec);
  const o = obj(oldSpec);
  if (changedImages(list(s['containers']), list(o['containers']))) return true;
  if (changedImages(list(s['initContainers']), list(o['initContainers']))) return true;
  const oldEphemeral = list(o['ephemeralContainers']);
  for (const c of list(s['ephemeralContainers'])) {
    const before = oldEphemeral.find((x) => x['name'] === c['name']);
    if (before === undefined || before['image'] !== c['image']) return true;
  }
  return false;
}
