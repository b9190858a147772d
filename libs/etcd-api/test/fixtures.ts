// Shared values for the codec tests: canonical MVCC values (defaults absent),
// so decode(encode(x)) must reproduce x exactly.

import type { KeyValue } from '@logbook/mvcc';
import type { ServerIdentity } from '../src/index.ts';

export const te = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

export const ID: ServerIdentity = { clusterId: 0x1234_5678_9abc, memberId: 42, raftTerm: 7 };

export const kvA: KeyValue = { key: te('/registry/pods/a'), createRevision: 3, modRevision: 9, version: 4, value: te('{"x":1}'), lease: 0 };
export const kvB: KeyValue = { key: te('b'), createRevision: 1, modRevision: 1, version: 1, value: new Uint8Array(0), lease: 2 ** 40 };
