// Checks on volume sources: baseline forbids hostPath; restricted allows
// only the listed inline sources (and replaces the baseline check).

import { type Check, type Violation, joinQuote, pluralize, sortedSet } from './check.ts';

export const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{
    minimumVersion: 0,
    checkPod: (_meta, spec): Violation | undefined => {
      const bad = spec.volumes.filter((v) => v.sources.includes('hostPath')).map((v) => v.name);
      if (bad.length === 0) return undefined;
      return { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` };
    },
  }],
};

const ALLOWED_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
]);

// The order kube tests the restricted sources in: a volume naming several
// (which validation refuses anyway) is reported by the first.
const RESTRICTED_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume',
  'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'storageos',
] as const;

export const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{
    minimumVersion: 0,
    overrides: ['hostPathVolumes'],
    checkPod: (_meta, spec): Violation | undefined => {
      const bad: string[] = [];
      const types: string[] = [];
      for (const v of spec.volumes) {
        if (v.sources.some((s) => ALLOWED_SOURCES.has(s))) continue;
        bad.push(v.name);
        types.push(RESTRICTED_SOURCES.find((s) => v.sources.includes(s)) ?? 'unknown');
      }
      if (bad.length === 0) return undefined;
      const list = sortedSet(types);
      return {
        reason: 'restricted volume types',
        detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
      };
    },
  }],
};
