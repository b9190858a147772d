// kube's core/v1 defaulting of pods and pod templates: SetDefaults_PodSpec,
// SetDefaults_Container, probes, ports, volumes and env sources, applied in
// place wherever a field is unset. Pod-only defaults (requests copied from
// limits, enableServiceLinks, hostNetwork ports) live in defaultPod, since
// kube's SetDefaults_Pod does not run on templates.

import type { JsonObject } from '../types.ts';
import { defaultPullPolicy } from './image-reference.ts';
import { ensureObj, isObject, objAt, objectsAt, setDefault, setDefaultIfZero, strAt } from './json.ts';

/** Octal 0644, the mode kube gives projected files by default. */
export const DEFAULT_FILE_MODE = 420;
const VOLUME_SOURCE_HANDLERS: Readonly<Record<string, (src: JsonObject) => void>> = {
  secret: (s) => setDefault(s, 'defaultMode', DEFAULT_FILE_MODE),
  configMap: (s) => setDefault(s, 'defaultMode', DEFAULT_FILE_MODE),
  downwardAPI: (s) => {
    setDefault(s, 'defaultMode', DEFAULT_FILE_MODE);
    for (const [, item] of objectsAt(s, 'items')) defaultFieldRef(item);
  },
  projected: (s) => {
    setDefault(s, 'defaultMode', DEFAULT_FILE_MODE);
    for (const [, p] of objectsAt(s, 'sources')) {
      for (const [, item] of objectsAt(objAt(p, 'downwardAPI'), 'items')) defaultFieldRef(item);
      const token = objAt(p, 'serviceAccountToken');
      if (token !== undefined) setDefault(token, 'expirationSeconds', 3600);
    }
  },
  hostPath: (s) => setDefault(s, 'type', ''),
  iscsi: (s) => setDefaultIfZero(s, 'iscsiInterface', 'default'),
  rbd: (s) => {
    setDefaultIfZero(s, 'pool', 'rbd');
    setDefaultIfZero(s, 'user', 'admin');
    setDefaultIfZero(s, 'keyring', '/etc/ceph/keyring');
  },
  azureDisk: (s) => {
    setDefault(s, 'cachingMode', 'ReadWrite');
    setDefault(s, 'fsType', 'ext4');
    setDefault(s, 'readOnly', false);
    setDefault(s, 'kind', 'Shared');
  },
  scaleIO: (s) => {
    setDefaultIfZero(s, 'storageMode', 'ThinProvisioned');
    setDefaultIfZero(s, 'fsType', 'xfs');
  },
  ephemeral: (s) => {
    const spec = objAt(objAt(s, 'volumeClaimTemplate'), 'spec');
    if (spec !== undefined) defaultPersistentVolumeClaimSpec(spec);
  },
};

/** The volume source fields kube knows; a volume naming none becomes an emptyDir. */
export const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

export function defaultPersistentVolumeClaimSpec(spec: JsonObject): void {
  setDefaultIfZero(spec, 'volumeMode', 'Filesystem');
}

function defaultFieldRef(holder: JsonObject): void {
  const ref = objAt(holder, 'fieldRef');
  if (ref !== undefined) setDefaultIfZero(ref, 'apiVersion', 'v1');
}

function defaultVolume(volume: JsonObject): void {
  const present = VOLUME_SOURCES.filter((k) => volume[k] !== undefined && volume[k] !== null);
  if (present.length === 0) {
    volume.emptyDir = {};
    return;
  }
  for (const k of present) {
    const src = volume[k];
    const handler = VOLUME_SOURCE_HANDLERS[k];
    if (handler !== undefined && isObject(src)) handler(src);
  }
}

function defaultHandler(handler: JsonObject | undefined): void {
  const httpGet = objAt(handler, 'httpGet');
  if (httpGet !== undefined) {
    setDefaultIfZero(httpGet, 'path', '/');
    setDefaultIfZero(httpGet, 'scheme', 'HTTP');
  }
  const grpc = objAt(handler, 'grpc');
  if (grpc !== undefined) setDefault(grpc, 'service', '');
}

function defaultProbe(probe: JsonObject | undefined): void {
  if (probe === undefined) return;
  setDefaultIfZero(probe, 'timeoutSeconds', 1);
  setDefaultIfZero(probe, 'periodSeconds', 10);
  setDefaultIfZero(probe, 'successThreshold', 1);
  setDefaultIfZero(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

/** SetDefaults_Container plus the defaults of everything a container holds. */
export function defaultContainer(ctr: JsonObject): void {
  if (strAt(ctr, 'imagePullPolicy') === '') ctr.imagePullPolicy = defaultPullPolicy(strAt(ctr, 'image'));
  setDefaultIfZero(ctr, 'terminationMessagePath', '/dev/termination-log');
  setDefaultIfZero(ctr, 'terminationMessagePolicy', 'File');
  for (const [, port] of objectsAt(ctr, 'ports')) setDefaultIfZero(port, 'protocol', 'TCP');
  for (const [, env] of objectsAt(ctr, 'env')) defaultFieldRef(objAt(env, 'valueFrom') ?? {});
  defaultProbe(objAt(ctr, 'livenessProbe'));
  defaultProbe(objAt(ctr, 'readinessProbe'));
  defaultProbe(objAt(ctr, 'startupProbe'));
  const lifecycle = objAt(ctr, 'lifecycle');
  defaultHandler(objAt(lifecycle, 'postStart'));
  defaultHandler(objAt(lifecycle, 'preStop'));
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** SetDefaults_PodSpec and everything nested in a pod spec. */
export function defaultPodSpec(spec: JsonObject): void {
  setDefaultIfZero(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultIfZero(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefaultIfZero(spec, 'schedulerName', 'default-scheduler');
  for (const list of CONTAINER_LISTS) for (const [, ctr] of objectsAt(spec, list)) defaultContainer(ctr);
  for (const [, volume] of objectsAt(spec, 'volumes')) defaultVolume(volume);
}

/** A pod template (`spec.template` of the workloads, PodTemplate's `template`). */
export function defaultPodTemplateSpec(template: JsonObject | undefined): void {
  if (template === undefined) return;
  defaultPodSpec(ensureObj(template, 'spec'));
}

/** SetDefaults_Pod: the pod spec's defaults plus those kube applies to pods only. */
export function defaultPod(pod: JsonObject): void {
  const spec = ensureObj(pod, 'spec');
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers'] as const) {
    for (const [, ctr] of objectsAt(spec, list)) {
      copyLimitsToRequests(ctr);
      if (hostNetwork) {
        // With the host's network a container port is a host port; kube makes that explicit.
        for (const [, port] of objectsAt(ctr, 'ports')) setDefaultIfZero(port, 'hostPort', port.containerPort);
      }
    }
  }
}

// A limit without a request means "request exactly the limit"; kube writes
// that down on the pod so the scheduler sees it.
function copyLimitsToRequests(ctr: JsonObject): void {
  const resources = objAt(ctr, 'resources');
  const limits = objAt(resources, 'limits');
  if (resources === undefined || limits === undefined || Object.keys(limits).length === 0) return;
  const requests = ensureObj(resources, 'requests');
  for (const [k, v] of Object.entries(limits)) setDefault(requests, k, v);
}
