// @logbook/nats-publisher: the store's committed changes, published to NATS
// subjects derived from the key, in revision order, with what a subscriber
// needs to detect a gap (DESIGN.md). Also the subscriber's side of the
// contract (decode, classify, subject mapping) and a nats-server harness for
// tests.

export { NatsPublisher, type NatsPublisherStatus } from './publisher.ts';
export { REVISION_HEADER, PREV_REVISION_HEADER } from './headers.ts';
export { DEFAULT_PREFIX, systemTimers, type ChangeSource, type NatsPublisherOptions, type PublisherTimers } from './options.ts';
export { CONTROL_TOKENS, escapeToken, keyPrefixForSubject, subjectForKey } from './subject.ts';
export { decodePublishedChange, encodePublishedChange, type PublishedChange } from './published-change.ts';
export { CLASSIFICATIONS, classify, type Classification } from './classify.ts';
export { NatsPublisherError, NatsPublisherAssertionError, PUBLISHER_ERROR_CODES, type PublisherErrorCode } from './errors.ts';
export { startNatsServer, type NatsServerHandle, type NatsServerOptions } from './testing/nats-server.ts';
