// The two renderings of an event: the JSON line (audit.k8s.io/v1, one event
// per line) and kube's "legacy" single-line text, which is also how plugin
// errors name the events they affected.

import { goQuote } from '@logbook/apimachinery';
import { microTimeToRfc3339Nano } from './time-format.ts';
import type { AuditEvent } from './types.ts';

export const LOG_FORMATS = ['json', 'legacy'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

function quotedList(items: readonly string[]): string {
  return items.map(goQuote).join(',');
}

/** kube's EventString. */
export function legacyEventString(ev: AuditEvent): string {
  let username = '<none>';
  let groups = '<none>';
  if (ev.user.username !== '') {
    username = ev.user.username;
    if (ev.user.groups !== undefined && ev.user.groups.length > 0) groups = quotedList(ev.user.groups);
  }
  let asUser = '<self>';
  let asGroups = '<lookup>';
  if (ev.impersonatedUser !== undefined) {
    asUser = ev.impersonatedUser.username;
    if (ev.impersonatedUser.groups !== undefined) asGroups = quotedList(ev.impersonatedUser.groups);
  }
  const namespace = ev.objectRef?.namespace !== undefined && ev.objectRef.namespace !== '' ? ev.objectRef.namespace : '<none>';
  const response = ev.responseStatus === undefined ? '<deferred>' : String(ev.responseStatus.code);
  const ip = ev.sourceIPs?.[0] ?? '<unknown>';
  return `${microTimeToRfc3339Nano(ev.requestReceivedTimestamp)} AUDIT: id=${goQuote(ev.auditID)} stage=${goQuote(ev.stage)} ip=${goQuote(ip)} ` +
    `method=${goQuote(ev.verb)} user=${goQuote(username)} groups=${goQuote(groups)} as=${goQuote(asUser)} asgroups=${goQuote(asGroups)} ` +
    `user-agent=${goQuote(ev.userAgent ?? '')} namespace=${goQuote(namespace)} uri=${goQuote(ev.requestURI)} response="${response}"`;
}

export function formatEventLine(ev: AuditEvent, format: LogFormat): string {
  return (format === 'json' ? JSON.stringify(ev) : legacyEventString(ev)) + '\n';
}
