// The server's decode boundary, driven by a raw gRPC client that sends bytes
// the codecs would never produce.

import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { RAFT_SERVICE_METHODS, logbook } from '@logbook/proto';
import { startMember, waitFor } from './helpers.ts';
import type { Member } from './helpers.ts';

let member: Member | undefined;
after(async () => {
  await member?.transport.close();
});

function sendRaw(address: string, frames: Buffer[]): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeClientStreamRequest<Buffer, Buffer>(
      RAFT_SERVICE_METHODS.send.path,
      (b) => b,
      (b) => b,
      (err) => {
        client.close();
        resolve(err);
      },
    );
    for (const f of frames) call.write(f);
    call.end();
  });
}

it('fails a stream carrying an undecodable message and logs why', async () => {
  member = await startMember(2);
  const good = Buffer.from(logbook.raft.v1.Message.encode({ type: logbook.raft.v1.MessageType.MSG_HEARTBEAT, from: 1, to: 2, term: 1 }).finish());
  const badEnum = Buffer.from(logbook.raft.v1.Message.encode({ type: 77 as logbook.raft.v1.MessageType, from: 1, to: 2 }).finish());
  const err = await sendRaw(member.address, [good, badEnum, good]);
  assert.equal(err?.code, grpc.status.INTERNAL);
  await waitFor('the decode error to be logged', () => member!.logger.has('warn', 'undecodable'));
  const log = member.logger.records.find((r) => r.msg.includes('undecodable'));
  assert.equal(log?.fields.code, 'invalid-enum');
  assert.equal(log?.fields.method, 'Send');
  // The message before the bad one was delivered; nothing after it.
  assert.deepStrictEqual(member.handler.received.map((m) => m.type), ['MsgHeartbeat']);
});
