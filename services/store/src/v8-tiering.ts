// How soon V8's optimizing compiler takes over the member's hot code.
//
// V8 compiles a function with TurboFan once it has run about 3,000 times
// (Node 24's --invocation-count-for-turbofan) since it last changed shape.
// Much of a member's work runs once per raft Ready, not once per request:
// receiving a batch, the WAL flush, the apply, answering the batch. At 64
// requests in flight a Ready carries tens of them, so after minutes of load
// those functions may still run in V8's lower tiers, and they are exactly the
// path of one request at a time (a controller's sequential writes).
// A member is a long-running server: compiling them sooner costs a few more
// compilations early, once.
//
// Measured (three fresh members on a 2-core machine, 5 s of puts at 64 in
// flight, then sequential puts in alternating 3 s runs, default against
// this setting, scratch probe over services/store/bench's cluster): 510 ->
// 617, 580 -> 666 and 541 -> 632 sequential puts/s. After 15 s of warm-up
// instead of 5 s, the default reached about the same rate on its own.

import { setFlagsFromString } from 'node:v8';

/** Invocations before TurboFan, for the store's process (V8's default: 3,000). */
export const TURBOFAN_INVOCATIONS = 1_000;

/** Sets the process's tier-up threshold. Process-wide, and meant for a process that serves a member. */
export function tuneTierUp(): void {
  setFlagsFromString(`--invocation-count-for-turbofan=${TURBOFAN_INVOCATIONS}`);
}
