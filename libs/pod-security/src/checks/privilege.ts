// Checks on what a container may do as root: privileged mode, added
// capabilities (baseline: the container runtime's default set; restricted:
// drop ALL, add at most NET_BIND_SERVICE) and privilege escalation.

import { allContainers, type PodSpecView } from '../pod-spec.ts';
import { type Check, type Violation, containersPhrase, exemptWindows, joinQuote, sortedSet } from './check.ts';

export const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad = allContainers(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
      if (bad.length === 0) return undefined;
      return { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
    },
  }],
};

const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

export const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad: string[] = [];
      const caps: string[] = [];
      for (const c of allContainers(spec)) {
        const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !DEFAULT_CAPABILITIES.has(cap));
        if (extra.length === 0) continue;
        bad.push(c.name);
        caps.push(...extra);
      }
      if (bad.length === 0) return undefined;
      return {
        reason: 'non-default capabilities',
        detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
      };
    },
  }],
};

function capabilitiesRestricted(_meta: unknown, spec: PodSpecView): Violation | undefined {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  for (const c of allContainers(spec)) {
    const caps = c.securityContext?.capabilities;
    if (caps === undefined) {
      missingDropAll.push(c.name);
      continue;
    }
    if (!caps.drop.includes('ALL')) missingDropAll.push(c.name);
    const extra = caps.add.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      addingForbidden.push(c.name);
      forbidden.push(...extra);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0) {
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`);
  }
  return details.length === 0 ? undefined : { reason: 'unrestricted capabilities', detail: details.join('; ') };
}

export const capabilitiesRestrictedCheck: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 22, checkPod: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
    { minimumVersion: 25, checkPod: exemptWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
  ],
};

function allowPrivilegeEscalation(_meta: unknown, spec: PodSpecView): Violation | undefined {
  const bad = allContainers(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
  if (bad.length === 0) return undefined;
  return { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` };
}

export const allowPrivilegeEscalationCheck: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: 8, checkPod: allowPrivilegeEscalation },
    { minimumVersion: 25, checkPod: exemptWindows(allowPrivilegeEscalation) },
  ],
};
