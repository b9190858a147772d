// Baseline checks on the kernel security profiles a pod may choose:
// AppArmor (field and beta annotations), SELinux options and /proc mount.

import { goQuote } from '@logbook/apimachinery';
import { allContainers, type PodMetaView, type PodSpecView, type SELinuxOptions } from '../pod-spec.ts';
import { type Check, type Violation, containersPhrase, joinQuote, pluralize, setters, sortedSet } from './check.ts';

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorProfile(meta: PodMetaView, spec: PodSpecView): Violation | undefined {
  const allowedType = (t: string): boolean => t === 'RuntimeDefault' || t === 'Localhost';
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  const podBad = podProfile !== undefined && !allowedType(podProfile.type);
  if (podBad) badValues.push(podProfile.type);
  const badContainers: string[] = [];
  for (const c of allContainers(spec)) {
    const p = c.securityContext?.appArmorProfile;
    if (p !== undefined && !allowedType(p.type)) {
      badContainers.push(c.name);
      badValues.push(p.type);
    }
  }
  const who = setters(podBad, badContainers);
  const annotations: string[] = [];
  for (const [k, v] of meta.annotations) {
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/'))) {
      annotations.push(`${k}=${goQuote(v)}`);
    }
  }
  // Field values first (sorted, de-duplicated), then the annotations (sorted).
  const list = [...sortedSet(badValues), ...annotations.sort()];
  if (annotations.length > 0) who.push(pluralize('annotation', 'annotations', annotations.length));
  if (who.length === 0) return undefined;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
    detail: `${who.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
  };
}

export const appArmor: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: appArmorProfile }],
};

function seLinuxOptions(allowedTypes: ReadonlySet<string>) {
  return (_meta: PodMetaView, spec: PodSpecView): Violation | undefined => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (o: SELinuxOptions): boolean => {
      let ok = true;
      if (!allowedTypes.has(o.type)) {
        ok = false;
        badTypes.push(o.type);
      }
      if (o.user !== '') {
        ok = false;
        setUser = true;
      }
      if (o.role !== '') {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const podOpts = spec.securityContext?.seLinuxOptions;
    const podBad = podOpts !== undefined && !valid(podOpts);
    const bad: string[] = [];
    for (const c of allContainers(spec)) {
      const o = c.securityContext?.seLinuxOptions;
      if (o !== undefined && !valid(o)) bad.push(c.name);
    }
    const who = setters(podBad, bad);
    if (who.length === 0) return undefined;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return { reason: 'seLinuxOptions', detail: `${who.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  };
}

const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

export const seLinux: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: seLinuxOptions(SELINUX_TYPES_1_0) },
    { minimumVersion: 31, checkPod: seLinuxOptions(SELINUX_TYPES_1_31) },
  ],
};

export const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad: string[] = [];
      const types: string[] = [];
      for (const c of allContainers(spec)) {
        const pm = c.securityContext?.procMount;
        if (pm !== undefined && pm !== 'Default') {
          bad.push(c.name);
          types.push(pm);
        }
      }
      if (bad.length === 0) return undefined;
      return { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` };
    },
  }],
};
