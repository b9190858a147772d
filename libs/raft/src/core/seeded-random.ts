// A small deterministic random source (mulberry32) in the RandomInt shape the
// core takes. Tests and tools that need reproducible runs share this one;
// production members seed it from the OS.

import type { RandomInt } from './config.ts';

export function seededRandom(seed: number): RandomInt {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const x = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(x * n);
  };
}
