// @logbook/apimachinery: Kubernetes API machinery — Status errors, field errors,
// name rules, label/field selectors, list/watch options and request info.
// Pure: no I/O, no clock; randomness only where injected (generateName).

export {
  StatusError, STATUS_REASONS, OPTIMISTIC_LOCK_ERROR_MSG, groupResourceString, failure,
  notFound, notFoundPath, alreadyExists, conflict, optimisticLockConflict, invalid, badRequest, forbidden,
  methodNotSupported, unsupportedMediaType, notAcceptable, requestEntityTooLarge, tooManyRequests, gone,
  resourceExpired, tooOldResourceVersion, continueExpired, listResourceVersionTooOld, timeout,
  tooLargeResourceVersion, serverTimeout, serviceUnavailable, internalError, unauthorized, successStatus,
  statusFromUnknown, unknownReason,
} from './status.ts';
export type { Status, FailureStatus, StatusReason, StatusCause, StatusDetails, GroupResource, GroupKind } from './status.ts';

export * as field from './field-errors.ts';
export { FieldError, FieldPath, aggregateMessage, FIELD_ERROR_TYPES } from './field-errors.ts';
export type { FieldErrorType, FieldRef } from './field-errors.ts';

export {
  isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, validateLabels, validateAnnotations,
  validateDNS1123SubdomainName, validateDNS1123LabelName, generateName, regexError, maxLenError, emptyError,
  GENERATE_NAME_ALPHABET, MAX_GENERATED_NAME_PREFIX_LENGTH, DNS1123_LABEL_MAX_LENGTH, DNS1123_SUBDOMAIN_MAX_LENGTH,
  QUALIFIED_NAME_MAX_LENGTH, LABEL_VALUE_MAX_LENGTH, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
} from './name-validation.ts';
export type { RandomInt } from './name-validation.ts';

export { SelectorError, SELECTOR_ERROR_CODES } from './selector-error.ts';
export type { SelectorErrorCode } from './selector-error.ts';
export { LabelSelector, parseLabelSelector, fromLabelSelector, LABEL_SELECTOR_OPERATORS } from './label-selector.ts';
export type { LabelSelectorSpec, LabelSelectorRequirementSpec } from './label-selector.ts';
export { newRequirement, requirementMatches, requirementString, LABEL_OPERATORS } from './label-requirement.ts';
export type { LabelRequirement, LabelOperator, Labels } from './label-requirement.ts';
export { FieldSelector, parseFieldSelector, escapeFieldValue, unescapeFieldValue } from './field-selector.ts';
export type { FieldRequirement, FieldOperator } from './field-selector.ts';

export { parseResourceVersion, formatResourceVersion } from './resource-version.ts';
export {
  parseBool, queryBool, queryBoolLenient, queryInt64, rejectOptions, optionsInvalid, parseGetOptions,
  parseDeleteQuery, validateDryRun, DRY_RUN_ALL, PROPAGATION_POLICIES,
} from './query.ts';
export type { BoolResult, GetOptions, DeleteQueryOptions, PropagationPolicy } from './query.ts';
export { parseListOptions, decodeListOptions, validateListOptions, RESOURCE_VERSION_MATCHES } from './list-options.ts';
export type { ListOptions, RawListOptions, ListOptionsConfig, ResourceVersionMatch } from './list-options.ts';

export { parseRequestInfo, REQUEST_VERBS } from './request-info.ts';
export type { RequestInfo, ResourceRequestInfo, NonResourceRequestInfo, RequestVerb } from './request-info.ts';
export { parseWriteOptions, FIELD_VALIDATION_DIRECTIVES, MAX_FIELD_MANAGER_LENGTH } from './write-options.ts';
export type { WriteOptions, WriteOptionsKind, FieldValidation } from './write-options.ts';
export {
  BODY_DIAGNOSTICS, MAX_STRICT_ERRORS, attachBodyDiagnostics, bodyDiagnostics, strictPath, yamlDuplicateKeyLine, yamlUnmarshalErrors, strictDecodingFindings,
} from './strict-decoding.ts';
export type { BodyDiagnostics, DuplicateField, PathSegment, StrictDecodingFindings } from './strict-decoding.ts';
export { MAX_BODY_DEPTH, exceedsDepth } from './nesting-depth.ts';
/** Go's `%q` for a string (kube's messages embed it). */
export { goQuote } from './go-format.ts';
