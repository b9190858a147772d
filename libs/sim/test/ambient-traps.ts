// Runs fn with Math.random, Date.now, performance.now and the timer functions
// replaced by traps that throw, so a test proves a simulation reads no ambient
// time or randomness. Own properties shadow the real functions; deleting them
// (or restoring the saved descriptor) puts the originals back.

export async function withAmbientTraps<T>(fn: () => Promise<T>): Promise<T> {
  const trap = (name: string) => () => {
    throw new Error(`simulation called ${name}`);
  };
  const targets: [object, string][] = [
    [Math, 'random'],
    [Date, 'now'],
    [performance, 'now'],
    [globalThis, 'setTimeout'],
    [globalThis, 'setImmediate'],
    [globalThis, 'setInterval'],
  ];
  const saved = targets.map(([obj, key]) => Object.getOwnPropertyDescriptor(obj, key));
  try {
    for (const [obj, key] of targets) Object.defineProperty(obj, key, { value: trap(key), configurable: true, writable: true });
    return await fn();
  } finally {
    targets.forEach(([obj, key], i) => {
      const d = saved[i];
      if (d === undefined) Reflect.deleteProperty(obj, key);
      else Object.defineProperty(obj, key, d);
    });
  }
}
