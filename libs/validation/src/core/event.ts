// Events, as core/v1 and events.k8s.io/v1 serve them. kube validates both
// as the internal core.Event, so events.k8s.io errors name core fields
// (`involvedObject`, `message`); a core/v1 write gets only the legacy checks
// (no metadata rules at all), kept lax for old clients.

import { field, FieldPath, isDNS1123Subdomain, isQualifiedName, type FieldError } from '@logbook/apimachinery';
import type { JsonObject, KindRules } from '../types.ts';
import { byteLength } from './text.ts';
import { num, obj, s } from './json.ts';
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

const LIMIT_128 = 128;
const NOTE_LIMIT = 1024;

/** The internal shape both APIs are checked in. */
interface CoreEvent {
  readonly namespace: string;
  readonly involvedObject: unknown;
  readonly involvedNamespace: string;
  readonly reason: string;
  readonly message: string;
  readonly type: string;
  readonly eventTime: string;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: number;
  readonly source: JsonObject;
  readonly series: JsonObject | undefined;
  readonly action: string;
  readonly related: unknown;
  readonly reportingController: string;
  readonly reportingInstance: string;
}

function fromCoreV1(e: JsonObject): CoreEvent {
  const involved = obj(e['involvedObject']) ?? {};
  return {
    namespace: s(obj(e['metadata'])?.['namespace']), involvedObject: e['involvedObject'] ?? null, involvedNamespace: s(involved['namespace']),
    reason: s(e['reason']), message: s(e['message']), type: s(e['type']), eventTime: s(e['eventTime']),
    firstTimestamp: s(e['firstTimestamp']), lastTimestamp: s(e['lastTimestamp']), count: num(e['count']) ?? 0,
    source: obj(e['source']) ?? {}, series: obj(e['series']), action: s(e['action']), related: e['related'] ?? null,
    reportingController: s(e['reportingComponent']), reportingInstance: s(e['reportingInstance']),
  };
}

function fromEventsV1(e: JsonObject): CoreEvent {
  const regarding = obj(e['regarding']) ?? {};
  return {
    namespace: s(obj(e['metadata'])?.['namespace']), involvedObject: e['regarding'] ?? null, involvedNamespace: s(regarding['namespace']),
    reason: s(e['reason']), message: s(e['note']), type: s(e['type']), eventTime: s(e['eventTime']),
    firstTimestamp: s(e['deprecatedFirstTimestamp']), lastTimestamp: s(e['deprecatedLastTimestamp']), count: num(e['deprecatedCount']) ?? 0,
    source: obj(e['deprecatedSource']) ?? {}, series: obj(e['series']), action: s(e['action']), related: e['related'] ?? null,
    reportingController: s(e['reportingController']), reportingInstance: s(e['reportingInstance']),
  };
}

function legacyValidate(ev: CoreEvent, controllerField: string): FieldError[] {
  const errs: FieldError[] = [];
  const involvedNs = FieldPath.root('involvedObject', 'namespace');
  if (ev.eventTime.length === 0) {
    // Old-style events: the involved object's namespace must match (or the event lives in "default").
    const ok = ev.involvedNamespace.length === 0 ? ev.namespace === '' || ev.namespace === 'default' : ev.namespace === ev.involvedNamespace;
    if (!ok) errs.push(field.invalid(involvedNs, ev.involvedNamespace, 'does not match event.namespace'));
  } else {
    if (ev.involvedNamespace.length === 0 && ev.namespace !== 'default' && ev.namespace !== 'kube-system') {
      errs.push(field.invalid(involvedNs, ev.involvedNamespace, 'does not match event.namespace'));
    }
    if (ev.reportingController.length === 0) errs.push(field.required(controllerField));
    for (const m of isQualifiedName(ev.reportingController)) errs.push(field.invalid(controllerField, ev.reportingController, m));
    if (ev.reportingInstance.length === 0) errs.push(field.required('reportingInstance'));
    if (byteLength(ev.reportingInstance) > LIMIT_128) errs.push(field.invalid('reportingInstance', '', `can have at most ${LIMIT_128} characters`));
    if (ev.action.length === 0) errs.push(field.required('action'));
    if (byteLength(ev.action) > LIMIT_128) errs.push(field.invalid('action', '', `can have at most ${LIMIT_128} characters`));
    if (ev.reason.length === 0) errs.push(field.required('reason'));
    if (byteLength(ev.reason) > LIMIT_128) errs.push(field.invalid('reason', '', `can have at most ${LIMIT_128} characters`));
    if (byteLength(ev.message) > NOTE_LIMIT) errs.push(field.invalid('message', '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(ev.namespace)) errs.push(field.invalid('namespace', ev.namespace, m));
  return errs;
}

function validateSeries(ev: CoreEvent): FieldError[] {
  if (ev.series === undefined) return [];
  const errs: FieldError[] = [];
  if ((num(ev.series['count']) ?? 0) < 2) errs.push(field.invalid('series.count', '', 'should be at least 2'));
  if (s(ev.series['lastObservedTime']).length === 0) errs.push(field.required('series.lastObservedTime'));
  return errs;
}

/** The extra rules events.k8s.io/v1 writes get on create. */
function strictValidate(e: JsonObject, ev: CoreEvent): FieldError[] {
  const errs = validateObjectMeta(e['metadata'], { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateSeries(ev));
  if (ev.eventTime.length === 0) errs.push(field.required('eventTime'));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(field.invalid('type', '', `has invalid value: ${ev.type}`));
  if (ev.firstTimestamp.length > 0) errs.push(field.invalid('firstTimestamp', '', 'needs to be unset'));
  if (ev.lastTimestamp.length > 0) errs.push(field.invalid('lastTimestamp', '', 'needs to be unset'));
  if (ev.count !== 0) errs.push(field.invalid('count', '', 'needs to be unset'));
  if (s(ev.source['component']).length > 0 || s(ev.source['host']).length > 0) errs.push(field.invalid('source', '', 'needs to be unset'));
  return errs;
}

function strictValidateUpdate(e: JsonObject, old: JsonObject, ev: CoreEvent, was: CoreEvent): FieldError[] {
  const errs = [...validateObjectMetaUpdate(e['metadata'], old['metadata']), ...validateSeries(ev)];
  const pairs: [keyof CoreEvent, string][] = [
    ['involvedObject', 'involvedObject'], ['reason', 'reason'], ['message', 'message'], ['source', 'source'],
    ['firstTimestamp', 'firstTimestamp'], ['lastTimestamp', 'lastTimestamp'], ['count', 'count'], ['reason', 'reason'],
    ['type', 'type'], ['eventTime', 'eventTime'], ['action', 'action'], ['related', 'related'],
    ['reportingController', 'reportingController'], ['reportingInstance', 'reportingInstance'],
  ];
  for (const [k, path] of pairs) errs.push(...validateImmutable(ev[k], was[k], FieldPath.root(path)));
  return errs;
}

export const CORE_EVENT_RULES: KindRules = {
  validateCreate: (e) => legacyValidate(fromCoreV1(e), 'reportingComponent'),
  validateUpdate: (e) => legacyValidate(fromCoreV1(e), 'reportingComponent'),
};

export const EVENTS_V1_EVENT_RULES: KindRules = {
  validateCreate: (e) => {
    const ev = fromEventsV1(e);
    return [...legacyValidate(ev, 'reportingController'), ...strictValidate(e, ev)];
  },
  validateUpdate: (e, old) => {
    const ev = fromEventsV1(e);
    return [...legacyValidate(ev, 'reportingController'), ...strictValidateUpdate(e, old, ev, fromEventsV1(old))];
  },
};
