// Query-parameter decoding shared by every verb: booleans, integers, and the
// get/delete option sets. Undecodable values are 400 BadRequest; values that
// decode but break a rule are 422 Invalid, as in kube-apiserver.

import { invalid as invalidField, notSupported, type FieldError } from './field-errors.ts';
import { goParseInt64, goQuote } from './go-format.ts';
import { parseResourceVersion } from './resource-version.ts';
import { badRequest, invalid, type StatusError } from './status.ts';

export type BoolResult = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly error: string };

const TRUE_WORDS: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS: ReadonlySet<string> = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool, with its error text. */
export function parseBool(s: string): BoolResult {
  if (TRUE_WORDS.has(s)) return { ok: true, value: true };
  if (FALSE_WORDS.has(s)) return { ok: true, value: false };
  return { ok: false, error: `strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax` };
}

/** A boolean query parameter: absent = undefined; a word ParseBool rejects = 400. */
export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const r = parseBool(raw);
  if (!r.ok) throw badRequest(r.error);
  return r.value;
}

/**
 * kube's own (lenient) reading of a boolean query parameter: only "0" and
 * "false" (any case) are false; anything else present, even "", is true.
 */
export function queryBoolLenient(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  return !(raw === '0' || raw.toLowerCase() === 'false');
}

/** An int64 query parameter: absent = undefined; not an int64 = 400 with Go's text. Clamped to the safe-integer range. */
export function queryInt64(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const r = goParseInt64(raw);
  if (!r.ok) throw badRequest(r.error);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(r.value > max ? max : r.value < -max ? -max : r.value);
}

/** Throws kube's 422 for option-set errors: `<Kind>.meta.k8s.io "" is invalid: ...`. */
export function rejectOptions(kind: string, errs: readonly FieldError[]): void {
  if (errs.length > 0) throw optionsInvalid(kind, errs);
}

export function optionsInvalid(kind: string, errs: readonly FieldError[]): StatusError {
  return invalid({ group: 'meta.k8s.io', kind }, '', errs);
}

export interface GetOptions {
  /** The raw string: "" (latest, consistent), "0" (any), or a decimal revision. */
  readonly resourceVersion: string;
  /** Parsed form; 0 for "" and "0". */
  readonly revision: number;
}

export function parseGetOptions(query: URLSearchParams): GetOptions {
  const resourceVersion = query.get('resourceVersion') ?? '';
  return { resourceVersion, revision: parseResourceVersion(resourceVersion) };
}

export const DRY_RUN_ALL = 'All';

/** kube's ValidateDryRun: every value must be "All". */
export function validateDryRun(dryRun: readonly string[]): FieldError[] {
  return dryRun.some((v) => v !== DRY_RUN_ALL) ? [notSupported('dryRun', dryRun, [DRY_RUN_ALL])] : [];
}

export const PROPAGATION_POLICIES = ['Orphan', 'Background', 'Foreground'] as const;
export type PropagationPolicy = (typeof PROPAGATION_POLICIES)[number];

export interface DeleteQueryOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: PropagationPolicy;
  readonly orphanDependents?: boolean;
  readonly dryRun: readonly string[];
}

/**
 * DeleteOptions given as query parameters (the body, when present, is decoded
 * elsewhere and merged by the handler). Checks kube's DeleteOptions rules.
 */
export function parseDeleteQuery(query: URLSearchParams): DeleteQueryOptions {
  const gracePeriodSeconds = queryInt64(query, 'gracePeriodSeconds');
  const orphanDependents = queryBool(query, 'orphanDependents');
  const policy = query.get('propagationPolicy');
  const dryRun = query.getAll('dryRun');
  const errs: FieldError[] = [];
  if (orphanDependents !== undefined && policy !== null) {
    errs.push(invalidField('propagationPolicy', policy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  const isPolicy = (p: string): p is PropagationPolicy => (PROPAGATION_POLICIES as readonly string[]).includes(p);
  if (policy !== null && !isPolicy(policy)) {
    errs.push(notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  errs.push(...validateDryRun(dryRun));
  rejectOptions('DeleteOptions', errs);
  return {
    ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    ...(policy !== null && isPolicy(policy) ? { propagationPolicy: policy } : {}),
    ...(orphanDependents !== undefined ? { orphanDependents } : {}),
    dryRun,
  };
}
