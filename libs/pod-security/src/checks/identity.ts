// Restricted checks on the user a container runs as: runAsNonRoot must be
// true (at pod level or on every container) and runAsUser must not be 0.

import { allContainers } from '../pod-spec.ts';
import { type Check, type Violation, containersPhrase, setters } from './check.ts';

export const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const podValue = spec.securityContext?.runAsNonRoot;
      const explicitlyBad: string[] = [];
      const implicitlyBad: string[] = [];
      for (const c of allContainers(spec)) {
        const v = c.securityContext?.runAsNonRoot;
        if (v === false) explicitlyBad.push(c.name);
        else if (v === undefined && podValue !== true) implicitlyBad.push(c.name);
      }
      const who = setters(podValue === false, explicitlyBad);
      if (who.length > 0) {
        return { reason: 'runAsNonRoot != true', detail: `${who.join(' and ')} must not set securityContext.runAsNonRoot=false` };
      }
      if (implicitlyBad.length > 0) {
        return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true` };
      }
      return undefined;
    },
  }],
};

export const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [{
    minimumVersion: 23,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad = allContainers(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
      const who = setters(spec.securityContext?.runAsUser === 0, bad);
      if (who.length === 0) return undefined;
      return { reason: 'runAsUser=0', detail: `${who.join(' and ')} must not set runAsUser=0` };
    },
  }],
};
