// The WatchFeed the apiserver gives each watch cache when --nats-url is set:
// one FeedWatch per cache follow, all sharing the hub's connection.

import type { KubeObject, Logger, ValueTransformer, Watch, WatchFeed } from '@logbook/apistorage';
import { FeedWatch, type FeedLimits, type FeedStore } from './feed-watch.ts';
import type { NatsWatchHub } from './hub.ts';

export interface NatsFeedOptions {
  readonly hub: NatsWatchHub;
  readonly store: FeedStore;
  readonly logger: Logger;
  readonly limits?: Partial<FeedLimits>;
  readonly onPhase?: (prefix: string, phase: 'direct' | 'nats', why: string) => void;
  /** Encryption at rest: how the store's published (stored) bytes become JSON. */
  readonly transformer?: ValueTransformer;
}

export class NatsFeed implements WatchFeed {
  readonly #o: NatsFeedOptions;

  constructor(o: NatsFeedOptions) {
    this.#o = o;
  }

  watch(prefix: string, fromRevision: number, lookup: (key: string) => KubeObject | undefined, signal: AbortSignal): Watch {
    const { onPhase } = this.#o;
    return new FeedWatch({
      hub: this.#o.hub, store: this.#o.store, prefix, fromRevision, lookup, signal, logger: this.#o.logger, transformer: this.#o.transformer,
      ...(this.#o.limits !== undefined ? { limits: this.#o.limits } : {}),
      ...(onPhase !== undefined ? { onPhase: (phase: 'direct' | 'nats', why: string) => onPhase(prefix, phase, why) } : {}),
    });
  }
}
