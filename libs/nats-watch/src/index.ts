// @logbook/nats-watch: the apiserver's watch caches fed from the store's NATS
// subjects instead of one store watch per cache, repaired from the store's
// history whenever NATS may have lost something (DESIGN.md).
export { NatsWatchHub, type NatsWatchHubOptions, type HubEvent, type HubMessage } from './hub.ts';
export { FeedWatch, DEFAULT_FEED_LIMITS, type FeedLimits, type FeedStore, type FeedWatchOptions } from './feed-watch.ts';
export { NatsFeed, type NatsFeedOptions } from './nats-feed.ts';
