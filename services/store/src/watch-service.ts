// etcdserverpb.Watch: one bidirectional stream carries many watchers. Each
// watcher's responses are pumped onto the stream in order; the stream's
// write buffer is the only buffer past the watcher's own bounded queue, and a
// pump waits for 'drain' when it is full, so a slow client slows only its
// own watchers (whose queues then overflow into history catch-up).

import * as api from '@logbook/etcd-api';
import { WatchError, type Watcher, type WatchResponse } from '@logbook/watch';
import { streaming, type EtcdServiceHandlers } from './grpc-plumbing.ts';
import type { StreamCall } from '@logbook/grpc-server';
import type { StoreNode } from './store-node.ts';
import { WatchResponseEncoder } from './watch-response-encoder.ts';

let streamCounter = 0;

function serveStream(store: StoreNode, encoder: WatchResponseEncoder, call: StreamCall): void {
  const streamId = `w${++streamCounter}`;
  const watchers = new Map<number, Watcher>();
  let ended = false;

  // Every watcher's pump blocked on a full stream waits on the call's one drain promise.
  const send = async (r: WatchResponse): Promise<void> => {
    if (ended) return;
    if (!call.write(encoder.encode(r, store.identity()))) await call.drained();
  };

  const pump = async (w: Watcher): Promise<void> => {
    try {
      for (;;) {
        const next = await w.next();
        if (next.done === true || ended) break;
        await send(next.value);
      }
    } finally {
      if (watchers.get(w.id) === w) watchers.delete(w.id);
    }
  };

  const end = (): void => {
    if (ended) return;
    ended = true;
    store.hub.closeStream(streamId);
  };

  call.onMessage((bytes) => {
    if (ended) return;
    let req: api.WatchRequest | undefined;
    try {
      req = api.decodeWatchRequest(bytes);
    } catch (err) {
      end();
      call.end(err);
      return;
    }
    if (req === undefined) return; // etcd ignores a request with no union member set
    switch (req.type) {
      case 'create': {
        let w: Watcher;
        try {
          w = store.hub.create({ ...req.create, streamId });
        } catch (err) {
          if (!(err instanceof WatchError)) throw err;
          // etcd answers a refused create on the stream itself: created and canceled at once.
          void send({
            header: { revision: store.sm.mvcc.currentRevision },
            watchId: req.create.watchId ?? -1,
            created: true,
            canceled: true,
            compactRevision: 0,
            cancelReason: err.message,
            fragment: false,
            events: [],
          });
          return;
        }
        watchers.set(w.id, w);
        void pump(w);
        return;
      }
      case 'cancel':
        watchers.get(req.watchId)?.cancel();
        return;
      case 'progress':
        store.hub.requestProgress(streamId);
        return;
    }
  });
  call.onHalfClose(() => {
    end();
    call.end();
  });
  call.onClose(end);
}

export function watchService(store: StoreNode): EtcdServiceHandlers {
  // One encoder for every stream: a revision's events are encoded once for all of them.
  const encoder = new WatchResponseEncoder();
  return { Watch: streaming((call) => serveStream(store, encoder, call)) };
}
