// Bounds. kube relies on the request-size limit and its JSON decoder's nesting
// cap (10000); Logbook walks objects recursively, so it caps nesting well
// below the JS stack: an object or fieldsV1 deeper than this is rejected with
// TOO_DEEP (400) instead of overflowing the stack. No built-in kind nests
// beyond ~20 levels.
export const MAX_DEPTH = 256;

/** kube's DefaultMaxUpdateManagers: older Update entries merge into `ancient-changes` beyond it. */
export const DEFAULT_MAX_UPDATE_MANAGERS = 10;
