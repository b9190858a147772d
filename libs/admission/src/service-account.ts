// ServiceAccount: every pod runs as a service account that exists
// (`default` unless named), gets that account's API credentials as a
// projected volume mounted in each container, and — when the account
// enforces it — may reference only the secrets the account lists. Mirror
// pods (static pods the kubelet reports) are left untouched but may not
// reference accounts or secrets at all. kube 1.33 semantics: pods are
// mutated and checked on create; an ephemeral-container update is checked
// against the account's secrets.

import { generateName, goQuote, type RandomInt } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import type { ObjectReader } from './reader.ts';
import { admissionForbidden } from './refusal.ts';
import { annotationsOf, isObject, objectField, objectList, stringField, type JsonObject } from './object-fields.ts';
import { forEachPodSecret } from './pod-secrets.ts';

export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';
export const SERVICE_ACCOUNT_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = 'kubernetes.io/enforce-mountable-secrets';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** A bound token lives an hour; 3607 tells the token issuer this pod's kubelet refreshes it (kube's warn-only marker). */
export const BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
const SERVICE_ACCOUNTS = { group: '', resource: 'serviceaccounts' } as const;

export interface ServiceAccountAdmissionOptions {
  readonly reader: ObjectReader;
  /** Picks the volume-name suffix; an integer in [0, max). */
  readonly randomInt: RandomInt;
  /** kube's LimitSecretReferences: enforce mountable secrets for every account, annotated or not. */
  readonly limitSecretReferences?: boolean;
  /** kube's MountServiceAccountToken (on in kube-apiserver). */
  readonly mountServiceAccountToken?: boolean;
}

/** The projected volume kube 1.33 adds for a pod's service account credentials. */
export function tokenVolume(name: string): JsonObject {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: BOUND_TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

function isPodWrite(attrs: AdmissionAttributes): boolean {
  return attrs.group === '' && attrs.resource === 'pods' && isObject(attrs.object.spec);
}

function isMirrorPod(pod: JsonObject): boolean {
  return Object.hasOwn(annotationsOf(pod), MIRROR_POD_ANNOTATION);
}

export function serviceAccountAdmission(options: ServiceAccountAdmissionOptions): AdmissionPlugin {
  const { reader, randomInt } = options;
  const limitAll = options.limitSecretReferences ?? false;
  const mountToken = options.mountServiceAccountToken ?? true;

  async function lookUp(attrs: AdmissionAttributes, name: string, signal: AbortSignal | undefined): Promise<KubeObject> {
    const sa = await reader.get(SERVICE_ACCOUNTS, attrs.namespace, name, signal);
    if (sa === undefined) {
      throw admissionForbidden(attrs, `error looking up service account ${attrs.namespace}/${name}: serviceaccount ${goQuote(name)} not found`);
    }
    return sa;
  }

  function enforces(sa: KubeObject): boolean {
    if (limitAll) return true;
    const v = sa.metadata.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION];
    return v !== undefined && parseGoBool(v) === true;
  }

  async function validate(attrs: AdmissionAttributes, signal: AbortSignal | undefined): Promise<void> {
    if (!isPodWrite(attrs)) return;
    const pod = attrs.object as JsonObject;
    const spec = objectField(pod, 'spec') ?? {};
    if (attrs.operation === 'UPDATE' && attrs.subresource === 'ephemeralcontainers') {
      const saName = stringField(spec, 'serviceAccountName') ?? '';
      if (saName === '') return;
      const sa = await lookUp(attrs, saName, signal);
      if (!enforces(sa)) return;
      const reason = unlistedSecretInContainers(sa, objectList(spec, 'ephemeralContainers'), 'ephemeral container');
      if (reason !== undefined) throw admissionForbidden(attrs, reason);
      return;
    }
    if (attrs.operation !== 'CREATE' || attrs.subresource !== '') return;
    if (isMirrorPod(pod)) {
      validateMirrorPod(attrs, spec);
      return;
    }
    const saName = stringField(spec, 'serviceAccountName') ?? '';
    if (saName === '') throw admissionForbidden(attrs, `no service account specified for pod ${attrs.namespace}/${stringField(objectField(pod, 'metadata'), 'name') ?? ''}`);
    const sa = await lookUp(attrs, saName, signal);
    if (enforces(sa)) {
      const reason = unlistedSecret(sa, spec);
      if (reason !== undefined) throw admissionForbidden(attrs, reason);
    }
  }

  return {
    name: 'ServiceAccount',
    async admit(attrs, signal) {
      if (!isPodWrite(attrs) || attrs.operation !== 'CREATE' || attrs.subresource !== '') return;
      const pod = attrs.object as JsonObject;
      const spec = objectField(pod, 'spec');
      // The kubelet deletes a mirror pod whose spec differs from its file, so it is never changed.
      if (spec === undefined || isMirrorPod(pod)) return;
      if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '') spec.serviceAccountName = DEFAULT_SERVICE_ACCOUNT_NAME;
      const sa = await lookUp(attrs, spec.serviceAccountName as string, signal);
      if (mountToken && shouldAutomount(sa, spec)) mountTokenVolume(spec, randomInt);
      const pullSecrets = spec.imagePullSecrets;
      if (!Array.isArray(pullSecrets) || pullSecrets.length === 0) {
        const fromAccount = objectList(sa as JsonObject, 'imagePullSecrets').map((r) => ({ name: stringField(r, 'name') ?? '' }));
        if (fromAccount.length > 0) spec.imagePullSecrets = fromAccount;
      }
    },
    validate,
  };
}

function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

// The pod's choice wins, then the account's; kube mounts by default.
function shouldAutomount(sa: KubeObject, spec: JsonObject): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === 'boolean') return sa.automountServiceAccountToken;
  return true;
}

function mountTokenVolume(spec: JsonObject, randomInt: RandomInt): void {
  const volumes = objectList(spec, 'volumes');
  const existing = volumes.find((v) => (stringField(v, 'name') ?? '').startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const volumeName = existing !== undefined ? (stringField(existing, 'name') ?? '') : generateName(SERVICE_ACCOUNT_VOLUME_PREFIX, randomInt);
  let mounted = false;
  // Init containers first, then containers, as kube appends them; ephemeral containers are never given the token.
  for (const key of ['initContainers', 'containers'] as const) {
    for (const c of objectList(spec, key)) {
      const mounts = c.volumeMounts;
      if (mounts !== undefined && mounts !== null && !Array.isArray(mounts)) continue;
      const list = (mounts ?? []) as unknown[];
      // A container that mounts something at the token path keeps its own.
      if (list.some((m) => isObject(m) && m.mountPath === SERVICE_ACCOUNT_TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...list, { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_TOKEN_MOUNT_PATH }];
      mounted = true;
    }
  }
  if (mounted && existing === undefined) {
    const current = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
    spec.volumes = [...current, tokenVolume(volumeName)];
  }
}

function validateMirrorPod(attrs: AdmissionAttributes, spec: JsonObject): void {
  if ((stringField(spec, 'serviceAccountName') ?? '') !== '') throw admissionForbidden(attrs, 'a mirror pod may not reference service accounts');
  let hasSecrets = false;
  forEachPodSecret(spec, () => {
    hasSecrets = true;
    return false;
  });
  if (hasSecrets) throw admissionForbidden(attrs, 'a mirror pod may not reference secrets');
  for (const v of objectList(spec, 'volumes')) {
    for (const source of objectList(objectField(v, 'projected'), 'sources')) {
      if (isObject(source.serviceAccountToken)) throw admissionForbidden(attrs, 'a mirror pod may not use ServiceAccountToken volume projections');
    }
  }
}

function names(list: readonly JsonObject[]): Set<string> {
  return new Set(list.map((r) => stringField(r, 'name') ?? ''));
}

function unlistedSecret(sa: KubeObject, spec: JsonObject): string | undefined {
  const saName = sa.metadata.name ?? '';
  const mountable = names(objectList(sa, 'secrets'));
  for (const v of objectList(spec, 'volumes')) {
    const secretName = stringField(objectField(v, 'secret'), 'secretName');
    if (secretName !== undefined && !mountable.has(secretName)) {
      return `volume with secret.secretName="${secretName}" is not allowed because service account ${saName} does not reference that secret`;
    }
  }
  const reason = unlistedSecretInContainers(sa, objectList(spec, 'initContainers'), 'init container') ?? unlistedSecretInContainers(sa, objectList(spec, 'containers'), 'container');
  if (reason !== undefined) return reason;
  const pullable = names(objectList(sa, 'imagePullSecrets'));
  for (const [i, ref] of objectList(spec, 'imagePullSecrets').entries()) {
    const name = stringField(ref, 'name') ?? '';
    if (!pullable.has(name)) return `imagePullSecrets[${i}].name="${name}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
  }
  return undefined;
}

function unlistedSecretInContainers(sa: KubeObject, containers: readonly JsonObject[], label: string): string | undefined {
  const saName = sa.metadata.name ?? '';
  const mountable = names(objectList(sa, 'secrets'));
  for (const c of containers) {
    const cName = stringField(c, 'name') ?? '';
    for (const env of objectList(c, 'env')) {
      const ref = stringField(objectField(objectField(env, 'valueFrom'), 'secretKeyRef'), 'name');
      if (ref !== undefined && !mountable.has(ref)) {
        return `${label} ${cName} with envVar ${stringField(env, 'name') ?? ''} referencing secret.secretName="${ref}" is not allowed because service account ${saName} does not reference that secret`;
      }
    }
    for (const envFrom of objectList(c, 'envFrom')) {
      const ref = stringField(objectField(envFrom, 'secretRef'), 'name');
      if (ref !== undefined && !mountable.has(ref)) {
        return `${label} ${cName} with envFrom referencing secret.secretName="${ref}" is not allowed because service account ${saName} does not reference that secret`;
      }
    }
  }
  return undefined;
}
