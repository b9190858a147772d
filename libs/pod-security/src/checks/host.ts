// Baseline checks on sharing the host: Windows HostProcess, host
// namespaces and host ports.

import { allContainers } from '../pod-spec.ts';
import { type Check, type Violation, joinQuote, pluralize, setters, sortedSet } from './check.ts';

export const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad = allContainers(spec).filter((c) => c.securityContext?.hostProcess === true).map((c) => c.name);
      const who = setters(spec.securityContext?.hostProcess === true, bad);
      if (who.length === 0) return undefined;
      return { reason: 'hostProcess', detail: `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` };
    },
  }],
};

export const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const set: string[] = [];
      if (spec.hostNetwork) set.push('hostNetwork=true');
      if (spec.hostPID) set.push('hostPID=true');
      if (spec.hostIPC) set.push('hostIPC=true');
      return set.length === 0 ? undefined : { reason: 'host namespaces', detail: set.join(', ') };
    },
  }],
};

export const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad: string[] = [];
      const ports: string[] = [];
      for (const c of allContainers(spec)) {
        const used = c.hostPorts.filter((p) => p !== 0);
        if (used.length === 0) continue;
        bad.push(c.name);
        ports.push(...used.map(String));
      }
      if (bad.length === 0) return undefined;
      // kube sorts the ports as strings ("10000" before "8080"); so do we.
      const list = sortedSet(ports);
      return {
        reason: 'hostPort',
        detail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
      };
    },
  }],
};
