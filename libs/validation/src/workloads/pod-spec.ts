// ValidatePodSpec: volumes, containers, policies, scheduling fields and
// tolerations, in kube's order so multi-error messages list the same way.

import { field, isQualifiedName, isValidLabelValue, validateLabels, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { dns1123Label, dns1123Subdomain, inclusiveRangeError } from './common.ts';
import { validateContainers, validateInitContainers } from './container.ts';
import { arrAt, isSet, numAt, objAt, objectsAt, stringMapAt, strAt, type JsonObjectLike } from './json.ts';
import { validateAffinity } from './affinity.ts';
import { validatePodSecurityContext } from './security-context.ts';
import { validateVolumes } from './volumes.ts';

const MAX_INT32 = 2147483647;
export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;

function oneOf(value: string, allowed: readonly string[], path: FieldPath): FieldError[] {
  if (value === '') return [field.required(path, '')];
  return allowed.includes(value) ? [] : [field.notSupported(path, value, allowed)];
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: readonly unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const p = path.index(i);
    const key = strAt(t, 'key');
    const operator = strAt(t, 'operator');
    const value = strAt(t, 'value');
    const effect = strAt(t, 'effect');
    if (key !== '') errs.push(...isQualifiedName(key).map((m) => field.invalid(p.child('key'), key, m)));
    // An empty key matches every taint, which only makes sense with Exists.
    if (key === '' && operator !== 'Exists') {
      errs.push(field.invalid(p.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(t, 'tolerationSeconds') && effect !== 'NoExecute') {
      errs.push(field.invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(field.invalid(p.child('operator'), value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value !== '') errs.push(field.invalid(p.child('operator'), t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(field.notSupported(p.child('operator'), operator, TOLERATION_OPERATORS));
    }
    if (effect !== '' && !(TAINT_EFFECTS as readonly string[]).includes(effect)) {
      errs.push(field.notSupported(p.child('effect'), effect, TAINT_EFFECTS));
    }
  });
  return errs;
}

function validateDNSConfig(spec: JsonObjectLike, path: FieldPath): FieldError[] {
  const config = objAt(spec, 'dnsConfig');
  const errs: FieldError[] = [];
  if (strAt(spec, 'dnsPolicy') === 'None') {
    if (config === undefined) return [field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arrAt(config, 'nameservers').length === 0) {
      errs.push(field.required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
    }
  }
  if (config === undefined) return errs;
  const nameservers = arrAt(config, 'nameservers');
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(field.invalid(path.child('nameservers'), nameservers, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  }
  const searches = arrAt(config, 'searches');
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(field.invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  }
  for (const [i, option] of objectsAt(config, 'options')) {
    if (strAt(option, 'name') === '') errs.push(field.required(path.child('options').index(i), 'Option.Name must not be empty'));
  }
  return errs;
}

// With the host's network a container listens on the host directly, so a
// host port different from the container port cannot be honoured.
function validateHostNetworkPorts(spec: JsonObjectLike, path: FieldPath): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  for (const [ci, ctr] of objectsAt(spec, 'containers')) {
    for (const [pi, port] of objectsAt(ctr, 'ports')) {
      const hostPort = numAt(port, 'hostPort') ?? 0;
      if (hostPort !== 0 && hostPort !== numAt(port, 'containerPort')) {
        errs.push(field.invalid(path.child('containers').index(ci).child('ports').index(pi).child('hostPort'), hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
    }
  }
  return errs;
}

/** ValidatePodSpec (pod-level resources, topology spread, sysctls and resource claims are not checked yet). */
export function validatePodSpec(spec: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const grace = numAt(spec, 'terminationGracePeriodSeconds');
  if (grace === undefined) errs.push(field.required(path.child('terminationGracePeriodSeconds'), ''));
  const volumes = validateVolumes(spec, path.child('volumes'));
  errs.push(...volumes.errs);
  errs.push(...validateContainers(spec, volumes.names, path.child('containers'), grace));
  errs.push(...validateInitContainers(spec, volumes.names, path.child('initContainers'), grace));
  errs.push(...validateHostNetworkPorts(spec, path));
  errs.push(...oneOf(strAt(spec, 'restartPolicy'), RESTART_POLICIES, path.child('restartPolicy')));
  errs.push(...oneOf(strAt(spec, 'dnsPolicy'), DNS_POLICIES, path.child('dnsPolicy')));
  errs.push(...validateLabels(stringMapAt(spec, 'nodeSelector') ?? {}, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, path.child('securityContext')));
  errs.push(...validateAffinity(spec, path.child('affinity')));
  errs.push(...validateDNSConfig(spec, path.child('dnsConfig')));
  const serviceAccountName = strAt(spec, 'serviceAccountName');
  if (serviceAccountName !== '') errs.push(...dns1123Subdomain(serviceAccountName, path.child('serviceAccountName')));
  const nodeName = strAt(spec, 'nodeName');
  if (nodeName !== '') errs.push(...dns1123Subdomain(nodeName, path.child('nodeName')));
  const deadline = numAt(spec, 'activeDeadlineSeconds');
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(field.invalid(path.child('activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  const hostname = strAt(spec, 'hostname');
  if (hostname !== '') errs.push(...dns1123Label(hostname, path.child('hostname')));
  const subdomain = strAt(spec, 'subdomain');
  if (subdomain !== '') errs.push(...dns1123Label(subdomain, path.child('subdomain')));
  const tolerations = arrAt(spec, 'tolerations');
  if (tolerations.length > 0) errs.push(...validateTolerations(tolerations, path.child('tolerations')));
  const priorityClassName = strAt(spec, 'priorityClassName');
  if (priorityClassName !== '') errs.push(...dns1123Subdomain(priorityClassName, path.child('priorityClassName')));
  return errs;
}
