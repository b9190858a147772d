// metav1.LabelSelector in workload specs: kube's syntax checks and matching
// against a pod template's labels.

import {
  field, fromLabelSelector, isQualifiedName, isValidLabelValue, SelectorError, validateLabels,
  type FieldError, type FieldPath, type LabelSelector,
} from '@logbook/apimachinery';
import { arrAt, isObject, objectsAt, stringMapAt, strAt } from './json.ts';

/** ValidateLabelSelector (strict: label values in expressions must be valid). */
export function validateLabelSelector(selector: unknown, path: FieldPath): FieldError[] {
  if (!isObject(selector)) return [];
  const errs = validateLabels(stringMapAt(selector, 'matchLabels') ?? {}, path.child('matchLabels'));
  for (const [i, req] of objectsAt(selector, 'matchExpressions')) {
    const p = path.child('matchExpressions').index(i);
    const operator = strAt(req, 'operator');
    const values = arrAt(req, 'values');
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.push(field.required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(field.forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(field.invalid(p.child('operator'), operator, 'not a valid selector operator'));
    }
    const key = strAt(req, 'key');
    errs.push(...isQualifiedName(key).map((m) => field.invalid(p.child('key'), key, m)));
    values.forEach((v, j) => {
      const value = typeof v === 'string' ? v : '';
      errs.push(...isValidLabelValue(value).map((m) => field.invalid(p.child('values').index(j), value, m)));
    });
  }
  return errs;
}

/** Whether the selector has neither matchLabels nor matchExpressions. */
export function isEmptySelector(selector: unknown): boolean {
  return Object.keys(stringMapAt(selector, 'matchLabels') ?? {}).length + arrAt(selector, 'matchExpressions').length === 0;
}

/** kube's LabelSelectorAsSelector: undefined when the selector cannot be built. */
export function asSelector(selector: unknown): LabelSelector | undefined {
  try {
    return fromLabelSelector(isObject(selector) ? selector : undefined);
  } catch (err: unknown) {
    if (err instanceof SelectorError) return undefined;
    throw err;
  }
}
