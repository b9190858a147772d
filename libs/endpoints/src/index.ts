// @logbook/endpoints: the apiserver's HTTP front end — filter chain, handlers, encodings.

export type { ResponseSink, RequestSource } from './http-types.ts';
export { headerValue } from './http-types.ts';
export { parseMediaType } from './media-type.ts';
export type { MediaType } from './media-type.ts';

export {
  negotiateResponse, notAcceptableError, wantsPretty, encodeBody, writeObject, writeStatus, writeWarnings,
  RESPONSE_FORMATS, RESPONSE_MEDIA_TYPES, SERVED_MEDIA_TYPES,
} from './respond.ts';
export type { ResponseFormat, EncodeOptions } from './respond.ts';
export { formatWarningHeaders, warningHeaderValue, parseWarningHeaderValue } from './warning-header.ts';

export { readBody, decodeBody, summarizeData, BodyReadError, DEFAULT_MAX_BODY_BYTES, DECODABLE_MEDIA_TYPES, BODY_READ_ERROR_CODES, PROTOBUF_MEDIA_TYPE } from './body.ts';
export type { BodyReadErrorCode, DecodeOptions, ProtobufBodyDecoder } from './body.ts';
export { goJsonSyntaxError } from './json-syntax.ts';

export { waitForDrain, SYSTEM_TIMERS } from './drain.ts';
export type { DrainResult, Timers } from './drain.ts';
export { serveWatch, WATCH_EVENT_TYPES, DEFAULT_WATCH_MAX_BUFFERED_BYTES, DEFAULT_SLOW_CLIENT_TIMEOUT_MS } from './watch-encoder.ts';
export type { WatchEvent, WatchEventType, WatchEnd, WatchEncoderOptions } from './watch-encoder.ts';
export { writeList, writeListJson, writeListYaml, collectListForYaml, ListStreamError, DEFAULT_MAX_YAML_LIST_ITEMS } from './list-encoder.ts';
export type { ListHead, ListMetadata, ListEncoderOptions, StreamedList } from './list-encoder.ts';

export { HealthEndpoints, HEALTH_ENDPOINTS, DEFAULT_HEALTH_CHECK_TIMEOUT_MS } from './health.ts';
export type { HealthCheck, HealthEndpoint, HealthOptions } from './health.ts';
export { versionInfo, serveVersion } from './version.ts';
export type { VersionInfo, VersionInput } from './version.ts';

export { InflightLimiter, isLongRunning, inflightKind, writeTooManyRequests, TOO_MANY_REQUESTS_MESSAGE, RETRY_AFTER_SECONDS } from './flow-control.ts';
export type { InflightLimits, InflightTicket } from './flow-control.ts';
export {
  ApiserverMetrics, metricVerb, metricScope, metricDryRun, APISERVER_COMPONENT, REQUEST_DURATION_BUCKETS, INFLIGHT_REQUEST_KINDS,
} from './metrics.ts';
export type { RequestFacts, MetricScope, InflightRequestKind } from './metrics.ts';

export { ApiServer, defaultAuthorizer, type ApiServerOptions, type AuditEvent, type ShutdownOptions } from './server.ts';
export { runShutdown, RequestWaitGroup, phaseAtLeast, within, SHUTDOWN_PHASES, SHUTTING_DOWN_MESSAGE } from './shutdown.ts';
export type { ShutdownPhase, ShutdownSteps } from './shutdown.ts';
export { decideGoaway, sendGoaway, validGoawayChance } from './goaway.ts';
export type { GoawaySession } from './goaway.ts';
export { serveResource, type ResourceHandlerOptions, type ResourceRequest, type Caller } from './resource-handler.ts';
export { DiscoveryHandler } from './discovery-handler.ts';
