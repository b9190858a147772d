// rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding,
// ClusterRoleBinding — kube's defaults (roleRef and subject apiGroups) and
// pkg/apis/rbac/validation rules.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { arr, isObject, jsonEqual, obj, s, strings } from './json.ts';
import { goSlice, invalidRendered } from './go-render.ts';
import { checkName } from './names.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validatePolicyRule(rule: JsonObject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (strings(rule['verbs']).length === 0) errs.push(field.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = strings(rule['nonResourceURLs']);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRendered(path.child('nonResourceURLs'), goSlice(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule['apiGroups']).length > 0 || arr(rule['resources']).length > 0 || arr(rule['resourceNames']).length > 0) {
      errs.push(invalidRendered(path.child('nonResourceURLs'), goSlice(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (arr(rule['apiGroups']).length === 0) errs.push(field.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule['resources']).length === 0) errs.push(field.required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(role: JsonObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(role['rules']).forEach((r, i) => errs.push(...validatePolicyRule(isObject(r) ? r : {}, namespaced, FieldPath.root('rules').index(i))));
  return errs;
}

export function validateRole(role: JsonObject): FieldError[] {
  return [...validateObjectMeta(role['metadata'], { namespaced: true, nameRule: 'path-segment' }), ...validateRules(role, true)];
}

export function validateClusterRole(role: JsonObject): FieldError[] {
  const errs = [...validateObjectMeta(role['metadata'], { namespaced: false, nameRule: 'path-segment' }), ...validateRules(role, false)];
  const aggregation = obj(role['aggregationRule']);
  if (aggregation !== undefined && arr(aggregation['clusterRoleSelectors']).length === 0) {
    errs.push(field.required(FieldPath.root('aggregationRule', 'clusterRoleSelectors'), 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  }
  return errs;
}

function validateSubject(subject: JsonObject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = s(subject['name']);
  const apiGroup = s(subject['apiGroup']);
  const kind = s(subject['kind']);
  if (name.length === 0) errs.push(field.required(path.child('name')));
  switch (kind) {
    case 'ServiceAccount':
      if (name.length > 0) for (const m of checkName('subdomain', name, false)) errs.push(field.invalid(path.child('name'), name, m));
      if (apiGroup.length > 0) errs.push(field.notSupported(path.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && s(subject['namespace']).length === 0) errs.push(field.required(path.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(field.notSupported(path.child('apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(field.notSupported(path.child('kind'), kind, ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(binding: JsonObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(binding['metadata'], { namespaced, nameRule: 'path-segment' });
  const roleRef = obj(binding['roleRef']) ?? {};
  const apiGroup = s(roleRef['apiGroup']);
  if (apiGroup !== RBAC_GROUP) errs.push(field.notSupported(FieldPath.root('roleRef', 'apiGroup'), apiGroup, [RBAC_GROUP]));
  const kind = s(roleRef['kind']);
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(kind)) errs.push(field.notSupported(FieldPath.root('roleRef', 'kind'), kind, kinds));
  const name = s(roleRef['name']);
  if (name.length === 0) errs.push(field.required(FieldPath.root('roleRef', 'name')));
  else for (const m of checkName('path-segment', name, false)) errs.push(field.invalid(FieldPath.root('roleRef', 'name'), name, m));
  arr(binding['subjects']).forEach((sub, i) => errs.push(...validateSubject(isObject(sub) ? sub : {}, namespaced, FieldPath.root('subjects').index(i))));
  return errs;
}

function validateBindingUpdate(binding: JsonObject, old: JsonObject, namespaced: boolean): FieldError[] {
  const errs = [...validateBinding(binding, namespaced), ...validateObjectMetaUpdate(binding['metadata'], old['metadata'])];
  const roleRef = obj(binding['roleRef']) ?? {};
  const oldRef = obj(old['roleRef']) ?? {};
  const same = ['apiGroup', 'kind', 'name'].every((k) => jsonEqual(s(roleRef[k]), s(oldRef[k])));
  if (!same) {
    const rendered = `rbac.RoleRef{APIGroup:${JSON.stringify(s(roleRef['apiGroup']))}, Kind:${JSON.stringify(s(roleRef['kind']))}, Name:${JSON.stringify(s(roleRef['name']))}}`;
    errs.push(invalidRendered('roleRef', rendered, 'cannot change roleRef'));
  }
  return errs;
}

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject. */
export function defaultBinding(binding: JsonObject): void {
  const roleRef = obj(binding['roleRef']);
  if (roleRef !== undefined && s(roleRef['apiGroup']).length === 0) roleRef['apiGroup'] = RBAC_GROUP;
  for (const sub of arr(binding['subjects'])) {
    if (!isObject(sub) || s(sub['apiGroup']).length > 0) continue;
    if (sub['kind'] === 'User' || sub['kind'] === 'Group') sub['apiGroup'] = RBAC_GROUP;
    else if (sub['kind'] === 'ServiceAccount') sub['apiGroup'] = '';
  }
}

export const ROLE_RULES: KindRules = {
  validateCreate: validateRole,
  validateUpdate: (r, old) => [...validateRole(r), ...validateObjectMetaUpdate(r['metadata'], old['metadata'])],
};

export const CLUSTER_ROLE_RULES: KindRules = {
  validateCreate: validateClusterRole,
  validateUpdate: (r, old) => [...validateClusterRole(r), ...validateObjectMetaUpdate(r['metadata'], old['metadata'])],
};

export const ROLE_BINDING_RULES: KindRules = {
  default: defaultBinding,
  validateCreate: (b) => validateBinding(b, true),
  validateUpdate: (b, old) => validateBindingUpdate(b, old, true),
};

export const CLUSTER_ROLE_BINDING_RULES: KindRules = {
  default: defaultBinding,
  validateCreate: (b) => validateBinding(b, false),
  validateUpdate: (b, old) => validateBindingUpdate(b, old, false),
};
