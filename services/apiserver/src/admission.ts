// --enable-admission-plugins / --disable-admission-plugins /
// --admission-control-config-file for one replica: kube's default-on set in
// kube's order, each plugin built from its library with what it reads (the
// watch caches), the configuration objects the webhook and policy plugins
// need kept as informers. Wiring only; the semantics live in the libraries.

import { randomInt, randomUUID } from 'node:crypto';
import {
  buildAdmissionPlugins, podAdmissionFactories, readAdmissionConfigFile, resolveAdmissionPlugins, serviceAccountAdmission,
  type AdmissionPluginFactory, type GroupResource, type ObjectReader,
} from '@logbook/admission';
import {
  certificateApproval, certificateSigning, certificateSubjectRestriction, defaultIngressClass, defaultStorageClass, nodeRestriction,
  persistentVolumeClaimResize, storageObjectInUseProtection, type Authorize,
} from '@logbook/admission-cluster';
import { compileMatchConditions, validatingAdmissionPolicy } from '@logbook/admission-policy';
import { mutatingWebhookAdmission, validatingWebhookAdmission } from '@logbook/admission-webhook';
import { forbidden, parseListOptions } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import { userInfo, type Authorizer } from '@logbook/authz';
import { podSecurityAdmission } from '@logbook/pod-security';
import { resourceQuotaAdmission } from '@logbook/resource-quota';
import type { Logger } from '@logbook/raft';
import type { AdmissionAttributes, AdmissionPlugin, Registry, ResourceStore } from '@logbook/registry';
import type { ResourceInfo } from '@logbook/resources';
import { Informer } from './informer.ts';
import { storeFor } from './admission-reader.ts';
import type { ApiserverConfig } from './config.ts';

const ADMISSION_REGISTRATION = 'admissionregistration.k8s.io';

/**
 * kube exempts the admission configuration objects from webhooks, so that a
 * broken webhook can always be removed.
 */
const WEBHOOK_EXEMPT = new Set(['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

/** How long the ServiceAccount plugin waits for the default account of a new namespace (kube: 10 live lookups 100-200 ms apart). */
const DEFAULT_SA_ATTEMPTS = 10;

export interface Admission {
  /** In kube's order; NamespaceLifecycle is the registry's own (see `namespaceLifecycle`). */
  readonly plugins: readonly AdmissionPlugin[];
  /** Whether NamespaceLifecycle is among the enabled plugins. */
  readonly namespaceLifecycle: boolean;
  readonly informers: readonly Informer[];
}

export interface AdmissionDeps {
  readonly registry: Registry;
  readonly reader: ObjectReader;
  readonly resources: readonly ResourceInfo[];
  /** The server's effective authorizer (CertificateApproval/Signing ask it). */
  readonly authorizer: () => Authorizer;
  readonly logger: Logger;
}

export async function buildAdmission(cfg: ApiserverConfig, deps: AdmissionDeps): Promise<Admission> {
  const names = resolveAdmissionPlugins({ enable: cfg.admission.enable, disable: cfg.admission.disable });
  const configs = cfg.admission.configFile !== undefined ? await readAdmissionConfigFile(cfg.admission.configFile) : new Map<string, unknown>();
  const { reader, registry, logger } = deps;
  const informers: Informer[] = [];
  const informer = (group: string, resource: string): Informer => {
    const store = storeFor(registry, { group, resource });
    if (store === undefined) throw new Error(`assertion failed: no store serves ${resource}.${group}`);
    const i = new Informer(store, logger);
    informers.push(i);
    return i;
  };
  let webhookConfigs: (() => { mutating: readonly KubeObject[]; validating: readonly KubeObject[] }) | undefined;
  const webhookConfigsOnce = (): (() => { mutating: readonly KubeObject[]; validating: readonly KubeObject[] }) => {
    if (webhookConfigs === undefined) {
      const m = informer(ADMISSION_REGISTRATION, 'mutatingwebhookconfigurations');
      const v = informer(ADMISSION_REGISTRATION, 'validatingwebhookconfigurations');
      webhookConfigs = () => ({ mutating: m.items(), validating: v.items() });
    }
    return webhookConfigs;
  };
  // Compiled once per webhook's conditions list: the configuration objects are the informer's, kept until they change.
  const compiled = new WeakMap<readonly { name: string; expression: string }[], ReturnType<typeof compileMatchConditions>>();
  const matchConditions = async (conditions: readonly { name: string; expression: string }[], request: unknown): Promise<boolean | Error> => {
    let run = compiled.get(conditions);
    if (run === undefined) compiled.set(conditions, (run = compileMatchConditions(conditions)));
    return run(request as Parameters<ReturnType<typeof compileMatchConditions>>[0]);
  };
  const webhookOptions = () => ({
    configs: webhookConfigsOnce(), reader, newUid: randomUUID, logger,
    // kube's default service resolver: the service's cluster DNS name (no kube-proxy here: the name must resolve from the apiserver's host).
    resolveService: (namespace: string, name: string, port: number) => new URL(`https://${name}.${namespace}.svc:${port}`),
    evaluateMatchConditions: matchConditions,
  });
  const authorize: Authorize = async (a) => {
    const d = await deps.authorizer().authorize({
      user: userInfo(a.user, { groups: [...a.groups] }), verb: a.verb, namespace: '', apiGroup: a.group, apiVersion: '*', resource: a.resource, subresource: '', name: a.name, resourceRequest: true, path: '',
    });
    return d.decision === 'Allow';
  };
  const kinds = new Map(deps.resources.map((r) => [`${r.group === '' ? r.version : `${r.group}/${r.version}`}/${r.kind}`, r] as const));
  const factories: Record<string, AdmissionPluginFactory> = {
    // The registry runs NamespaceLifecycle itself (it reads the namespaces store directly).
    ...podAdmissionFactories({ reader, randomInt: (n) => randomInt(n), tolerationSeconds: { notReadyTolerationSeconds: cfg.admission.notReadyTolerationSeconds, unreachableTolerationSeconds: cfg.admission.unreachableTolerationSeconds } }),
    ServiceAccount: () => serviceAccountAdmission({ reader: waitingForDefaultServiceAccount(reader), randomInt: (n) => randomInt(n) }),
    NodeRestriction: () => nodeRestriction({ reader }),
    DefaultStorageClass: () => defaultStorageClass({ reader }),
    DefaultIngressClass: () => defaultIngressClass({ reader }),
    StorageObjectInUseProtection: () => storageObjectInUseProtection(),
    PersistentVolumeClaimResize: () => persistentVolumeClaimResize({ reader }),
    CertificateApproval: () => certificateApproval({ authorize }),
    CertificateSigning: () => certificateSigning({ authorize }),
    CertificateSubjectRestriction: () => certificateSubjectRestriction(),
    PodSecurity: (config) => podSecurityAdmission({ reader, ...(config !== undefined ? { config } : {}) }),
    MutatingAdmissionWebhook: () => exemptConfigurations(mutatingWebhookAdmission(webhookOptions())),
    ValidatingAdmissionWebhook: () => exemptConfigurations(validatingWebhookAdmission(webhookOptions())),
    ValidatingAdmissionPolicy: () => {
      const p = informer(ADMISSION_REGISTRATION, 'validatingadmissionpolicies');
      const b = informer(ADMISSION_REGISTRATION, 'validatingadmissionpolicybindings');
      return validatingAdmissionPolicy({
        policies: () => ({ policies: p.items(), bindings: b.items() }), reader,
        resolveParamKind: (apiVersion, kind) => {
          const r = kinds.get(`${apiVersion}/${kind}`);
          return r === undefined ? undefined : { group: r.group, resource: r.plural, namespaced: r.namespaced };
        },
      });
    },
    ResourceQuota: () => resourceQuotaAdmission({ quotas: consistentQuotas(registry), quotaKey: (ns, name) => quotaStore(registry).key(ns, name), now: Date.now }),
    AlwaysAdmit: () => ({ name: 'AlwaysAdmit' }),
    AlwaysDeny: () => ({ name: 'AlwaysDeny', validate: (a) => { throw alwaysDeny(a); } }),
    // kube 1.33 registers these on by default behind feature gates that are off by default
    // (ClusterTrustBundle, PodTopologyLabelsAdmission, MutatingAdmissionPolicy): with the gates off they admit everything, as here.
    ClusterTrustBundleAttest: () => ({ name: 'ClusterTrustBundleAttest' }),
    PodTopologyLabels: () => ({ name: 'PodTopologyLabels' }),
    MutatingAdmissionPolicy: () => ({ name: 'MutatingAdmissionPolicy' }),
  };
  const enabled = names.filter((n) => n !== 'NamespaceLifecycle');
  const plugins = buildAdmissionPlugins(enabled, factories, configs);
  logger.info('admission plugins', { enabled: names.join(',') });
  return { plugins, namespaceLifecycle: names.includes('NamespaceLifecycle'), informers };
}

function exemptConfigurations(p: AdmissionPlugin): AdmissionPlugin {
  const exempt = (a: AdmissionAttributes): boolean => a.group === ADMISSION_REGISTRATION && WEBHOOK_EXEMPT.has(a.resource);
  return {
    name: p.name,
    ...(p.admit !== undefined ? { admit: (a: AdmissionAttributes, s?: AbortSignal) => (exempt(a) ? undefined : p.admit!(a, s)) } : {}),
    ...(p.validate !== undefined ? { validate: (a: AdmissionAttributes, s?: AbortSignal) => (exempt(a) ? undefined : p.validate!(a, s)) } : {}),
  };
}

/** kube's AlwaysDeny: every write is refused. */
function alwaysDeny(a: AdmissionAttributes): Error {
  return forbidden({ group: a.group, resource: a.resource }, a.name, 'admission control is denying all modifications');
}

/**
 * The default ServiceAccount of a namespace created a moment ago may not exist
 * yet (the control loop creates it): look again a few times, as kube's plugin
 * does, before the pod is refused.
 */
function waitingForDefaultServiceAccount(reader: ObjectReader): ObjectReader {
  return {
    list: (gr, ns, signal) => reader.list(gr, ns, signal),
    async get(gr: GroupResource, ns, name, signal) {
      let got = await reader.get(gr, ns, name, signal);
      if (got !== undefined || gr.group !== '' || gr.resource !== 'serviceaccounts' || name !== 'default') return got;
      for (let i = 1; i < DEFAULT_SA_ATTEMPTS && got === undefined && signal?.aborted !== true; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100 + randomInt(100)));
        got = await reader.get(gr, ns, name, signal);
      }
      return got;
    },
  };
}

const CACHED = parseListOptions(new URLSearchParams('resourceVersion=0'), { watchListEnabled: false });
const CONSISTENT = parseListOptions(new URLSearchParams(''), { watchListEnabled: false });

function quotaStore(registry: Registry): ResourceStore {
  const store = registry.lookup('', 'v1', 'resourcequotas');
  if (store === undefined) throw new Error('assertion failed: ResourceQuota admission without a resourcequotas store');
  return store;
}

/**
 * A namespace's quotas for charging: a namespace the watch cache shows with
 * none costs nothing more; otherwise they are read consistently, because the
 * charge is a compare-and-swap on exactly what was read.
 */
function consistentQuotas(registry: Registry): (namespace: string, signal?: AbortSignal) => Promise<readonly KubeObject[]> {
  return async (namespace, signal) => {
    const store = quotaStore(registry);
    const scope = { namespace, ...(signal !== undefined ? { signal } : {}) };
    const read = async (opts: typeof CACHED): Promise<KubeObject[]> => {
      const out: KubeObject[] = [];
      for await (const o of (await store.list(scope, opts)).items) out.push(o);
      return out;
    };
    if ((await read(CACHED)).length === 0) return [];
    return read(CONSISTENT);
  };
}
