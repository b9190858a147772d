// kube's resource.Quantity grammar (`100m`, `1.5Gi`, `1e3`, `-2k`) and exact
// ordering. Quantities are kept as digits × 10^exp10 × 2^exp2 so comparison is
// exact; kube accepts arbitrarily long digit strings, and so do we.

/** How a quantity's suffix was written; its canonical form keeps the same kind of suffix. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/**
 * A parsed quantity: sign × digits × 10^exp10 × 2^exp2, already rounded up
 * (away from zero) to a whole number of nano-units, as kube rounds on parse.
 */
export interface Quantity {
  readonly negative: boolean;
  readonly digits: bigint;
  readonly exp10: number;
  readonly exp2: number;
  readonly format: QuantityFormat;
  /** The text as the client wrote it. */
  readonly text: string;
}

/** kube's ErrFormatWrong message, shown for a value that is not a quantity at all. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** kube's ErrSuffix message: the number parsed but the suffix is not one kube knows. */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';
// kube parses the exponent as a 64-bit integer and then keeps 32 bits of it;
// we refuse exponents beyond int32 rather than reproduce the wrap-around.
const MAX_ABS_EXPONENT = 2 ** 31 - 1;

type Split = { ok: true; negative: boolean; num: string; denom: string; suffix: string } | { ok: false; error: string };

// Splits the text the way kube's parseQuantityString does, including its
// leniencies: a bare sign or a bare `.` is zero and `1.G` is allowed.
function split(str: string): Split {
  let pos = 0;
  let negative = false;
  if (str[0] === '-' || str[0] === '+') {
    negative = str[0] === '-';
    pos++;
  }
  const numStart = pos;
  while (pos < str.length && isDigit(str[pos])) pos++;
  const num = str.slice(numStart, pos);
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < str.length && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < str.length && SUFFIX_CHARS.includes(str[pos] ?? '')) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < str.length && isDigit(str[pos])) pos++;
  if (pos < str.length) return { ok: false, error: QUANTITY_FORMAT_ERROR };
  return { ok: true, negative, num, denom, suffix: str.slice(suffixStart) };
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function interpretSuffix(suffix: string): { exp10: number; exp2: number; format: QuantityFormat } | undefined {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { exp10: dec, exp2: 0, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { exp10: 0, exp2: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const exp = Number(rest);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_ABS_EXPONENT) return undefined;
    return { exp10: exp, exp2: 0, format: 'DecimalExponent' };
  }
  return undefined;
}

/** Parses with kube's messages: the quantity, or the reason it is not one. */
export function parseQuantityDetailed(text: string): { ok: true; quantity: Quantity } | { ok: false; error: string } {
  if (text.length === 0) return { ok: false, error: QUANTITY_FORMAT_ERROR };
  const s = split(text);
  if (!s.ok) return s;
  const exps = interpretSuffix(s.suffix);
  if (exps === undefined) return { ok: false, error: QUANTITY_SUFFIX_ERROR };
  const digitText = (s.num + s.denom).replace(/^0+/, '');
  const digits = digitText.length === 0 ? 0n : BigInt(digitText);
  const rounded = roundUpToNano(digits, exps.exp10 - s.denom.length, exps.exp2);
  return {
    ok: true,
    quantity: { negative: s.negative && digits !== 0n, ...rounded, format: exps.format, text },
  };
}

const NANO_EXP10 = -9;

// kube keeps no precision below a nano-unit and rounds a smaller non-zero
// magnitude up, so a client asking for a sliver still gets something.
function roundUpToNano(digits: bigint, exp10: number, exp2: number): { digits: bigint; exp10: number; exp2: number } {
  if (exp10 >= NANO_EXP10 || digits === 0n) return { digits, exp10, exp2 };
  const shift = NANO_EXP10 - exp10;
  // Far below a nano-unit the answer is one nano-unit; no need to build 10^shift.
  if (digits.toString().length + Math.ceil(exp2 * Math.LOG10E * Math.LN2) + 1 < shift) return { digits: 1n, exp10: NANO_EXP10, exp2: 0 };
  const num = digits * 2n ** BigInt(exp2);
  const den = 10n ** BigInt(shift);
  const q = num / den;
  return { digits: num % den === 0n ? q : q + 1n, exp10: NANO_EXP10, exp2: 0 };
}

/** The quantity `text` denotes, or undefined when kube would reject it. */
export function parseQuantity(text: string): Quantity | undefined {
  const r = parseQuantityDetailed(text);
  return r.ok ? r.quantity : undefined;
}

export function isNegative(q: Quantity): boolean {
  return q.negative;
}

export function isZero(q: Quantity): boolean {
  return q.digits === 0n;
}

/** Exact ordering of two quantities: -1 when a < b, 0 when equal, 1 when a > b. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = a.digits === 0n ? 0 : a.negative ? -1 : 1;
  const sb = b.digits === 0n ? 0 : b.negative ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const mag = compareMagnitudes(a, b);
  return (sa < 0 ? -mag : mag) as -1 | 0 | 1;
}

// Orders of magnitude first, so `1e2000000000` against `1` never builds a
// two-billion-digit integer; exact arithmetic only when the two are close,
// where the exponent gap is bounded by the digit counts of the input texts.
function compareMagnitudes(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const la = magnitude(a);
  const lb = magnitude(b);
  if (la - lb > 2) return 1;
  if (lb - la > 2) return -1;
  const e10 = Math.min(a.exp10, b.exp10);
  const e2 = Math.min(a.exp2, b.exp2);
  const va = a.digits * 10n ** BigInt(a.exp10 - e10) * 2n ** BigInt(a.exp2 - e2);
  const vb = b.digits * 10n ** BigInt(b.exp10 - e10) * 2n ** BigInt(b.exp2 - e2);
  return va === vb ? 0 : va < vb ? -1 : 1;
}

function magnitude(q: Quantity): number {
  return q.digits.toString().length + q.exp10 + q.exp2 * Math.LOG10E * Math.LN2;
}

// The magnitude of a binary-suffixed quantity as a whole number, if it is one.
// Its decimal exponent is at most a few digits below zero (the fraction digits written).
function binaryWhole(q: Quantity): bigint | undefined {
  const num = q.digits * 2n ** BigInt(q.exp2);
  if (q.exp10 >= 0) return num * 10n ** BigInt(q.exp10);
  const den = 10n ** BigInt(-q.exp10);
  return num % den === 0n ? num / den : undefined;
}

const DECIMAL_SUFFIX_OF: ReadonlyMap<number, string> = new Map(Object.entries(DECIMAL_SUFFIXES).map(([k, v]) => [v, k]));
const BINARY_SUFFIX_OF: ReadonlyMap<number, string> = new Map(Object.entries(BINARY_SUFFIXES).map(([k, v]) => [v, k]));
const MAX_DECIMAL_SI_EXP = 18;
const MAX_BINARY_STEPS = 6;

/**
 * kube's canonical form (Quantity.String()), which its messages print:
 * `0.25` → `250m`, `1000` → `1k`, `1024Mi` → `1Gi`, `1.5Ki` → `1536`.
 */
export function formatQuantity(q: Quantity): string {
  if (q.digits === 0n) return '0';
  const sign = q.negative ? '-' : '';
  if (q.format === 'BinarySI') {
    const whole = binaryWhole(q);
    // Below 1024 (or with a fraction) a binary suffix would only confuse; kube switches to decimal.
    if (whole !== undefined && whole >= 1024n) {
      let m = whole;
      let steps = 0;
      while (steps < MAX_BINARY_STEPS && m % 1024n === 0n) {
        m /= 1024n;
        steps++;
      }
      return `${sign}${m}${BINARY_SUFFIX_OF.get(steps * 10) ?? ''}`;
    }
  }
  let m = q.digits * 2n ** BigInt(q.exp2);
  let e = q.exp10;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const floor3 = Math.floor(e / 3) * 3;
  if (q.format === 'DecimalExponent') {
    m *= 10n ** BigInt(e - floor3);
    return `${sign}${m}${floor3 === 0 ? '' : `e${floor3}`}`;
  }
  const target = Math.min(floor3, MAX_DECIMAL_SI_EXP);
  // Bounded by the input: a quantity past 10^18 keeps the `E` suffix with a longer mantissa.
  m *= 10n ** BigInt(e - target);
  return `${sign}${m}${DECIMAL_SUFFIX_OF.get(target) ?? ''}`;
}
