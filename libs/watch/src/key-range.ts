// Key selection with etcd's watch conventions. Written here rather than
// imported because @logbook/mvcc keeps its interval helpers private.

import type { Bytes } from '@logbook/mvcc';
import { compareBytes } from '@logbook/backend';

export type KeyMatcher = (key: Bytes) => boolean;

export function keyMatcher(key: Bytes, rangeEnd: Bytes | undefined): KeyMatcher {
  if (rangeEnd === undefined || rangeEnd.length === 0) return (k) => compareBytes(k, key) === 0;
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return (k) => compareBytes(k, key) >= 0;
  return (k) => compareBytes(k, key) >= 0 && compareBytes(k, rangeEnd) < 0;
}
