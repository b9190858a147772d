// kube-apiserver 1.33's admission plugins as data: the one order they run
// in, whatever order the flags name them, and the set that is on unless
// disabled (upstream: AllOrderedPlugins and the complement of
// DefaultOffAdmissionPlugins in pkg/kubeapiserver/options/plugins.go).

import { goQuote } from '@logbook/apimachinery';
import { AdmissionConfigError } from './errors.ts';

/** Every plugin kube-apiserver 1.33 registers, in execution order. */
export const ALL_ORDERED_PLUGINS = [
  'AlwaysAdmit',
  'NamespaceAutoProvision',
  'NamespaceLifecycle',
  'NamespaceExists',
  'LimitPodHardAntiAffinityTopology',
  'LimitRanger',
  'ServiceAccount',
  'NodeRestriction',
  'TaintNodesByCondition',
  'AlwaysPullImages',
  'ImagePolicyWebhook',
  'PodSecurity',
  'PodNodeSelector',
  'Priority',
  'DefaultTolerationSeconds',
  'PodTolerationRestriction',
  'EventRateLimit',
  'ExtendedResourceToleration',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'OwnerReferencesPermissionEnforcement',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'DenyServiceExternalIPs',
  'PodTopologyLabels',
  // Webhooks, policies, quota and AlwaysDeny stay last: they must see the
  // object as every built-in mutation left it.
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
  'AlwaysDeny',
] as const;

export type AdmissionPluginName = (typeof ALL_ORDERED_PLUGINS)[number];

/** The plugins on when neither --enable- nor --disable-admission-plugins names them. */
export const DEFAULT_ON_PLUGINS: ReadonlySet<AdmissionPluginName> = new Set<AdmissionPluginName>([
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'DefaultStorageClass',
  'PersistentVolumeClaimResize',
  'DefaultTolerationSeconds',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
  'StorageObjectInUseProtection',
  'Priority',
  'TaintNodesByCondition',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'PodSecurity',
  'PodTopologyLabels',
  'MutatingAdmissionPolicy',
  'ValidatingAdmissionPolicy',
]);

/** The plugins off unless enabled (kube's DefaultOffAdmissionPlugins), in execution order. */
export const DEFAULT_OFF_PLUGINS: readonly AdmissionPluginName[] = ALL_ORDERED_PLUGINS.filter((p) => !DEFAULT_ON_PLUGINS.has(p));

const KNOWN: ReadonlySet<string> = new Set(ALL_ORDERED_PLUGINS);

export function isAdmissionPluginName(name: string): name is AdmissionPluginName {
  return KNOWN.has(name);
}

export interface AdmissionPluginFlags {
  /** --enable-admission-plugins, as given. */
  readonly enable: readonly string[];
  /** --disable-admission-plugins, as given. */
  readonly disable: readonly string[];
}

/**
 * The plugins to run: the default-on set plus `enable` minus `disable`, in
 * the canonical order (flag order never matters). Every problem is reported
 * at once, each in kube-apiserver's words, joined by newlines; `code` is the
 * first problem's.
 */
export function resolveAdmissionPlugins(flags: AdmissionPluginFlags): AdmissionPluginName[] {
  const problems: Array<{ code: 'UnknownPlugin' | 'EnabledAndDisabled'; message: string }> = [];
  for (const name of flags.enable) {
    if (!KNOWN.has(name)) problems.push({ code: 'UnknownPlugin', message: `enable-admission-plugins plugin ${goQuote(name)} is unknown` });
  }
  for (const name of flags.disable) {
    if (!KNOWN.has(name)) problems.push({ code: 'UnknownPlugin', message: `disable-admission-plugins plugin ${goQuote(name)} is unknown` });
  }
  const disabled = new Set(flags.disable);
  // Go prints the overlap as a sorted set: `[A B] in ... overlapped`.
  const both = [...new Set(flags.enable.filter((n) => disabled.has(n)))].sort();
  if (both.length > 0) {
    problems.push({ code: 'EnabledAndDisabled', message: `[${both.join(' ')}] in enable-admission-plugins and disable-admission-plugins overlapped` });
  }
  const first = problems[0];
  if (first !== undefined) throw new AdmissionConfigError(first.code, problems.map((p) => p.message).join('\n'));
  const enabled = new Set(flags.enable);
  return ALL_ORDERED_PLUGINS.filter((p) => (DEFAULT_ON_PLUGINS.has(p) || enabled.has(p)) && !disabled.has(p));
}
