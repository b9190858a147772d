// kube's ValidateEncryptionConfiguration (apiserver.config.k8s.io/v1), rule
// for rule and message for message, plus one Logbook rule: KMS providers are
// rejected because Logbook has no KMS plugin client. Every problem is reported
// at once. Secret values never enter a message: kube prints "REDACTED".

import { FieldPath, field } from '@logbook/apimachinery';
import type { FieldError } from '@logbook/apimachinery';
import type { RawEncryptionConfiguration, RawKey, RawProvider } from './decode-config.ts';
import { parseGroupResource } from './config-types.ts';
import type { GroupResource } from './config-types.ts';
import { decodeStdBase64 } from './base64.ts';

const MORE_THAN_ONE_ELEMENT = 'more than one provider specified in a single element, should split into different list elements';
const NO_PROVIDER = 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity';
const BASE64_ENCODING = 'secrets must be base64 encoded';
const EVENTS_GROUP = "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file";
const EXTENSIONS_GROUP = "'extensions' group has been removed and cannot be used for encryption";
const STAR_RESOURCE = "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources";
const OVERLAP = "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked";
const NON_REST_RESOURCE = 'resources which do not have REST API/s cannot be encrypted';
const RESOURCE_NAME = 'resource name should not contain capital letters';
const RESOURCE_ACROSS_GROUP = 'encrypting the same resource across groups is not supported';
const DUPLICATE_RESOURCE = 'the same resource cannot be specified multiple times';
export const KMS_UNSUPPORTED = 'KMS providers are not supported by Logbook; use aescbc, aesgcm or secretbox';

export const AES_KEY_SIZES = [16, 24, 32] as const;
export const SECRETBOX_KEY_SIZES = [32] as const;

const NON_REST_RESOURCES = new Set(['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations']);

export function validateEncryptionConfiguration(c: RawEncryptionConfiguration): FieldError[] {
  const root = FieldPath.root('resources');
  if (c.resources.length === 0) return [field.required(root, `at least one ${root.toString()} is required`)];
  const errs: FieldError[] = [];
  c.resources.forEach((conf, i) => {
    const r = root.index(i).child('resources');
    const p = root.index(i).child('providers');
    if (conf.resources.length === 0) errs.push(field.required(r, `at least one ${r.toString()} is required`));
    errs.push(...validateResourceOverlap(conf.resources, r), ...validateResourceNames(conf.resources, r));
    if (conf.providers.length === 0) errs.push(field.required(p, `at least one ${p.toString()} is required`));
    conf.providers.forEach((provider, j) => {
      const path = p.index(j);
      errs.push(...validateSingleProvider(provider, path));
      if (provider.kms !== undefined) errs.push(field.forbidden(path.child('kms'), KMS_UNSUPPORTED));
      else if (provider.aesgcm !== undefined) errs.push(...validateKeys(provider.aesgcm.keys, path.child('aesgcm', 'keys'), AES_KEY_SIZES));
      else if (provider.aescbc !== undefined) errs.push(...validateKeys(provider.aescbc.keys, path.child('aescbc', 'keys'), AES_KEY_SIZES));
      else if (provider.secretbox !== undefined) errs.push(...validateKeys(provider.secretbox.keys, path.child('secretbox', 'keys'), SECRETBOX_KEY_SIZES));
    });
  });
  return errs;
}

function sameGR(a: GroupResource, b: GroupResource): boolean {
  return a.group === b.group && a.resource === b.resource;
}

// Within one entry: the same resource twice, or a wildcard that masks a
// sibling, each reported once for the whole list (as kube does).
function validateResourceOverlap(resources: readonly string[], path: FieldPath): FieldError[] {
  if (resources.length < 2) return [];
  const grs = resources.map(parseGroupResource);
  let hasOverlap = false;
  let hasDuplicate = false;
  grs.forEach((r1, i) => {
    grs.forEach((r2, j) => {
      if (i === j) return;
      if (sameGR(r1, r2) && !hasDuplicate) {
        hasDuplicate = true;
        return;
      }
      if (hasOverlap) return;
      if (r1.group === '*' && r1.resource === '*') {
        hasOverlap = true;
        return;
      }
      if (r1.group !== r2.group) return;
      if (r1.resource === '*' || r2.resource === '*') hasOverlap = true;
    });
  });
  const errs: FieldError[] = [];
  if (hasDuplicate) errs.push(field.invalid(path, resources, DUPLICATE_RESOURCE));
  if (hasOverlap) errs.push(field.invalid(path, resources, OVERLAP));
  return errs;
}

function validateResourceNames(resources: readonly string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  resources.forEach((res, j) => {
    const jj = path.index(j);
    const gr = parseGroupResource(res);
    let detail: string | undefined;
    if (res.toLowerCase() !== res) detail = RESOURCE_NAME;
    else if (res === '*') detail = STAR_RESOURCE;
    else if (NON_REST_RESOURCES.has(res)) detail = NON_REST_RESOURCE;
    else if (gr.group === 'events.k8s.io') detail = EVENTS_GROUP;
    else if (gr.group === 'extensions') detail = EXTENSIONS_GROUP;
    else if (gr.group === '*' && gr.resource !== '*') detail = RESOURCE_ACROSS_GROUP;
    if (detail !== undefined) errs.push(field.invalid(jj, res, detail));
  });
  return errs;
}

function validateSingleProvider(provider: RawProvider, path: FieldPath): FieldError[] {
  const found = [provider.kms, provider.aesgcm, provider.aescbc, provider.secretbox, provider.identity].filter((x) => x !== undefined).length;
  // kube prints the provider struct as the bad value; Logbook omits it because
  // it would contain the key secrets.
  if (found === 0) return [field.invalid(path, {}, NO_PROVIDER)];
  if (found > 1) return [new field.FieldError('FieldValueInvalid', path, field.OMIT_VALUE, MORE_THAN_ONE_ELEMENT)];
  return [];
}

function validateKeys(keys: readonly RawKey[], path: FieldPath, sizes: readonly number[]): FieldError[] {
  if (keys.length === 0) return [field.required(path, 'at least one keys is required')];
  return keys.flatMap((key, i) => validateKey(key, path.index(i), sizes));
}

function validateKey(key: RawKey, path: FieldPath, sizes: readonly number[]): FieldError[] {
  const errs: FieldError[] = [];
  if (key.name === '') errs.push(field.required(path.child('name'), 'name is a mandatory field for a key'));
  if (key.secret === '') {
    errs.push(field.required(path.child('secret'), 'secret is a mandatory field for a key'));
    return errs;
  }
  const secret = decodeStdBase64(key.secret);
  if (secret === undefined) {
    errs.push(field.invalid(path.child('secret'), 'REDACTED', BASE64_ENCODING));
    return errs;
  }
  if (!sizes.includes(secret.length)) {
    errs.push(field.invalid(path.child('secret'), 'REDACTED', `secret is not of the expected length, got ${secret.length}, expected one of [${sizes.join(' ')}]`));
  }
  return errs;
}
