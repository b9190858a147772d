// Seccomp. Baseline: before v1.19 the alpha annotations, from v1.19 the
// securityContext field, may name only RuntimeDefault or Localhost.
// Restricted (v1.19+, replacing baseline): every container must end up with
// one of those two, from its own securityContext or the pod's.

import { allContainers, type PodMetaView, type PodSpecView } from '../pod-spec.ts';
import { type Check, type Violation, containersPhrase, exemptWindows, joinQuote, pluralize, setters, sortedSet } from './check.ts';
import { goQuote } from '@logbook/apimachinery';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validType(t: string): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

function validAnnotation(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

function baselineAnnotations(meta: PodMetaView, spec: PodSpecView): Violation | undefined {
  const forbidden: string[] = [];
  const keys = [POD_ANNOTATION, ...allContainers(spec).map((c) => CONTAINER_ANNOTATION_PREFIX + c.name)];
  for (const key of keys) {
    const v = meta.annotations.get(key);
    if (v !== undefined && !validAnnotation(v)) forbidden.push(`${key}=${goQuote(v)}`);
  }
  if (forbidden.length === 0) return undefined;
  const list = sortedSet(forbidden);
  return { reason: 'seccompProfile', detail: `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}` };
}

/** Explicitly bad settings (pod or containers); also returns the containers left unset when the pod sets nothing valid. */
function scan(spec: PodSpecView): { explicit: Violation | undefined; implicitlyBad: string[] } {
  const badValues: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  const podBad = podProfile !== undefined && !validType(podProfile.type);
  if (podBad) badValues.push(podProfile.type);
  const podValid = podProfile !== undefined && !podBad;
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  for (const c of allContainers(spec)) {
    const p = c.securityContext?.seccompProfile;
    if (p === undefined) {
      if (!podValid) implicitlyBad.push(c.name);
    } else if (!validType(p.type)) {
      explicitlyBad.push(c.name);
      badValues.push(p.type);
    }
  }
  const who = setters(podBad, explicitlyBad);
  const explicit = who.length === 0 ? undefined : {
    reason: 'seccompProfile',
    detail: `${who.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
  };
  return { explicit, implicitlyBad };
}

function baselineField(_meta: PodMetaView, spec: PodSpecView): Violation | undefined {
  return scan(spec).explicit;
}

function restricted(_meta: PodMetaView, spec: PodSpecView): Violation | undefined {
  const { explicit, implicitlyBad } = scan(spec);
  if (explicit !== undefined) return explicit;
  if (implicitlyBad.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  };
}

export const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: baselineAnnotations },
    { minimumVersion: 19, checkPod: baselineField },
  ],
};

export const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 19, checkPod: restricted, overrides: ['seccompProfile_baseline'] },
    { minimumVersion: 25, checkPod: exemptWindows(restricted), overrides: ['seccompProfile_baseline'] },
  ],
};
