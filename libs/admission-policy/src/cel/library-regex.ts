// kube's regex library: `find` and `findAll` on strings. Patterns are RE2 in
// kube; JavaScript's engine accepts the common subset, and a pattern it cannot
// compile fails the call with RE2's "error parsing regexp" prefix.

import { celMethod, CelScalar, listType, type CelFunc } from '@bufbuild/cel';

const { STRING, INT } = CelScalar;

// Compiled patterns are reused across evaluations; the map is bounded and
// simply cleared when full, because recompiling is cheap and correctness does
// not depend on the cache.
const MAX_CACHED_PATTERNS = 256;
const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'gu');
    } catch (err) {
      throw new Error(`error parsing regexp: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (cache.size >= MAX_CACHED_PATTERNS) cache.clear();
    cache.set(pattern, re);
  }
  re.lastIndex = 0;
  return re;
}

function findAll(s: string, pattern: string, limit: number): string[] {
  const out: string[] = [];
  if (limit === 0) return out;
  const re = compile(pattern);
  for (const m of s.matchAll(re)) {
    out.push(m[0]);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

export const regexLibrary: readonly CelFunc[] = [
  celMethod('find', STRING, [STRING], STRING, function (pattern) {
    return findAll(this, pattern, 1)[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], listType(STRING), function (pattern) {
    return findAll(this, pattern, -1);
  }),
  celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (pattern, n) {
    return findAll(this, pattern, n < 0n ? -1 : Number(n));
  }),
];
