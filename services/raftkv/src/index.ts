// @logbook/raftkv: a minimal replicated key/value service over the raft
// runtime — a stepping stone until the etcd-compatible store replaces its
// state machine.
export { KvStateMachine } from './kv-state-machine.ts';
export { encodeCommand, decodeCommand, validateKey, MAX_KEY_BYTES, type KvCommand, type KvResult } from './kv-command.ts';
export { KvService, type KvGetResult } from './kv-service.ts';
export { createHttpApi, type HttpApiOptions } from './http-api.ts';
export { toHttpError, BadRequestError, type HttpError } from './http-errors.ts';
export { parseMemberConfig, memberHelp, MEMBER_FLAGS, type MemberConfig, type MemberConfigResult } from './member-config.ts';
export { startMember, type RunningMember } from './member.ts';
export { memberMain, type MainIo } from './main.ts';
export { KvClient, type KvResponse, type KvClientOptions } from './kv-client.ts';
export { PipelineClient, type PipelineResponse } from './pipeline-client.ts';
export { LocalCluster, freePorts, type LocalClusterOptions, type ClusterMember } from './local-cluster.ts';
