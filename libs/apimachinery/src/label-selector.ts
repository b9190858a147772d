// A parsed label selector (comma = AND over requirements), from a query string
// or from a metav1.LabelSelector in an object's spec.

import { newRequirement, requirementMatches, requirementString, type LabelOperator, type LabelRequirement, type Labels } from './label-requirement.ts';
import { parseLabelRequirements } from './label-selector-parser.ts';
import { goQuote } from './go-format.ts';
import { SelectorError } from './selector-error.ts';

export class LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  /** kube's labels.Nothing(): the selector of a nil metav1.LabelSelector. */
  readonly #matchesNothing: boolean;

  private constructor(requirements: readonly LabelRequirement[], matchesNothing: boolean) {
    this.requirements = requirements;
    this.#matchesNothing = matchesNothing;
  }

  static everything(): LabelSelector {
    return new LabelSelector([], false);
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  /** From requirements in any order; they are kept sorted by key, as kube's Add does. */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    const sorted = requirements.map((r, i) => ({ r, i })).sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i));
    return new LabelSelector(sorted.map((x) => x.r), false);
  }

  /** True when the selector places no constraint (matches everything). */
  isEmpty(): boolean {
    return !this.#matchesNothing && this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    if (this.#matchesNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** The value `key` must equal for any match (`key=v`, `key==v`, `key in (v)`), if any. */
  requiresExactMatch(key: string): string | undefined {
    for (const r of this.requirements) {
      if (r.key !== key) continue;
      // Only the first requirement on the key counts, as in kube.
      if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
      return undefined;
    }
    return undefined;
  }

  /** kube's canonical form: requirements joined by ",". */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

/** Parses `labelSelector` syntax; "" (or only whitespace) selects everything. Throws SelectorError with kube's message. */
export function parseLabelSelector(selector: string): LabelSelector {
  return LabelSelector.of(parseLabelRequirements(selector));
}

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** metav1.LabelSelectorRequirement, as it arrives in a spec. */
export interface LabelSelectorRequirementSpec {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/** metav1.LabelSelector. */
export interface LabelSelectorSpec {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirementSpec[];
}

const SPEC_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * kube's LabelSelectorAsSelector: undefined/null selects nothing, an empty
 * selector everything. Throws SelectorError for a bad operator or requirement.
 */
export function fromLabelSelector(spec: LabelSelectorSpec | undefined | null): LabelSelector {
  if (spec === undefined || spec === null) return LabelSelector.nothing();
  const matchLabels = spec.matchLabels ?? {};
  const exprs = spec.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return LabelSelector.everything();
  const reqs: LabelRequirement[] = [];
  for (const k of Object.keys(matchLabels).sort()) reqs.push(newRequirement(k, '=', [matchLabels[k] ?? '']));
  for (const e of exprs) {
    const op = Object.hasOwn(SPEC_OPERATORS, e.operator) ? SPEC_OPERATORS[e.operator] : undefined;
    if (op === undefined) throw new SelectorError('invalidLabelSelector', `${goQuote(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return LabelSelector.of(reqs);
}
