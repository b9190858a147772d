// CreateOptions, UpdateOptions and PatchOptions from the query string, checked
// as apimachinery's option validation checks them: dryRun only "All",
// fieldManager at most 128 printable characters (and required for an apply
// patch), fieldValidation one of Ignore/Warn/Strict (Warn when unset), force
// only on an apply patch. Every problem is one 422 for the options kind.

import { forbidden, invalid as invalidField, notSupported, required, tooLong, type FieldError } from './field-errors.ts';
import { queryBool, rejectOptions, validateDryRun } from './query.ts';

export const FIELD_VALIDATION_DIRECTIVES = ['Ignore', 'Warn', 'Strict'] as const;
export type FieldValidation = (typeof FIELD_VALIDATION_DIRECTIVES)[number];

export const MAX_FIELD_MANAGER_LENGTH = 128;

export type WriteOptionsKind = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

export interface WriteOptions {
  readonly dryRun: boolean;
  /** '' when the client named none (the server derives one from the User-Agent). */
  readonly fieldManager: string;
  readonly fieldValidation: FieldValidation;
  /** PatchOptions.force (apply patches only). */
  readonly force?: boolean;
}

function isPrintable(s: string): boolean {
  // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(s);
}

export function parseWriteOptions(query: URLSearchParams, kind: WriteOptionsKind, opts: { applyPatch?: boolean } = {}): WriteOptions {
  const dryRun = query.getAll('dryRun');
  const errs: FieldError[] = [...validateDryRun(dryRun)];
  const fieldManager = query.get('fieldManager') ?? '';
  if (fieldManager.length > MAX_FIELD_MANAGER_LENGTH) errs.push(tooLong('fieldManager', MAX_FIELD_MANAGER_LENGTH));
  else if (!isPrintable(fieldManager)) errs.push(invalidField('fieldManager', fieldManager, 'must only contain printable characters'));
  const rawValidation = query.get('fieldValidation') ?? '';
  if (rawValidation !== '' && !(FIELD_VALIDATION_DIRECTIVES as readonly string[]).includes(rawValidation)) {
    errs.push(notSupported('fieldValidation', rawValidation, ['', 'Ignore', 'Strict', 'Warn']));
  }
  let force: boolean | undefined;
  if (kind === 'PatchOptions') {
    force = queryBool(query, 'force');
    if (opts.applyPatch === true) {
      if (fieldManager === '') errs.push(required('fieldManager', 'is required for apply patch'));
    } else if (force !== undefined) {
      errs.push(forbidden('force', 'may not be specified for non-apply patch'));
    }
  }
  rejectOptions(kind, errs);
  return {
    dryRun: dryRun.length > 0,
    fieldManager,
    fieldValidation: rawValidation === '' ? 'Warn' : (rawValidation as FieldValidation),
    ...(force !== undefined ? { force } : {}),
  };
}
