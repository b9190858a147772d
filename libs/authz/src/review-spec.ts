// Decoding and validating the body of the *SubjectAccessReview kinds, with
// kube's decode (400) and validation (422) messages. Bodies are untrusted
// JSON: everything is checked here, once, and typed from here on.

import { badRequest, field, type FieldError } from '@logbook/apimachinery';

export interface SelectorRequirementJson {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface SelectorAttributes {
  readonly rawSelector?: string;
  readonly requirements?: readonly SelectorRequirementJson[];
}

export interface ResourceAttributesJson {
  readonly namespace?: string;
  readonly verb?: string;
  readonly group?: string;
  readonly version?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly name?: string;
  readonly fieldSelector?: SelectorAttributes;
  readonly labelSelector?: SelectorAttributes;
}

export interface NonResourceAttributesJson {
  readonly path?: string;
  readonly verb?: string;
}

export interface ReviewSpec {
  readonly resourceAttributes?: ResourceAttributesJson;
  readonly nonResourceAttributes?: NonResourceAttributesJson;
  readonly user?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
  readonly uid?: string;
}

export interface DecodedReview {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly spec: ReviewSpec;
}

type Obj = Readonly<Record<string, unknown>>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

// kube's decoder error, as a 400: `<Kind> in version "v1" cannot be handled as a <Kind>: json: ...`.
function decodeError(kind: string, goStruct: string, path: string, v: unknown, goType: string): never {
  throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${jsonType(v)} into Go struct field ${goStruct}.${path} of type ${goType}`);
}

class Decoder {
  readonly kind: string;
  constructor(kind: string) {
    this.kind = kind;
  }
  str(o: Obj, key: string, goStruct: string, path: string): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') decodeError(this.kind, goStruct, `${path}.${key}`, v, 'string');
    return v;
  }
  strList(o: Obj, key: string, goStruct: string, path: string): string[] | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) decodeError(this.kind, goStruct, `${path}.${key}`, v, '[]string');
    return v.map((x) => (typeof x === 'string' ? x : decodeError(this.kind, goStruct, `${path}.${key}`, x, 'string')));
  }
  obj(o: Obj, key: string, goStruct: string, path: string, goType: string): Obj | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) decodeError(this.kind, goStruct, `${path}.${key}`, v, goType);
    return v;
  }
}

function selector(d: Decoder, o: Obj | undefined, path: string, goStruct: string): SelectorAttributes | undefined {
  if (o === undefined) return undefined;
  const raw = d.str(o, 'rawSelector', goStruct, path);
  const reqsIn = o['requirements'];
  let requirements: SelectorRequirementJson[] | undefined;
  if (reqsIn !== undefined && reqsIn !== null) {
    if (!Array.isArray(reqsIn)) decodeError(d.kind, goStruct, `${path}.requirements`, reqsIn, 'array');
    requirements = reqsIn.map((r) => {
      if (!isObj(r)) return decodeError(d.kind, goStruct, `${path}.requirements`, r, 'object');
      const values = d.strList(r, 'values', 'Requirement', `${path}.requirements`);
      const req = { key: d.str(r, 'key', 'Requirement', `${path}.requirements`) ?? '', operator: d.str(r, 'operator', 'Requirement', `${path}.requirements`) ?? '' };
      return values === undefined ? req : { ...req, values };
    });
  }
  return { ...(raw !== undefined && raw !== '' ? { rawSelector: raw } : {}), ...(requirements !== undefined && requirements.length > 0 ? { requirements } : {}) };
}

/** Decodes the body of a review of `kind`; throws 400 StatusError for a body kube's decoder would refuse. */
export function decodeReview(kind: string, body: unknown, withSubject: boolean): DecodedReview {
  if (!isObj(body)) throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${jsonType(body)} into Go value of type v1.${kind}`);
  const d = new Decoder(kind);
  const metadata = d.obj(body, 'metadata', kind, 'metadata', 'v1.ObjectMeta') ?? {};
  const specIn = d.obj(body, 'spec', kind, 'spec', 'v1.SubjectAccessReviewSpec') ?? {};
  const spec: { -readonly [K in keyof ReviewSpec]: ReviewSpec[K] } = {};
  const ra = d.obj(specIn, 'resourceAttributes', 'SubjectAccessReviewSpec', 'spec', 'v1.ResourceAttributes');
  if (ra !== undefined) {
    const p = 'spec.resourceAttributes';
    const out: Record<string, unknown> = {};
    for (const k of ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const) {
      const v = d.str(ra, k, 'ResourceAttributes', p);
      if (v !== undefined && v !== '') out[k] = v;
    }
    const fs = selector(d, d.obj(ra, 'fieldSelector', 'ResourceAttributes', p, 'v1.FieldSelectorAttributes'), `${p}.fieldSelector`, 'FieldSelectorAttributes');
    if (fs !== undefined) out['fieldSelector'] = fs;
    const ls = selector(d, d.obj(ra, 'labelSelector', 'ResourceAttributes', p, 'v1.LabelSelectorAttributes'), `${p}.labelSelector`, 'LabelSelectorAttributes');
    if (ls !== undefined) out['labelSelector'] = ls;
    spec.resourceAttributes = out;
  }
  const nra = d.obj(specIn, 'nonResourceAttributes', 'SubjectAccessReviewSpec', 'spec', 'v1.NonResourceAttributes');
  if (nra !== undefined) {
    const out: Record<string, string> = {};
    for (const k of ['path', 'verb'] as const) {
      const v = d.str(nra, k, 'NonResourceAttributes', 'spec.nonResourceAttributes');
      if (v !== undefined && v !== '') out[k] = v;
    }
    spec.nonResourceAttributes = out;
  }
  if (withSubject) {
    const user = d.str(specIn, 'user', 'SubjectAccessReviewSpec', 'spec');
    if (user !== undefined && user !== '') spec.user = user;
    const groups = d.strList(specIn, 'groups', 'SubjectAccessReviewSpec', 'spec');
    if (groups !== undefined && groups.length > 0) spec.groups = groups;
    const uid = d.str(specIn, 'uid', 'SubjectAccessReviewSpec', 'spec');
    if (uid !== undefined && uid !== '') spec.uid = uid;
    const extraIn = d.obj(specIn, 'extra', 'SubjectAccessReviewSpec', 'spec', 'map[string]v1.ExtraValue');
    if (extraIn !== undefined && Object.keys(extraIn).length > 0) {
      const extra: Record<string, string[]> = {};
      for (const k of Object.keys(extraIn)) extra[k] = d.strList(extraIn, k, 'SubjectAccessReviewSpec', 'spec.extra') ?? [];
      spec.extra = extra;
    }
  }
  return { metadata, spec };
}

/** ValidateSubjectAccessReviewSpec / ValidateSelfSubjectAccessReviewSpec. */
export function validateSpec(spec: ReviewSpec, withSubject: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes !== undefined && spec.nonResourceAttributes !== undefined) {
    errs.push(field.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  }
  if (spec.resourceAttributes === undefined && spec.nonResourceAttributes === undefined) {
    errs.push(field.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  if (withSubject && (spec.user ?? '') === '' && (spec.groups ?? []).length === 0) {
    errs.push(field.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  }
  const ra = spec.resourceAttributes;
  if (ra !== undefined) {
    errs.push(...validateSelector(ra.fieldSelector, 'spec.resourceAttributes.fieldSelector'));
    errs.push(...validateSelector(ra.labelSelector, 'spec.resourceAttributes.labelSelector'));
  }
  return errs;
}

function validateSelector(sel: SelectorAttributes | undefined, path: string): FieldError[] {
  if (sel === undefined) return [];
  const errs: FieldError[] = [];
  const raw = sel.rawSelector ?? '';
  const reqs = sel.requirements ?? [];
  if (raw.length > 0 && reqs.length > 0) errs.push(field.invalid(`${path}.rawSelector`, raw, 'may not specified at the same time as requirements'));
  if (raw.length === 0 && reqs.length === 0) errs.push(field.required(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`));
  reqs.forEach((r, i) => {
    const p = `${path}.requirements[${i}]`;
    if (r.key.length === 0) errs.push(field.required(`${p}.key`, 'must be specified'));
    const values = r.values ?? [];
    // Unknown operators pass: newer clients may know operators this server does not.
    if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) {
      errs.push(field.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    }
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) {
      errs.push(field.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  });
  return errs;
}

/** Whether ObjectMeta is empty apart from managedFields (and a null creationTimestamp), as validation requires. */
export function metadataEmpty(meta: Readonly<Record<string, unknown>>, except: readonly string[] = []): boolean {
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'managedFields' || except.includes(k)) continue;
    if (v === null || v === undefined || v === '' || v === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (isObj(v) && Object.keys(v).length === 0) continue;
    return false;
  }
  return true;
}
