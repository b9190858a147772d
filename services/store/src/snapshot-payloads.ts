// How the store's Raft snapshots travel between members: a snapshot in copy
// form (libs/store-machine/src/snapshot-copies.ts) is sent as its LMDB copy
// file, read from disk a chunk at a time, and received straight into a copy
// file of the same index; only the Raft snapshot's small data rides in the
// stream's header. An inline snapshot (taken before copies existed, or by a
// member without them) travels in memory, as the transport does by default.

import { decodeSnapshotData, type LogIndex, type Message } from '@logbook/raft';
import { decodeCopyDescriptor, type SnapshotCopies } from '@logbook/store-machine';
import { inMemorySnapshotPayloads, type IncomingSnapshot, type OutgoingSnapshot, type SnapshotPayloads } from '@logbook/transport';

/** The copy index a MsgSnap's data names, or undefined for an inline snapshot. */
function copyIndexOf(m: Message): LogIndex | undefined {
  const snap = m.snapshot;
  if (snap === undefined || snap.data.byteLength === 0) return undefined;
  const index = decodeCopyDescriptor(decodeSnapshotData(snap.data).app);
  if (index !== undefined && index !== snap.metadata.index) {
    throw new Error(`snapshot at ${snap.metadata.index} names the copy of ${index}`);
  }
  return index;
}

export function copySnapshotPayloads(copies: SnapshotCopies): SnapshotPayloads {
  return {
    async open(m: Message): Promise<OutgoingSnapshot> {
      const index = copyIndexOf(m);
      if (index === undefined) return inMemorySnapshotPayloads.open(m);
      // Missing (never taken, or pruned): the send fails and raft retries with the newest snapshot.
      const reader = await copies.read(index);
      return { headerData: m.snapshot!.data, size: reader.size, chunks: reader.chunks, close: () => reader.close() };
    },
    async receive(header: Message, size: number): Promise<IncomingSnapshot> {
      const index = copyIndexOf(header);
      if (index === undefined) return inMemorySnapshotPayloads.receive(header, size);
      const writer = await copies.receive(index);
      return {
        write: (bytes: Uint8Array) => writer.write(bytes),
        complete: async () => {
          await writer.complete();
          return header.snapshot!.data;
        },
        abort: () => writer.abort(),
      };
    },
  };
}
