// One label-selector requirement (`key op values`) with kube's construction
// rules and messages (labels.NewRequirement) and its matching semantics.

import { aggregateMessage, FieldPath, invalid, notSupported, type FieldError, type FieldRef } from './field-errors.ts';
import { goParseInt64 } from './go-format.ts';
import { isQualifiedName, isValidLabelValue } from './name-validation.ts';
import { SelectorError } from './selector-error.ts';

/** kube's selection.Operator values. */
export const LABEL_OPERATORS = ['in', 'notin', '=', '==', '!=', 'exists', '!', 'gt', 'lt'] as const;
export type LabelOperator = (typeof LABEL_OPERATORS)[number];

export type Labels = Readonly<Record<string, string>>;

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted when parsed from a string; as given when built from a metav1.LabelSelector. */
  readonly values: readonly string[];
}

function sub(path: FieldPath | undefined, name: string): FieldPath {
  return path === undefined ? FieldPath.root(name) : path.child(name);
}

/** kube's validateLabelKey: one Invalid error joining every problem with "; ". */
export function labelKeyError(key: string, path: FieldRef): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length === 0 ? undefined : invalid(path, key, errs.join('; '));
}

/**
 * Builds a requirement, or throws SelectorError with kube's aggregated message
 * (`values[0][app]: Invalid value: ...`). `path` prefixes the field names, as
 * kube's field.WithPath option does; without it they start at `key`/`values`.
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[], path?: FieldPath): LabelRequirement {
  const errs: FieldError[] = [];
  const keyErr = labelKeyError(key, sub(path, 'key'));
  if (keyErr !== undefined) errs.push(keyErr);
  const valuePath = sub(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid(valuePath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid(valuePath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!goParseInt64(v).ok) errs.push(invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default: {
      const never: never = operator;
      errs.push(notSupported(sub(path, 'operator'), never, LABEL_OPERATORS));
    }
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(invalid(valuePath.index(i).key(key), v, msgs.join('; ')));
  });
  const message = aggregateMessage(errs);
  if (message !== undefined) throw new SelectorError('invalidLabelSelector', message);
  return { key, operator, values: [...values] };
}

export function requirementMatches(r: LabelRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      // Integer comparison; a non-integer label value never matches.
      if (!has || value === undefined || r.values.length !== 1) return false;
      const actual = goParseInt64(value);
      const bound = goParseInt64(r.values[0] ?? '');
      if (!actual.ok || !bound.ok) return false;
      return r.operator === 'gt' ? actual.value > bound.value : actual.value < bound.value;
    }
    default: {
      const never: never = r.operator;
      return never;
    }
  }
}

/** kube's canonical text: `a=b`, `a in (x,y)`, `!a`, `a>1`. */
export function requirementString(r: LabelRequirement): string {
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  switch (r.operator) {
    case '!': return `!${r.key}`;
    case 'exists': return r.key;
    case '=': return `${r.key}=${values}`;
    case '==': return `${r.key}==${values}`;
    case '!=': return `${r.key}!=${values}`;
    case 'in': return `${r.key} in (${values})`;
    case 'notin': return `${r.key} notin (${values})`;
    case 'gt': return `${r.key}>${values}`;
    case 'lt': return `${r.key}<${values}`;
    default: {
      const never: never = r.operator;
      return never;
    }
  }
}
