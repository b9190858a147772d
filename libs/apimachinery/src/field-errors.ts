// Field-level validation errors, rendered exactly as kube's field.Error so the
// 422 messages and causes clients show match kube-apiserver's byte for byte.

import { goQuote } from './go-format.ts';

/** A path to a field: `spec.containers[0].image`, `metadata.labels[foo]`. Immutable. */
export class FieldPath {
  readonly #parent: FieldPath | undefined;
  readonly #name: string;
  readonly #index: string;

  private constructor(parent: FieldPath | undefined, name: string, index: string) {
    this.#parent = parent;
    this.#name = name;
    this.#index = index;
  }

  static root(name: string, ...more: readonly string[]): FieldPath {
    let p = new FieldPath(undefined, name, '');
    for (const n of more) p = p.child(n);
    return p;
  }

  child(name: string, ...more: readonly string[]): FieldPath {
    let p = new FieldPath(this, name, '');
    for (const n of more) p = p.child(n);
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, '', String(i));
  }

  key(k: string): FieldPath {
    return new FieldPath(this, '', k);
  }

  toString(): string {
    const elems: FieldPath[] = [this];
    for (let p = this.#parent; p !== undefined; p = p.#parent) elems.unshift(p);
    let out = '';
    for (const p of elems) {
      if (p.#name.length > 0) {
        if (p.#parent !== undefined) out += '.';
        out += p.#name;
      } else {
        out += `[${p.#index}]`;
      }
    }
    return out;
  }
}

/** A field given as a path, a ready-made string, or nothing (kube prints a nil path as `<nil>`). */
export type FieldRef = FieldPath | string | undefined;

function fieldString(f: FieldRef): string {
  if (f === undefined) return '<nil>';
  return typeof f === 'string' ? f : f.toString();
}

export const FIELD_ERROR_TYPES = [
  'FieldValueNotFound',
  'FieldValueRequired',
  'FieldValueDuplicate',
  'FieldValueInvalid',
  'FieldValueNotSupported',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'InternalError',
  'FieldValueTypeInvalid',
] as const;

export type FieldErrorType = (typeof FIELD_ERROR_TYPES)[number];

const TYPE_TEXT: Readonly<Record<FieldErrorType, string>> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marks a bad value that must not appear in the message (kube's omitValue). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/** Types whose message never shows the bad value. */
const VALUELESS: ReadonlySet<FieldErrorType> = new Set(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

export class FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue: unknown;
  readonly detail: string;

  constructor(type: FieldErrorType, field: FieldRef, badValue: unknown, detail: string) {
    this.type = type;
    this.field = fieldString(field);
    this.badValue = badValue;
    this.detail = detail;
  }

  /** kube's ErrorBody(): the message without the field, used as a Status cause message. */
  body(): string {
    let s = TYPE_TEXT[this.type];
    if (!VALUELESS.has(this.type) && this.badValue !== OMIT_VALUE) s += `: ${renderValue(this.badValue)}`;
    if (this.detail.length > 0) s += `: ${this.detail}`;
    return s;
  }

  /** kube's Error(): `<field>: <body>`. */
  message(): string {
    return `${this.field}: ${this.body()}`;
  }

  toString(): string {
    return this.message();
  }
}

// Simple scalars print plainly, strings Go-quoted, anything else as JSON: the
// same three cases kube's ErrorBody distinguishes.
function renderValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined || v === null) return 'null';
  try {
    const json = JSON.stringify(v);
    if (json !== undefined) return json;
  } catch (err: unknown) {
    // Cyclic or otherwise unserialisable: fall through to a plain rendering, as kube falls back to %#v.
    void err;
  }
  return Object.prototype.toString.call(v);
}

export function notFound(field: FieldRef, value: unknown): FieldError {
  return new FieldError('FieldValueNotFound', field, value, '');
}

export function required(field: FieldRef, detail = ''): FieldError {
  return new FieldError('FieldValueRequired', field, '', detail);
}

export function duplicate(field: FieldRef, value: unknown): FieldError {
  return new FieldError('FieldValueDuplicate', field, value, '');
}

export function invalid(field: FieldRef, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueInvalid', field, value, detail);
}

export function typeInvalid(field: FieldRef, value: unknown, detail: string): FieldError {
  return new FieldError('FieldValueTypeInvalid', field, value, detail);
}

export function notSupported(field: FieldRef, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? 'supported values: ' + validValues.map(goQuote).join(', ') : '';
  return new FieldError('FieldValueNotSupported', field, value, detail);
}

export function forbidden(field: FieldRef, detail: string): FieldError {
  return new FieldError('FieldValueForbidden', field, '', detail);
}

/** The value is never shown; a negative maxLength means "unknown limit". */
export function tooLong(field: FieldRef, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return new FieldError('FieldValueTooLong', field, '<value omitted>', detail);
}

/** A negative actualQuantity leaves the count out of the message. */
export function tooMany(field: FieldRef, actualQuantity: number, maxQuantity: number): FieldError {
  const detail = maxQuantity >= 0 ? `must have at most ${maxQuantity} ${maxQuantity === 1 ? 'item' : 'items'}` : 'has too many items';
  return new FieldError('FieldValueTooMany', field, actualQuantity >= 0 ? actualQuantity : OMIT_VALUE, detail);
}

export function internalError(field: FieldRef, err: Error): FieldError {
  return new FieldError('InternalError', field, err, err.message);
}

/**
 * kube's ErrorList.ToAggregate().Error(): duplicates (by message) dropped, one
 * error printed bare, several as `[a, b]`. Undefined for an empty list.
 */
export function aggregateMessage(errs: readonly FieldError[]): string | undefined {
  const seen = new Set<string>();
  for (const e of errs) seen.add(e.message());
  if (seen.size === 0) return undefined;
  const msgs = [...seen];
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}
