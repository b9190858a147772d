// etcd's v3 services as plain data, for the gRPC server to register handlers
// from. Names, paths and streaming shapes must equal proto/etcd/rpc.proto (a
// test parses the .proto and compares), and the .proto must equal etcd's.

import type { RpcMethodDescriptor } from '@logbook/proto';

const PACKAGE = 'etcdserverpb';

function rpc(service: string, name: string, requestType: string, responseType: string, stream: 'none' | 'bidi' | 'server' = 'none'): RpcMethodDescriptor {
  return {
    name,
    path: `/${PACKAGE}.${service}/${name}`,
    requestStream: stream === 'bidi',
    responseStream: stream !== 'none',
    requestType: `${PACKAGE}.${requestType}`,
    responseType: `${PACKAGE}.${responseType}`,
  };
}

/** Methods of one service: `Request`/`Response` named after the method unless etcd says otherwise. */
function service(name: string, methods: readonly (readonly [method: string, stream?: 'bidi' | 'server' | undefined, messageStem?: string])[]): readonly RpcMethodDescriptor[] {
  return methods.map(([method, stream, stem]) => rpc(name, method, `${stem ?? method}Request`, `${stem ?? method}Response`, stream));
}

/** Fully qualified service name -> its methods. */
export const ETCD_SERVICES: Readonly<Record<string, readonly RpcMethodDescriptor[]>> = {
  [`${PACKAGE}.KV`]: service('KV', [['Range'], ['Put'], ['DeleteRange'], ['Txn'], ['Compact', undefined, 'Compaction']]),
  [`${PACKAGE}.Watch`]: service('Watch', [['Watch', 'bidi']]),
  [`${PACKAGE}.Lease`]: service('Lease', [['LeaseGrant'], ['LeaseRevoke'], ['LeaseKeepAlive', 'bidi'], ['LeaseTimeToLive'], ['LeaseLeases']]),
  [`${PACKAGE}.Cluster`]: service('Cluster', [['MemberAdd'], ['MemberRemove'], ['MemberUpdate'], ['MemberList'], ['MemberPromote']]),
  [`${PACKAGE}.Maintenance`]: service('Maintenance', [
    ['Alarm'], ['Status'], ['Defragment'], ['Hash'], ['HashKV'], ['Snapshot', 'server'], ['MoveLeader'],
  ]),
};
