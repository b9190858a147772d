// The label-selector grammar, lexed and parsed the way kube's labels.Parse
// does it, so that what is accepted, what is rejected and the wording of each
// rejection (`unable to parse requirement: ...`, `found 'x', expected: ...`)
// are the same.

import { labelKeyError, newRequirement, type LabelOperator, type LabelRequirement } from './label-requirement.ts';
import { SelectorError } from './selector-error.ts';

type Token =
  | 'error' | 'eos' | 'closedPar' | 'comma' | 'doesNotExist' | 'doubleEquals' | 'equals'
  | 'greaterThan' | 'identifier' | 'in' | 'lessThan' | 'notEquals' | 'notIn' | 'openPar';

interface Item {
  readonly tok: Token;
  readonly lit: string;
}

const KEYWORDS: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', 'closedPar'], [',', 'comma'], ['!', 'doesNotExist'], ['==', 'doubleEquals'], ['=', 'equals'],
  ['>', 'greaterThan'], ['in', 'in'], ['<', 'lessThan'], ['!=', 'notEquals'], ['notin', 'notIn'], ['(', 'openPar'],
]);

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

// kube's lexer reads a NUL byte as end of input; '' here means the same.
function lex(s: string): Item[] {
  let pos = 0;
  const read = (): string => {
    if (pos >= s.length) return '';
    const ch = s[pos] ?? '';
    pos++;
    return ch === '\0' ? '' : ch;
  };
  const unread = (): void => {
    if (pos > 0) pos--;
  };
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === '') {
      item = { tok: 'eos', lit: '' };
    } else if (isSpecial(ch)) {
      unread();
      // Longest run of special characters that still forms a known symbol.
      let buffer = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (!isSpecial(c)) {
          unread();
          break;
        }
        buffer += c;
        const t = KEYWORDS.get(buffer);
        if (t !== undefined) {
          last = { tok: t, lit: buffer };
        } else if (last !== undefined) {
          unread();
          break;
        }
      }
      item = last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` };
    } else {
      unread();
      let buffer = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecial(c) || isWhitespace(c)) {
          unread();
          break;
        }
        buffer += c;
      }
      item = { tok: KEYWORDS.get(buffer) ?? 'identifier', lit: buffer };
    }
    items.push(item);
    if (item.tok === 'eos') return items;
  }
}

type Context = 'keyAndOperator' | 'values';

class Parser {
  readonly #items: readonly Item[];
  #pos = 0;

  constructor(items: readonly Item[]) {
    this.#items = items;
  }

  // In a values position `in` and `notin` are ordinary words.
  lookahead(ctx: Context): Item {
    const it = this.#items[this.#pos] ?? { tok: 'eos', lit: '' };
    if (ctx === 'values' && (it.tok === 'in' || it.tok === 'notIn')) return { tok: 'identifier', lit: it.lit };
    return it;
  }

  consume(ctx: Context): Item {
    const it = this.lookahead(ctx);
    if (this.#pos < this.#items.length - 1) this.#pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'identifier' || tok === 'doesNotExist') {
        reqs.push(this.requirement());
        const next = this.consume('values');
        if (next.tok === 'eos') return reqs;
        if (next.tok === 'comma') {
          const after = this.lookahead('values');
          if (after.tok !== 'identifier' && after.tok !== 'doesNotExist') fail(`found '${after.lit}', expected: identifier after ','`);
          continue;
        }
        fail(`found '${next.lit}', expected: ',' or 'end of string'`);
      }
      if (tok === 'eos') return reqs;
      fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }

  requirement(): LabelRequirement {
    try {
      const { key, unary } = this.keyAndUnaryOperator();
      if (unary !== undefined) return newRequirement(key, unary, []);
      const operator = this.operator();
      const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
      return newRequirement(key, operator, [...values].sort());
    } catch (err: unknown) {
      if (err instanceof SelectorError) fail(`unable to parse requirement: ${err.message}`, err);
      throw err;
    }
  }

  keyAndUnaryOperator(): { key: string; unary: 'exists' | '!' | undefined } {
    let item = this.consume('values');
    let notExists = false;
    if (item.tok === 'doesNotExist') {
      notExists = true;
      item = this.consume('values');
    }
    if (item.tok !== 'identifier') fail(`found '${item.lit}', expected: identifier`);
    // kube reports a bad key here with no field path, which prints as `<nil>`.
    const keyErr = labelKeyError(item.lit, undefined);
    if (keyErr !== undefined) fail(keyErr.message());
    const t = this.lookahead('values').tok;
    if (notExists) return { key: item.lit, unary: '!' };
    return { key: item.lit, unary: t === 'eos' || t === 'comma' ? 'exists' : undefined };
  }

  operator(): LabelOperator {
    const { tok, lit } = this.consume('keyAndOperator');
    switch (tok) {
      case 'in': return 'in';
      case 'equals': return '=';
      case 'doubleEquals': return '==';
      case 'greaterThan': return 'gt';
      case 'lessThan': return 'lt';
      case 'notIn': return 'notin';
      case 'notEquals': return '!=';
      default: return fail(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  valueSet(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== 'openPar') fail(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === 'identifier' || tok === 'comma') {
      const s = this.identifiers();
      // kube reports the token that opened the list here, not the one found.
      if (this.consume('values').tok !== 'closedPar') fail(`found '${lit}', expected: ')'`);
      return s;
    }
    if (tok === 'closedPar') {
      this.consume('values');
      return new Set(['']);
    }
    return fail(`found '${lit}', expected: ',', ')' or identifier`);
  }

  identifiers(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'identifier') {
        s.add(lit);
        const next = this.lookahead('values');
        if (next.tok === 'comma') continue;
        if (next.tok === 'closedPar') return s;
        fail(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === 'comma') {
        // Empty entries (`(,a)`, `(a,)`, `(a,,b)`) stand for the empty value.
        if (s.size === 0) s.add('');
        const next = this.lookahead('values');
        if (next.tok === 'closedPar') {
          s.add('');
          return s;
        }
        if (next.tok === 'comma') {
          this.consume('values');
          s.add('');
        }
        continue;
      }
      fail(`found '${lit}', expected: ',', or identifier`);
    }
  }

  exactValue(): Set<string> {
    const t = this.lookahead('values').tok;
    if (t === 'eos' || t === 'comma') return new Set(['']);
    const { tok, lit } = this.consume('values');
    if (tok === 'identifier') return new Set([lit]);
    return fail(`found '${lit}', expected: identifier`);
  }
}

function fail(message: string, cause?: unknown): never {
  throw new SelectorError('invalidLabelSelector', message, cause !== undefined ? { cause } : {});
}

/** Parses a selector string into requirements sorted by key (stable), or throws SelectorError. */
export function parseLabelRequirements(selector: string): LabelRequirement[] {
  const reqs = new Parser(lex(selector)).parse();
  return reqs.map((r, i) => ({ r, i })).sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i)).map((x) => x.r);
}
