// The service descriptor is written by hand for the transport; this test
// keeps it equal to what proto/raft.proto declares.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import protobuf from 'protobufjs';
import { RAFT_SERVICE_METHODS, RAFT_SERVICE_NAME } from '../src/index.ts';

const protoFile = join(import.meta.dirname, '..', '..', '..', 'proto', 'raft.proto');

it('matches service Raft in proto/raft.proto', () => {
  const root = protobuf.loadSync(protoFile).resolveAll();
  const service = root.lookupService(RAFT_SERVICE_NAME);
  const declared = Object.values(service.methods).map((m) => ({
    name: m.name,
    path: `/${RAFT_SERVICE_NAME}/${m.name}`,
    requestStream: m.requestStream === true,
    responseStream: m.responseStream === true,
    requestType: m.resolvedRequestType?.fullName.slice(1),
    responseType: m.resolvedResponseType?.fullName.slice(1),
  }));
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
  assert.deepStrictEqual(declared.sort(byName), Object.values(RAFT_SERVICE_METHODS).map((m) => ({ ...m })).sort(byName));
});
