// Field selectors (`metadata.name=x,status.phase!=Running`): kube's
// fields.ParseSelector with its escaping rules and messages.

import { SelectorError } from './selector-error.ts';

/** `==` parses to `=`: kube keeps only "has" and "not has" terms. */
export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  /** Unescaped value. */
  readonly value: string;
}

// Order matters: at each position `!=` and `==` must win over `=`.
const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Escapes `\`, `,` and `=` in a value so it survives a round trip through the selector syntax. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** kube's UnescapeValue; throws SelectorError on `\x` for any other x, a trailing `\`, or a bare `,`/`=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError('invalidFieldSelector', `invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // kube prints the rune with %v, i.e. as its number.
      throw new SelectorError('invalidFieldSelector', `invalid field selector: unescaped character in value: ${c.codePointAt(0) ?? 0}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new SelectorError('invalidFieldSelector', 'invalid field selector: invalid escape sequence: \\');
  return out;
}

// Splits on commas that are not escaped.
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

export class FieldSelector {
  /** In kube's order: sorted by the raw term text. */
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = requirements;
  }

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  /** An absent field reads as "", as in kube's fields.Set. */
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.hasOwn(fields, r.field) ? (fields[r.field] ?? '') : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }

  /** The value `field` must equal (`field=v` / `field==v`), if the selector pins it. */
  requiresExactMatch(field: string): string | undefined {
    for (const r of this.requirements) if (r.field === field && r.operator === '=') return r.value;
    return undefined;
  }

  exactName(): string | undefined {
    return this.requiresExactMatch('metadata.name');
  }

  exactNamespace(): string | undefined {
    return this.requiresExactMatch('metadata.namespace');
  }

  /** Throws SelectorError `field label not supported: <f>` for the first field outside `supported`. */
  checkSupported(supported: ReadonlySet<string>): void {
    for (const r of this.requirements) {
      if (!supported.has(r.field)) throw new SelectorError('invalidFieldSelector', `field label not supported: ${r.field}`);
    }
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** Parses `fieldSelector`; "" selects everything. Throws SelectorError with kube's message. */
export function parseFieldSelector(selector: string): FieldSelector {
  // kube sorts the raw terms (byte order) before parsing them.
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (t === undefined) throw new SelectorError('invalidFieldSelector', `invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeFieldValue(t.rhs) });
  }
  return new FieldSelector(reqs);
}
