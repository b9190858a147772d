// How deep a decoded body may nest. kube's JSON reader stops at 10,000
// levels ("exceeded max depth"); ours stops at 1,000, because the recursive
// steps after decoding (copies, patches, field sets) must not run out of
// stack, and no object kube serves comes near it. The check itself is
// iterative, so it cannot overflow on what it is guarding against.

export const MAX_BODY_DEPTH = 1_000;

/** Whether `value` has objects or arrays nested more than `max` levels deep. */
export function exceedsDepth(value: unknown, max = MAX_BODY_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
