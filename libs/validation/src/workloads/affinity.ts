// Node and pod (anti-)affinity: selector terms well-formed, topology keys
// present, preference weights within 1-100.

import { field, isDNS1123Label, isQualifiedName, type FieldError, type FieldPath } from '@logbook/apimachinery';
import { arrAt, numAt, objAt, objectsAt, strAt, type JsonObjectLike } from './json.ts';
import { validateLabelSelector } from './selector.ts';

function labelName(key: string, path: FieldPath): FieldError[] {
  return isQualifiedName(key).map((m) => field.invalid(path, key, m));
}

// ValidateNodeSelectorRequirement: label keys with the node operators (Gt/Lt take one integer).
function validateNodeRequirement(req: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = arrAt(req, 'values');
  switch (strAt(req, 'operator')) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(field.required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.invalid(path.child('operator'), strAt(req, 'operator'), 'not a valid selector operator'));
  }
  errs.push(...labelName(strAt(req, 'key'), path.child('key')));
  return errs;
}

// Node fields can only be selected by name, one value at a time.
function validateNodeFieldRequirement(req: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = arrAt(req, 'values');
  const operator = strAt(req, 'operator');
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length !== 1) errs.push(field.required(path.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(field.invalid(path.child('operator'), operator, 'not a valid selector operator'));
  }
  const key = strAt(req, 'key');
  if (key !== 'metadata.name') errs.push(field.notSupported(path.child('key'), key, ['metadata.name']));
  return errs;
}

function validateNodeSelectorTerm(term: JsonObjectLike, path: FieldPath): FieldError[] {
  return [
    ...objectsAt(term, 'matchExpressions').flatMap(([i, r]) => validateNodeRequirement(r, path.child('matchExpressions').index(i))),
    ...objectsAt(term, 'matchFields').flatMap(([i, r]) => validateNodeFieldRequirement(r, path.child('matchFields').index(i))),
  ];
}

function validateWeight(term: JsonObjectLike, path: FieldPath): FieldError[] {
  const weight = numAt(term, 'weight') ?? 0;
  return weight <= 0 || weight > 100 ? [field.invalid(path.child('weight'), weight, 'must be in the range 1-100')] : [];
}

function validateNodeAffinity(na: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const required = objAt(na, 'requiredDuringSchedulingIgnoredDuringExecution');
  if (required !== undefined) {
    const rp = path.child('requiredDuringSchedulingIgnoredDuringExecution');
    const terms = objectsAt(required, 'nodeSelectorTerms');
    if (terms.length === 0) errs.push(field.required(rp.child('nodeSelectorTerms'), 'must have at least one node selector term'));
    for (const [i, t] of terms) errs.push(...validateNodeSelectorTerm(t, rp.child('nodeSelectorTerms').index(i)));
  }
  const pp = path.child('preferredDuringSchedulingIgnoredDuringExecution');
  for (const [i, pref] of objectsAt(na, 'preferredDuringSchedulingIgnoredDuringExecution')) {
    errs.push(...validateWeight(pref, pp.index(i)));
    errs.push(...validateNodeSelectorTerm(objAt(pref, 'preference') ?? {}, pp.index(i).child('preference')));
  }
  return errs;
}

function validatePodAffinityTerm(term: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, path.child('labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')),
  ];
  for (const ns of arrAt(term, 'namespaces')) {
    const name = typeof ns === 'string' ? ns : '';
    // kube names this path in the singular.
    errs.push(...isDNS1123Label(name).map((m) => field.invalid(path.child('namespace'), name, m)));
  }
  const topologyKey = strAt(term, 'topologyKey');
  if (topologyKey === '') errs.push(field.required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...labelName(topologyKey, path.child('topologyKey')));
  return errs;
}

function validatePodAffinity(pa: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const rp = path.child('requiredDuringSchedulingIgnoredDuringExecution');
  for (const [i, term] of objectsAt(pa, 'requiredDuringSchedulingIgnoredDuringExecution')) errs.push(...validatePodAffinityTerm(term, rp.index(i)));
  const pp = path.child('preferredDuringSchedulingIgnoredDuringExecution');
  for (const [i, pref] of objectsAt(pa, 'preferredDuringSchedulingIgnoredDuringExecution')) {
    errs.push(...validateWeight(pref, pp.index(i)));
    errs.push(...validatePodAffinityTerm(objAt(pref, 'podAffinityTerm') ?? {}, pp.index(i).child('podAffinityTerm')));
  }
  return errs;
}

/** validateAffinity. */
export function validateAffinity(spec: JsonObjectLike, path: FieldPath): FieldError[] {
  const affinity = objAt(spec, 'affinity');
  if (affinity === undefined) return [];
  const errs: FieldError[] = [];
  const na = objAt(affinity, 'nodeAffinity');
  if (na !== undefined) errs.push(...validateNodeAffinity(na, path.child('nodeAffinity')));
  const pa = objAt(affinity, 'podAffinity');
  if (pa !== undefined) errs.push(...validatePodAffinity(pa, path.child('podAffinity')));
  const anti = objAt(affinity, 'podAntiAffinity');
  if (anti !== undefined) errs.push(...validatePodAffinity(anti, path.child('podAntiAffinity')));
  return errs;
}

