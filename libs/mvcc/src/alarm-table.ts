// Alarm table: alarm[memberId ++ code] = "" for each active alarm, so the
// alarms are part of the replicated state (snapshots carry them, every
// member reads the same ones) and the check on a write is one count.

import type { ReadTxn, WriteTxn } from '@logbook/backend';
import type { AlarmChangeRequest, AlarmChangeResponse, AlarmEntry, StoredAlarm } from './types.ts';
import { TABLE, EMPTY, concat, decodeU64, u64 } from './encoding.ts';

const CODE: Readonly<Record<StoredAlarm, number>> = { NOSPACE: 1, CORRUPT: 2 };
const ALARM_OF: Readonly<Record<number, StoredAlarm>> = { 1: 'NOSPACE', 2: 'CORRUPT' };
const START = new Uint8Array([TABLE.alarm]);
const END = new Uint8Array([TABLE.alarm + 1]);

function alarmKey(memberId: number, alarm: StoredAlarm): Uint8Array {
  return concat(START, u64(memberId), new Uint8Array([CODE[alarm]]));
}

/** Every active alarm, by member id then alarm. */
export function listAlarms(txn: ReadTxn): AlarmEntry[] {
  const out: AlarmEntry[] = [];
  for (const [k] of txn.range(START, END)) {
    const alarm = ALARM_OF[k[9]!];
    if (alarm !== undefined && k.length === 10) out.push({ memberId: decodeU64(k, 1), alarm });
  }
  return out;
}

/** Whether any member's `alarm` is active. */
export function alarmActive(txn: ReadTxn, alarm: StoredAlarm): boolean {
  if (txn.count(START, END) === 0) return false;
  return listAlarms(txn).some((a) => a.alarm === alarm);
}

export function changeAlarm(txn: WriteTxn, r: AlarmChangeRequest): AlarmChangeResponse {
  const key = alarmKey(r.memberId, r.alarm);
  if (r.action === 'activate') txn.put(key, EMPTY);
  else if (txn.get(key) !== undefined) txn.delete(key);
  return { alarms: [{ memberId: r.memberId, alarm: r.alarm }] };
}
