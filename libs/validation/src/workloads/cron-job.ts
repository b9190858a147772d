// batch/v1 CronJob validation: schedule, time zone, policies and the job
// template (whose selector kube always generates).

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { validateObjectMeta, validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { nonNegative } from './common.ts';
import { cronScheduleError } from './cron-schedule.ts';
import { isSet, numAt, objAt, strAt, type JsonObjectLike } from './json.ts';
import { validateJobSpecBody } from './job.ts';
import { isKnownTimeZone, validateTimeZone } from './time-zone.ts';

const SPEC = FieldPath.root('spec');
const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;
/** The controller names jobs `<cronjob>-<11-character timestamp>`, which must fit 63 characters. */
export const MAX_CRON_JOB_NAME_LENGTH = 52;

function validateSchedule(schedule: string, allowTZ: boolean, hasTimeZone: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const err = cronScheduleError(schedule, isKnownTimeZone);
  if (err !== undefined) errs.push(field.invalid(path, schedule, err));
  if (schedule.includes('TZ')) {
    if (allowTZ && hasTimeZone) errs.push(field.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ) errs.push(field.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return errs;
}

function validateJobTemplate(template: JsonObjectLike, path: FieldPath): FieldError[] {
  const spec = objAt(template, 'spec') ?? {};
  const errs = validateJobSpecBody(spec, path.child('spec'));
  if (isSet(spec, 'selector')) errs.push(field.invalid(path.child('spec', 'selector'), spec.selector, '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(field.notSupported(path.child('spec', 'manualSelector'), true, ['nil', 'false']));
  return errs;
}

function validateCronJobSpec(spec: JsonObjectLike, oldSpec: JsonObjectLike | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = strAt(spec, 'schedule');
  if (schedule === '') errs.push(field.required(SPEC.child('schedule'), ''));
  else errs.push(...validateSchedule(schedule, oldSpec !== undefined && strAt(oldSpec, 'schedule').includes('TZ'), isSet(spec, 'timeZone'), SPEC.child('schedule')));
  errs.push(...nonNegative(numAt(spec, 'startingDeadlineSeconds'), SPEC.child('startingDeadlineSeconds')));
  const tz = spec.timeZone;
  // An unchanged zone is not re-checked, so a zone dropped from the tz database does not block updates.
  if (typeof tz === 'string' && (oldSpec === undefined || oldSpec.timeZone !== tz)) errs.push(...validateTimeZone(tz, SPEC.child('timeZone')));
  const policy = strAt(spec, 'concurrencyPolicy');
  if (policy === '') errs.push(field.required(SPEC.child('concurrencyPolicy'), ''));
  else if (!(CONCURRENCY_POLICIES as readonly string[]).includes(policy)) errs.push(field.notSupported(SPEC.child('concurrencyPolicy'), policy, CONCURRENCY_POLICIES));
  errs.push(...validateJobTemplate(objAt(spec, 'jobTemplate') ?? {}, SPEC.child('jobTemplate')));
  errs.push(...nonNegative(numAt(spec, 'successfulJobsHistoryLimit'), SPEC.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(numAt(spec, 'failedJobsHistoryLimit'), SPEC.child('failedJobsHistoryLimit')));
  return errs;
}

export function validateCronJob(obj: JsonObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateCronJobSpec(objAt(obj, 'spec') ?? {}, undefined));
  const name = strAt(obj.metadata, 'name');
  if (name.length > MAX_CRON_JOB_NAME_LENGTH) {
    errs.push(field.invalid(FieldPath.root('metadata', 'name'), name, `must be no more than ${MAX_CRON_JOB_NAME_LENGTH} characters`));
  }
  return errs;
}

/** On update the 52-character limit is not applied, so older long-named CronJobs stay manageable. */
export function validateCronJobUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateCronJobSpec(objAt(obj, 'spec') ?? {}, objAt(old, 'spec') ?? {})];
}
