// resource.Quantity's grammar and exact value, for the CEL quantity library.
// A value is a rational num/den kept exact with bigints (binary suffixes are
// whole multiples; decimal ones are powers of ten), so comparisons are exact
// as kube's are.

const FORMAT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export interface QuantityValue {
  readonly num: bigint;
  /** Always positive. */
  readonly den: bigint;
}

const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** The value of a quantity string; throws with apimachinery's message when it is not one. */
export function parseQuantity(text: string): QuantityValue {
  const m = FORMAT.exec(text.trim() === text ? text : '');
  if (m === null || text === '') throw new Error(QUANTITY_FORMAT_ERROR);
  const [, numberPart = '', suffix = ''] = m;
  const unsigned = numberPart.replace(/^[+-]/, '');
  const dots = unsigned.split('.').length - 1;
  if (dots > 1 || !/[0-9]/.test(unsigned)) throw new Error(QUANTITY_FORMAT_ERROR);
  const [intPart = '', fracPart = ''] = unsigned.split('.');
  let num = BigInt((intPart === '' ? '0' : intPart) + fracPart);
  let den = 10n ** BigInt(fracPart.length);
  if (numberPart.startsWith('-')) num = -num;
  const binary = BINARY[suffix];
  if (binary !== undefined) {
    num *= binary;
  } else {
    let exp: number;
    const decimal = DECIMAL[suffix];
    if (decimal !== undefined) exp = decimal;
    else if (/^[eE][-+]?[0-9]+$/.test(suffix)) exp = Number(suffix.slice(1));
    else throw new Error(QUANTITY_FORMAT_ERROR);
    if (Math.abs(exp) > 1000) throw new Error(QUANTITY_FORMAT_ERROR);
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return normalize(num, den);
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function normalize(num: bigint, den: bigint): QuantityValue {
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export function compareQuantity(a: QuantityValue, b: QuantityValue): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function addQuantity(a: QuantityValue, b: QuantityValue, sign: 1n | -1n): QuantityValue {
  return normalize(a.num * b.den + sign * b.num * a.den, a.den * b.den);
}

/** A canonical decimal spelling (the denominator is always 2^x·5^y, so it terminates). */
export function formatQuantity(q: QuantityValue): string {
  if (q.den === 1n) return q.num.toString();
  let scale = 0;
  let den = q.den;
  let num = q.num;
  while (den !== 1n) {
    // Multiply to a power-of-ten denominator: every prime factor is 2 or 5.
    if (den % 10n === 0n) den /= 10n;
    else if (den % 2n === 0n) { den /= 2n; num *= 5n; }
    else if (den % 5n === 0n) { den /= 5n; num *= 2n; }
    else throw new Error('formatQuantity: denominator is not a power of ten');
    scale++;
  }
  const neg = num < 0n;
  const digits = (neg ? -num : num).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`.replace(/0+$/, '').replace(/\.$/, '');
  return neg ? `-${text}` : text;
}
