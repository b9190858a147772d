// networking.k8s.io/v1 Ingress: kube's ValidateIngressCreate / Update.
// Ingress has no defaults in v1.

import { field, FieldPath, isDNS1123Subdomain, regexError, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { arr, isObject, num, obj, s, str, stringMap, strings } from './json.ts';
import { parseIP } from './ip.ts';
import { checkName, isDNS1035Label, isValidPathSegmentName } from './names.ts';
import { invalidRendered } from './go-render.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { isValidPortName, isValidPortNum } from './ports.ts';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'] as const;
const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'] as const;
const INVALID_SUFFIXES = ['/..', '/.'] as const;
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const WILDCARD_FMT = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_RE = new RegExp(`^${WILDCARD_FMT}$`);
const WILDCARD_ERR = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!WILDCARD_RE.test(value)) errs.push(regexError(WILDCARD_ERR, WILDCARD_FMT, '*.example.com'));
  return errs;
}

function hostErrors(host: string): string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

function validateBackend(backend: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const resource = obj(backend['resource']);
  const service = obj(backend['service']);
  if (resource !== undefined && service !== undefined) return [field.invalid(path, '', 'cannot set both resource and service backends')];
  if (resource !== undefined) {
    const rp = path.child('resource');
    const apiGroup = str(resource['apiGroup']);
    if (apiGroup !== undefined) for (const m of isDNS1123Subdomain(apiGroup)) errs.push(field.invalid(rp.child('apiGroup'), apiGroup, m));
    for (const key of ['kind', 'name'] as const) {
      const v = s(resource[key]);
      if (v.length === 0) errs.push(field.required(rp.child(key), `${key} is required`));
      else for (const m of isValidPathSegmentName(v, false)) errs.push(field.invalid(rp.child(key), v, m));
    }
    return errs;
  }
  if (service === undefined) return [field.invalid(path, '', 'resource or service backend is required')];
  const name = s(service['name']);
  if (name.length === 0) errs.push(field.required(path.child('service', 'name')));
  else for (const m of isDNS1035Label(name)) errs.push(field.invalid(path.child('service', 'name'), name, m));
  const port = obj(service['port']) ?? {};
  const portName = s(port['name']);
  const portNumber = num(port['number']) ?? 0;
  if (portName.length > 0 && portNumber !== 0) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName.length > 0) for (const m of isValidPortName(portName)) errs.push(field.invalid(path.child('service', 'port', 'name'), portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(field.invalid(path.child('service', 'port', 'number'), portNumber, m));
  else errs.push(field.required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: JsonObject, path: FieldPath): FieldError[] {
  const pathType = str(p['pathType']);
  if (pathType === undefined) return [field.required(path.child('pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const value = s(p['path']);
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(field.invalid(path.child('path'), value, 'must be an absolute path'));
    for (const seq of INVALID_SEQUENCES) if (value.includes(seq)) errs.push(field.invalid(path.child('path'), value, `must not contain '${seq}'`));
    for (const suf of INVALID_SUFFIXES) if (value.endsWith(suf)) errs.push(field.invalid(path.child('path'), value, `cannot end with '${suf}'`));
  } else if (pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.push(field.invalid(path.child('path'), value, 'must be an absolute path'));
  } else {
    errs.push(field.notSupported(path.child('pathType'), pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(obj(p['backend']) ?? {}, path.child('backend')));
  return errs;
}

function validateRules(rules: readonly unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((raw, i) => {
    const rule = isObject(raw) ? raw : {};
    const host = s(rule['host']);
    if (host.length > 0) {
      if (parseIP(host) !== undefined) errs.push(field.invalid(path.index(i).child('host'), host, 'must be a DNS name, not an IP address'));
      for (const m of hostErrors(host)) errs.push(field.invalid(path.index(i).child('host'), host, m));
    }
    const http = obj(rule['http']);
    if (http !== undefined) {
      const paths = arr(http['paths']);
      if (paths.length === 0) errs.push(field.required(path.index(i).child('http', 'paths')));
      paths.forEach((p, j) => errs.push(...validatePath(isObject(p) ? p : {}, path.index(i).child('http', 'paths').index(j))));
    }
  });
  return errs;
}

function validateSpec(spec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = FieldPath.root('spec');
  const rules = arr(spec['rules']);
  const defaultBackend = obj(spec['defaultBackend']);
  if (rules.length === 0 && defaultBackend === undefined) {
    // Go prints the rules slice: nil when absent, empty when sent as [].
    const shown = Array.isArray(spec['rules']) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)';
    errs.push(invalidRendered(path, shown, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (defaultBackend !== undefined) errs.push(...validateBackend(defaultBackend, path.child('defaultBackend')));
  if (rules.length > 0) errs.push(...validateRules(rules, path.child('rules')));
  arr(spec['tls']).forEach((raw, t) => {
    const tls = isObject(raw) ? raw : {};
    strings(tls['hosts']).forEach((host, i) => {
      for (const m of hostErrors(host)) errs.push(field.invalid(path.child('tls').index(t).child('hosts').index(i), host, m));
    });
    const secretName = s(tls['secretName']);
    if (secretName.length > 0) for (const m of checkName('subdomain', secretName, false)) errs.push(field.invalid(path.child('tls').index(t).child('secretName'), secretName, m));
  });
  const className = str(spec['ingressClassName']);
  if (className !== undefined) for (const m of checkName('subdomain', className, false)) errs.push(field.invalid(path.child('ingressClassName'), className, m));
  return errs;
}

export function validateIngress(ing: JsonObject): FieldError[] {
  return [...validateObjectMeta(ing['metadata'], { namespaced: true, nameRule: 'subdomain' }), ...validateSpec(obj(ing['spec']) ?? {})];
}

export function validateIngressCreate(ing: JsonObject): FieldError[] {
  const errs = validateIngress(ing);
  const annotation = stringMap(obj(ing['metadata'])?.['annotations'])[CLASS_ANNOTATION];
  const className = str(obj(ing['spec'])?.['ingressClassName']);
  if (annotation !== undefined && className !== undefined && annotation !== className) {
    errs.push(field.invalid(FieldPath.root('annotations').child(CLASS_ANNOTATION), annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

export const INGRESS_RULES: KindRules = {
  validateCreate: validateIngressCreate,
  validateUpdate: (ing, old) => [...validateObjectMetaUpdate(ing['metadata'], old['metadata']), ...validateIngress(ing)],
  validateStatusUpdate: (ing, old) => validateObjectMetaUpdate(ing['metadata'], old['metadata']),
};
