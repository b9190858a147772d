// proto/etcd/*.proto against etcd's wire contract: the service table used by
// the server equals the .proto, and the facts clients depend on (package
// names, streaming shapes, odd field numbers, enum orders) are pinned.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { COMPARE_RESULTS, EVENT_TYPES, SORT_ORDERS, SORT_TARGETS } from '@logbook/mvcc';
import { COMPARE_TARGETS, ETCD_SERVICES } from '../src/index.ts';

const protoDir = join(import.meta.dirname, '..', '..', '..', 'proto', 'etcd');
const root = protobuf.loadSync([join(protoDir, 'rpc.proto'), join(protoDir, 'kv.proto')]).resolveAll();

describe('services', () => {
  it('ETCD_SERVICES equals the services declared in rpc.proto', () => {
    const declared = Object.fromEntries(
      ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance'].map((s) => {
        const service = root.lookupService(`etcdserverpb.${s}`);
        return [
          service.fullName.slice(1),
          service.methodsArray.map((m) => ({
            name: m.name,
            path: `/${service.fullName.slice(1)}/${m.name}`,
            requestStream: m.requestStream === true,
            responseStream: m.responseStream === true,
            requestType: m.resolvedRequestType?.fullName.slice(1),
            responseType: m.resolvedResponseType?.fullName.slice(1),
          })),
        ];
      }),
    );
    assert.deepStrictEqual(declared, Object.fromEntries(Object.entries(ETCD_SERVICES).map(([k, v]) => [k, v.map((m) => ({ ...m }))])));
  });

  it('has etcd\'s method paths and streaming shapes', () => {
    const byPath = new Map(Object.values(ETCD_SERVICES).flat().map((m) => [m.path, m]));
    const shape = (path: string): string => {
      const m = byPath.get(path);
      assert.ok(m, `missing ${path}`);
      return `${m.requestStream ? 'stream ' : ''}${m.requestType} -> ${m.responseStream ? 'stream ' : ''}${m.responseType}`;
    };
    assert.equal(shape('/etcdserverpb.KV/Range'), 'etcdserverpb.RangeRequest -> etcdserverpb.RangeResponse');
    assert.equal(shape('/etcdserverpb.KV/Compact'), 'etcdserverpb.CompactionRequest -> etcdserverpb.CompactionResponse');
    assert.equal(shape('/etcdserverpb.Watch/Watch'), 'stream etcdserverpb.WatchRequest -> stream etcdserverpb.WatchResponse');
    assert.equal(shape('/etcdserverpb.Lease/LeaseKeepAlive'), 'stream etcdserverpb.LeaseKeepAliveRequest -> stream etcdserverpb.LeaseKeepAliveResponse');
    assert.equal(shape('/etcdserverpb.Maintenance/Snapshot'), 'etcdserverpb.SnapshotRequest -> stream etcdserverpb.SnapshotResponse');
    assert.equal(shape('/etcdserverpb.Maintenance/HashKV'), 'etcdserverpb.HashKVRequest -> etcdserverpb.HashKVResponse');
    assert.equal(shape('/etcdserverpb.Cluster/MemberPromote'), 'etcdserverpb.MemberPromoteRequest -> etcdserverpb.MemberPromoteResponse');
    assert.equal(byPath.size, 5 + 1 + 5 + 5 + 7);
  });
});

describe('messages', () => {
  const id = (type: string, fieldName: string): number => root.lookupType(type).fields[fieldName]?.id ?? -1;

  it('keeps the field numbers etcd clients depend on', () => {
    assert.equal(id('etcdserverpb.Compare', 'rangeEnd'), 64);
    assert.equal(id('etcdserverpb.Compare', 'lease'), 8);
    assert.equal(id('etcdserverpb.WatchResponse', 'events'), 11);
    assert.equal(id('etcdserverpb.WatchResponse', 'fragment'), 7);
    assert.equal(id('etcdserverpb.WatchCreateRequest', 'watchId'), 7);
    assert.equal(id('etcdserverpb.LeaseGrantRequest', 'TTL'), 1);
    assert.equal(id('etcdserverpb.LeaseGrantRequest', 'ID'), 2);
    assert.equal(id('etcdserverpb.LeaseTimeToLiveResponse', 'grantedTTL'), 4);
    assert.equal(id('etcdserverpb.StatusResponse', 'dbSizeInUse'), 9);
    assert.equal(id('etcdserverpb.HashKVResponse', 'hashRevision'), 4);
    assert.equal(id('etcdserverpb.ResponseHeader', 'raftTerm'), 4);
    assert.equal(id('mvccpb.KeyValue', 'lease'), 6);
    assert.equal(id('mvccpb.Event', 'prevKv'), 3);
    assert.equal(root.lookupType('etcdserverpb.ResponseHeader').fields['revision']?.type, 'int64');
    assert.equal(root.lookupType('etcdserverpb.ResponseHeader').fields['clusterId']?.type, 'uint64');
    assert.deepStrictEqual(root.lookupType('etcdserverpb.Compare').oneofs['targetUnion']?.oneof, ['version', 'createRevision', 'modRevision', 'value', 'lease']);
  });

  it('has enum values in the order the codecs index them by', () => {
    const values = (name: string): string[] => {
      const e = root.lookupEnum(name);
      const sorted = Object.entries(e.values).sort((a, b) => a[1] - b[1]);
      assert.deepStrictEqual(sorted.map(([, v]) => v), sorted.map((_, i) => i), `${name} is not dense from 0`);
      return sorted.map(([k]) => k);
    };
    assert.deepStrictEqual(values('etcdserverpb.RangeRequest.SortOrder'), [...SORT_ORDERS]);
    assert.deepStrictEqual(values('etcdserverpb.RangeRequest.SortTarget'), [...SORT_TARGETS]);
    assert.deepStrictEqual(values('etcdserverpb.Compare.CompareResult'), [...COMPARE_RESULTS]);
    assert.deepStrictEqual(values('etcdserverpb.Compare.CompareTarget'), [...COMPARE_TARGETS]);
    assert.deepStrictEqual(values('mvccpb.Event.EventType'), [...EVENT_TYPES]);
    assert.deepStrictEqual(values('etcdserverpb.AlarmType'), ['NONE', 'NOSPACE', 'CORRUPT']);
    assert.deepStrictEqual(values('etcdserverpb.WatchCreateRequest.FilterType'), ['NOPUT', 'NODELETE']);
  });
});
