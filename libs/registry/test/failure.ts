// The Status a registry call fails with, for tests that assert on kube's code and message.
import assert from 'node:assert/strict';
import { StatusError } from '@logbook/apimachinery';

export async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return { code: err.status.code, message: err.status.message };
    throw err;
  }
  assert.fail('expected a StatusError');
}
