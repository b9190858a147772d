// The pure consensus core: no I/O, no timers, no clocks, no randomness of its own.
export * from './types.ts';
export * from './errors.ts';
export type { Storage, InitialState } from './storage.ts';
export * from './config.ts';
export * from './ready.ts';
export * from './logger.ts';
export { MemoryStorage, BOOTSTRAP_INDEX, bootstrapSnapshot, bootstrapHardState } from './memory-storage.ts';
export { RawNode } from './raw-node.ts';
export { encodeConfChange, decodeConfChange } from './conf-change.ts';
export { seededRandom } from './seeded-random.ts';
