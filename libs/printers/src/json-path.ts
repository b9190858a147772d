// Reading decoded JSON the way Go's typed structs would see it: a missing or
// mistyped field reads as its zero value ('' / 0 / false / empty). Objects
// reaching the printers were validated on write; the zero-value reading only
// keeps a half-filled status from breaking a whole table.

type Key = string | number;

export function at(value: unknown, ...path: readonly Key[]): unknown {
  let cur = value;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<Key, unknown>)[k];
  }
  return cur;
}

export function str(value: unknown, ...path: readonly Key[]): string {
  const v = at(value, ...path);
  return typeof v === 'string' ? v : '';
}

export function num(value: unknown, ...path: readonly Key[]): number {
  const v = at(value, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A pointer field: undefined when absent (Go nil), else the value. */
export function optNum(value: unknown, ...path: readonly Key[]): number | undefined {
  const v = at(value, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function optStr(value: unknown, ...path: readonly Key[]): string | undefined {
  const v = at(value, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function bool(value: unknown, ...path: readonly Key[]): boolean {
  return at(value, ...path) === true;
}

export function optBool(value: unknown, ...path: readonly Key[]): boolean | undefined {
  const v = at(value, ...path);
  return typeof v === 'boolean' ? v : undefined;
}

export function arr(value: unknown, ...path: readonly Key[]): readonly unknown[] {
  const v = at(value, ...path);
  return Array.isArray(v) ? (v as unknown[]) : [];
}

export function rec(value: unknown, ...path: readonly Key[]): Readonly<Record<string, unknown>> {
  const v = at(value, ...path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Go's `x != nil` for a pointer or slice field. */
export function present(value: unknown, ...path: readonly Key[]): boolean {
  const v = at(value, ...path);
  return v !== undefined && v !== null;
}

/** Integer-or-string (intstr.IntOrString.String()). */
export function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v));
  return typeof v === 'string' ? v : '';
}
