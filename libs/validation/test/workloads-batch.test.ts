import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../src/types.ts';
import { cronScheduleError, generateJobSelector } from '../src/workloads/index.ts';
import { isKnownTimeZone } from '../src/workloads/time-zone.ts';
import { createErrors, cronJob, job, podSpec, rules, template, updateErrors } from './workloads-fixtures.ts';

/** As the registry runs a Job create: default, generate the selector (uid known), validate. */
function createJob(obj: JsonObject): string[] {
  const r = rules('batch/Job');
  r.default?.(obj);
  generateJobSelector(obj);
  return (r.validateCreate?.(obj) ?? []).map((e) => e.message());
}

function storedJob(spec: JsonObject = {}, status: JsonObject = {}): JsonObject {
  const j = job(spec);
  rules('batch/Job').default?.(j);
  generateJobSelector(j);
  (j.metadata as JsonObject).resourceVersion = '7';
  j.status = status;
  return j;
}

test('cron schedule: valid forms', () => {
  for (const s of ['* * * * *', '*/5 * * * *', '0 0 1 1 *', '0-59/15 0-23 1-31 1-12 0-6', '0 9 * JAN-mar MON-FRI', '5 4 * * sun', '? * * * *',
    '1,2,3 * * * *', '  0   0  *  *  *  ', '@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually', '@every 1h30m', '@every 0',
    'TZ=UTC 0 0 * * *', 'CRON_TZ=America/New_York 0 0 * * *', '5/15 * * * *']) {
    assert.equal(cronScheduleError(s, isKnownTimeZone), undefined, s);
  }
});

test('cron schedule: robfig/cron\'s error messages', () => {
  const cases: Array<[string, string]> = [
    ['', 'empty spec string'],
    ['x', 'expected exactly 5 fields, found 1: [x]'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['0 0 0 * * *', 'expected exactly 5 fields, found 6: [0 0 0 * * *]'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/2/3 * * * *', 'too many slashes: */2/3'],
    ['a * * * *', 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'],
    ['1,,2 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['99999999999999999999 * * * *', 'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['* * * FOO *', 'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax'],
    ['@often', 'unrecognized descriptor: @often'],
    ['@every', 'unrecognized descriptor: @every'],
    ['@every x', 'failed to parse duration @every x: time: invalid duration "x"'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every 5y', 'failed to parse duration @every 5y: time: unknown unit "y" in duration "5y"'],
    ['TZ=Mars/Base * * * * *', 'provided bad location Mars/Base: unknown time zone Mars/Base'],
  ];
  for (const [s, msg] of cases) assert.equal(cronScheduleError(s, isKnownTimeZone), msg, s);
});

test('time zones: the tz database, case-sensitively', () => {
  for (const tz of ['UTC', 'Europe/Paris', 'America/New_York', 'Etc/GMT+5', 'Asia/Kolkata']) assert.equal(isKnownTimeZone(tz), true, tz);
  for (const tz of ['Mars/Olympus', 'europe/paris', 'Nowhere']) assert.equal(isKnownTimeZone(tz), false, tz);
});

test('job: a defaulted job with a generated selector is valid', () => {
  assert.deepEqual(createJob(job()), []);
  assert.deepEqual(createJob(job({ manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: template(podSpec({ restartPolicy: 'Never' }), { a: 'b' }) })), []);
  assert.deepEqual(createJob(job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 1 })), []);
});

test('job: counts, modes and restart policy', () => {
  assert.deepEqual(createJob(job({ template: template(podSpec(), {}), parallelism: -1, completions: -1, backoffLimit: -1, activeDeadlineSeconds: -5 })), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    'spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
  ]);
  assert.deepEqual(createJob(job({ completionMode: 'Weird', backoffLimitPerIndex: 1, podReplacementPolicy: 'Sometimes' })), [
    'spec.completionMode: Unsupported value: "Weird": supported values: "NonIndexed", "Indexed"',
    'spec.podReplacementPolicy: Unsupported value: "Sometimes": supported values: "Failed", "TerminatingOrFailed"',
  ]);
  assert.deepEqual(createJob(job({ maxFailedIndexes: 1 })), [
    'spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified',
    'spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode',
  ]);
  assert.deepEqual(createJob(job({ podFailurePolicy: { rules: [] }, template: template(podSpec({ restartPolicy: 'OnFailure' }), {}), podReplacementPolicy: 'TerminatingOrFailed' })), [
    'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
    'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
  ]);
  const long = 'x'.repeat(62);
  assert.deepEqual(createJob(job({ completionMode: 'Indexed', completions: 3 }, long)), [
    `metadata.name: Invalid value: "${long}": will not able to create pod with invalid DNS label: ${long}-2`,
  ]);
});

test('job: the generated selector and labels must be intact', () => {
  assert.deepEqual(createJob(job({ selector: { matchLabels: { a: 'b' } } })), [
    'spec.selector: Invalid value: {"matchLabels":{"a":"b","batch.kubernetes.io/controller-uid":"u-1"}}: `selector` not auto-generated',
    'spec.template.metadata.labels: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"u-1", "batch.kubernetes.io/job-name":"pi", "controller-uid":"u-1", "job-name":"pi"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(createJob(job({ template: template(podSpec({ restartPolicy: 'Never' }), { 'job-name': 'other' }) })), [
    `spec.template.metadata.labels[job-name]: Invalid value: {"job-name":"other","batch.kubernetes.io/job-name":"pi","controller-uid":"u-1","batch.kubernetes.io/controller-uid":"u-1"}: must be 'pi'`,
  ]);
  assert.deepEqual(createJob(job({ manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: template(podSpec({ restartPolicy: 'Never' }), { a: 'c' }) })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not match template `labels`',
  ]);
  // Without generateJobSelector (no uid yet) a job has no selector, which also matches nothing.
  assert.deepEqual(createErrors('batch/Job', job()), [
    'spec.selector: Required value',
    'spec.template.metadata.labels: Invalid value: map[string]string{}: `selector` does not match template `labels`',
  ]);
});

test('job update: template and selector are immutable unless suspended and never started', () => {
  const changedImage = (): JsonObject => template(podSpec({ restartPolicy: 'Never', containers: [{ name: 'app', image: 'nginx:2' }] }), {});
  const next = storedJob({ template: changedImage() });
  const errs = updateErrors('batch/Job', next, storedJob());
  assert.equal(errs.length, 1);
  assert.match(errs[0] ?? '', /^spec\.template: Invalid value: .*: field is immutable$/);
  // Scheduling directives of a suspended, never-started job may change.
  const suspendedOld = storedJob({ suspend: true });
  const suspendedNext = storedJob({ suspend: true, template: template(podSpec({ restartPolicy: 'Never', nodeSelector: { disk: 'ssd' } }), {}) });
  assert.deepEqual(updateErrors('batch/Job', suspendedNext, suspendedOld), []);
  assert.equal(updateErrors('batch/Job', storedJob({ suspend: true, template: template(podSpec({ restartPolicy: 'Never', nodeSelector: { disk: 'ssd' } }), {}) }), storedJob({ suspend: true }, { startTime: '2026-01-01T00:00:00Z' })).length, 1);
  assert.deepEqual(updateErrors('batch/Job', storedJob({ completions: 2 }), storedJob()), ['spec.completions: Invalid value: 2: field is immutable']);
  assert.deepEqual(updateErrors('batch/Job', storedJob({ completionMode: 'Indexed', completions: 4, parallelism: 2 }), storedJob({ completionMode: 'Indexed', completions: 2, parallelism: 2 })), [
    'spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism',
  ]);
  assert.deepEqual(updateErrors('batch/Job', storedJob({ completionMode: 'Indexed', completions: 4, parallelism: 4 }), storedJob({ completionMode: 'Indexed', completions: 2, parallelism: 2 })), []);
  assert.deepEqual(updateErrors('batch/Job', storedJob({ parallelism: 5, completions: 1 }), storedJob()), []);
  // Setting only parallelism leaves completions unset, which differs from the stored (defaulted) 1.
  assert.deepEqual(updateErrors('batch/Job', storedJob({ parallelism: 5 }), storedJob()), ['spec.completions: Invalid value: null: field is immutable']);
});

test('cronjob: valid, and each field\'s rule', () => {
  assert.deepEqual(createErrors('batch/CronJob', cronJob()), []);
  assert.deepEqual(createErrors('batch/CronJob', cronJob({ schedule: '@daily', timeZone: 'Europe/Paris' })), []);
  assert.deepEqual(createErrors('batch/CronJob', cronJob({ schedule: '61 * * * *', timeZone: 'Mars/Olympus', concurrencyPolicy: 'Sometimes', startingDeadlineSeconds: -1, successfulJobsHistoryLimit: -1, failedJobsHistoryLimit: -1 }, 'c'.repeat(53))), [
    'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    'spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    'spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    `metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`,
  ]);
  assert.deepEqual(createErrors('batch/CronJob', cronJob({ schedule: 'TZ=UTC * * * * *', timeZone: 'Local' })), [
    'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
  ]);
  assert.deepEqual(createErrors('batch/CronJob', cronJob({ timeZone: '' })), ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']);
  assert.deepEqual(createErrors('batch/CronJob', cronJob({ timeZone: 'Europe/../Paris' })), ['spec.timeZone: Invalid value: "Europe/../Paris": unknown time zone Europe/../Paris']);
  assert.deepEqual(createErrors('batch/CronJob', cronJob({ schedule: '', jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, manualSelector: true, template: template(podSpec(), {}) } } })), [
    'spec.schedule: Required value',
    'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
    'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
  ]);
});

test('cronjob update: TZ kept from an old schedule, long names tolerated, unchanged zones not rechecked', () => {
  const stored = (spec: JsonObject, name = 'tick'): JsonObject => {
    const c = cronJob(spec, name);
    (c.metadata as JsonObject).resourceVersion = '2';
    return c;
  };
  assert.deepEqual(updateErrors('batch/CronJob', stored({ schedule: 'TZ=UTC 0 * * * *' }), stored({ schedule: 'TZ=UTC 5 * * * *' })), []);
  assert.deepEqual(updateErrors('batch/CronJob', stored({ schedule: 'TZ=UTC 0 * * * *', timeZone: 'UTC' }), stored({ schedule: 'TZ=UTC 5 * * * *' })), [
    'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
  ]);
  const long = 'c'.repeat(60);
  assert.deepEqual(updateErrors('batch/CronJob', stored({ suspend: true }, long), stored({}, long)), []);
  assert.deepEqual(updateErrors('batch/CronJob', stored({ timeZone: 'Gone/Zone', suspend: true }), stored({ timeZone: 'Gone/Zone' })), []);
});
