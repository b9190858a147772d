// etcdserverpb.Watch: one bidirectional stream carries many watchers. Each
// watcher's responses are pumped onto the stream in order; the stream's
// write buffer is the only buffer past the watcher's own bounded queue, and a
// pump waits for 'drain' when it is full, so a slow client slows only its
// own watchers (whose queues then overflow into history catch-up).

import type * as grpc from '@grpc/grpc-js';
import * as api from '@logbook/etcd-api';
import { WatchError, type Watcher, type WatchResponse } from '@logbook/watch';
import { toServiceError } from './grpc-errors.ts';
import { asBuffer, rawServiceDefinition } from './grpc-plumbing.ts';
import type { StoreNode } from './store-node.ts';

let streamCounter = 0;

function waitDrain(call: grpc.ServerDuplexStream<Buffer, Buffer>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('close', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    call.on('cancelled', done);
  });
}

function serveStream(store: StoreNode, call: grpc.ServerDuplexStream<Buffer, Buffer>): void {
  const streamId = `w${++streamCounter}`;
  const watchers = new Map<number, Watcher>();
  let ended = false;

  // One wait for 'drain' per stream, however many watchers' pumps are blocked on it
  // (a listener each would pile up on a stream carrying many watches).
  let drained: Promise<void> | undefined;
  const send = async (r: WatchResponse): Promise<void> => {
    if (ended) return;
    const ok = call.write(asBuffer(api.encodeWatchResponse(r, store.identity())));
    if (!ok) {
      drained ??= waitDrain(call).finally(() => (drained = undefined));
      await drained;
    }
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

  call.on('data', (bytes: Buffer) => {
    if (ended) return;
    let req: api.WatchRequest | undefined;
    try {
      req = api.decodeWatchRequest(bytes);
    } catch (err) {
      end();
      call.emit('error', toServiceError(err));
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
  call.on('end', () => {
    end();
    call.end();
  });
  call.on('cancelled', end);
  call.on('error', end);
  call.on('close', end);
}

export function watchService(store: StoreNode): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  return {
    definition: rawServiceDefinition('Watch'),
    implementation: {
      Watch: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => serveStream(store, call),
    },
  };
}
