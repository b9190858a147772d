// batch/v1 Job validation: the job spec's counts and modes, the generated
// selector and labels, run-to-completion restart policies, and which parts of
// a job may change after create.

import { field, FieldPath, isDNS1123Label, type FieldError } from '@logbook/apimachinery';
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { nonNegative } from './common.ts';
import { clone, isSet, jsonEqual, numAt, objAt, stringMapAt, strAt, type JsonObjectLike } from './json.ts';
import { asSelector, validateLabelSelector } from './selector.ts';
import { selectorMatchErrors, validatePodTemplateSpec } from './template.ts';
import { JOB_LABELS } from './workload-defaults.ts';

const SPEC = FieldPath.root('spec');
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const COMPLETION_MODES = ['NonIndexed', 'Indexed'] as const;
const POD_REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'] as const;

/** validateJobSpec: everything but the selector (a CronJob's job template has none yet). */
export function validateJobSpecBody(spec: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    errs.push(...nonNegative(numAt(spec, f), path.child(f)));
  }
  if (isSet(spec, 'maxFailedIndexes') && !isSet(spec, 'backoffLimitPerIndex')) {
    errs.push(field.required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  const mode = spec.completionMode;
  if (typeof mode === 'string') {
    if (!(COMPLETION_MODES as readonly string[]).includes(mode)) errs.push(field.notSupported(path.child('completionMode'), mode, COMPLETION_MODES));
    if (mode === 'Indexed') {
      if (!isSet(spec, 'completions')) errs.push(field.required(path.child('completions'), 'when completion mode is Indexed'));
      const parallelism = numAt(spec, 'parallelism');
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(field.invalid(path.child('parallelism'), parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
    }
  }
  if (mode === undefined || mode === null || mode === 'NonIndexed') {
    for (const f of ['backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
      const v = numAt(spec, f);
      if (v !== undefined) errs.push(field.invalid(path.child(f), v, 'requires indexed completion mode'));
    }
  }
  const replacement = spec.podReplacementPolicy;
  if (typeof replacement === 'string') {
    if (isSet(spec, 'podFailurePolicy')) {
      if (replacement !== 'Failed') errs.push(field.notSupported(path.child('podReplacementPolicy'), replacement, ['Failed']));
    } else if (!(POD_REPLACEMENT_POLICIES as readonly string[]).includes(replacement)) {
      errs.push(field.notSupported(path.child('podReplacementPolicy'), replacement, POD_REPLACEMENT_POLICIES));
    }
  }
  const template = objAt(spec, 'template') ?? {};
  errs.push(...validatePodTemplateSpec(template, path.child('template')));
  const restartPolicy = strAt(objAt(template, 'spec'), 'restartPolicy');
  const restartPath = path.child('template', 'spec', 'restartPolicy');
  // A job's pods run to completion; kube says so even when Always was only defaulted.
  if (restartPolicy === 'Always' || restartPolicy === '') {
    errs.push(field.required(restartPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(restartPath, restartPolicy, ['OnFailure', 'Never']));
  } else if (isSet(spec, 'podFailurePolicy') && restartPolicy !== 'Never') {
    errs.push(field.invalid(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** ValidateJobSpec: the body plus a required selector that matches the template. */
function validateJobSpec(spec: JsonObjectLike): FieldError[] {
  const errs = validateJobSpecBody(spec, SPEC);
  if (!isSet(spec, 'selector')) errs.push(field.required(SPEC.child('selector'), ''));
  else errs.push(...validateLabelSelector(spec.selector, SPEC.child('selector')));
  const selector = asSelector(spec.selector);
  // A missing selector matches nothing, so the template is reported too, as kube does.
  if (selector !== undefined) errs.push(...selectorMatchErrors(selector, objAt(spec, 'template'), SPEC.child('template')));
  return errs;
}

function hasLabel(labels: Readonly<Record<string, string>>, path: FieldPath, key: string, expected: string): FieldError[] {
  const actual = labels[key];
  if (actual === undefined) return [field.required(path.child('labels').key(key), expected)];
  return actual === expected ? [] : [field.invalid(path.child('labels').key(key), labels, `must be '${expected}'`)];
}

/** validateGeneratedSelector: the labels and selector generateJobSelector put there are intact. */
function validateGeneratedSelector(job: JsonObjectLike): FieldError[] {
  const spec = objAt(job, 'spec') ?? {};
  if (spec.manualSelector === true) return [];
  const metaPath = SPEC.child('template', 'metadata');
  const labels = stringMapAt(objAt(objAt(spec, 'template'), 'metadata'), 'labels');
  if (labels === undefined) return [field.required(metaPath.child('labels'), '')];
  if (!isSet(spec, 'selector')) return [];
  const meta = objAt(job, 'metadata');
  const uid = strAt(meta, 'uid');
  const name = strAt(meta, 'name');
  const errs: FieldError[] = [];
  if (uid === '') errs.push(field.required(FieldPath.root('metadata', 'uid'), ''));
  errs.push(
    ...hasLabel(labels, metaPath, JOB_LABELS.legacyControllerUid, uid),
    ...hasLabel(labels, metaPath, JOB_LABELS.legacyJobName, name),
    ...hasLabel(labels, metaPath, JOB_LABELS.controllerUid, uid),
    ...hasLabel(labels, metaPath, JOB_LABELS.jobName, name),
  );
  const expected = {
    [JOB_LABELS.controllerUid]: uid, [JOB_LABELS.jobName]: name,
    [JOB_LABELS.legacyControllerUid]: uid, [JOB_LABELS.legacyJobName]: name,
  };
  const selector = asSelector(spec.selector);
  if (selector !== undefined && !selector.matches(expected)) {
    errs.push(field.invalid(SPEC.child('selector'), spec.selector, '`selector` not auto-generated'));
  }
  return errs;
}

export function validateJob(job: JsonObject): FieldError[] {
  const errs = validateObjectMeta(job.metadata, { namespaced: true, nameRule: 'subdomain' });
  errs.push(...validateGeneratedSelector(job));
  const spec = objAt(job, 'spec') ?? {};
  errs.push(...validateJobSpec(spec));
  const completions = numAt(spec, 'completions');
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    // Indexed pods are named `<job>-<index>`, and that must still be a DNS label.
    const name = strAt(job.metadata, 'name');
    const longest = `${name}-${completions - 1}`;
    if (isDNS1123Label(longest).length > 0) {
      errs.push(field.invalid(FieldPath.root('metadata', 'name'), name, `will not able to create pod with invalid DNS label: ${longest}`));
    }
  }
  return errs;
}

// The template may change only while the job is suspended and has never
// started, and then only in its scheduling directives, labels and annotations.
function validateTemplateUpdate(job: JsonObjectLike, old: JsonObjectLike): FieldError[] {
  const spec = objAt(job, 'spec') ?? {};
  const oldSpec = objAt(old, 'spec') ?? {};
  const template = objAt(spec, 'template') ?? {};
  let oldTemplate: JsonObjectLike = objAt(oldSpec, 'template') ?? {};
  const neverStarted = !isSet(objAt(old, 'status'), 'startTime');
  if (neverStarted && spec.suspend === true && oldSpec.suspend === true) {
    const copy = clone(oldTemplate) as JsonObject;
    const copyMeta = (copy.metadata ?? {}) as JsonObject;
    const newMeta = objAt(template, 'metadata') ?? {};
    copyMeta.labels = newMeta.labels;
    copyMeta.annotations = newMeta.annotations;
    copy.metadata = copyMeta;
    const copySpec = (copy.spec ?? {}) as JsonObject;
    const newPodSpec = objAt(template, 'spec') ?? {};
    for (const k of ['nodeSelector', 'tolerations', 'schedulingGates'] as const) copySpec[k] = newPodSpec[k];
    const affinity = objAt(newPodSpec, 'affinity');
    const oldAffinity = objAt(copySpec, 'affinity');
    if (affinity === undefined && oldAffinity !== undefined) {
      delete oldAffinity.nodeAffinity;
      if (Object.keys(oldAffinity).length === 0) delete copySpec.affinity;
    } else if (affinity !== undefined) {
      copySpec.affinity = { ...(oldAffinity ?? {}), nodeAffinity: affinity.nodeAffinity };
    }
    copy.spec = copySpec;
    oldTemplate = copy;
  }
  const strip = (v: JsonObjectLike): unknown => JSON.parse(JSON.stringify(v));
  return jsonEqual(strip(template), strip(oldTemplate)) ? [] : [field.invalid(SPEC.child('template'), template, 'field is immutable')];
}

function validateCompletionsUpdate(spec: JsonObjectLike, oldSpec: JsonObjectLike): FieldError[] {
  const path = SPEC.child('completions');
  if (spec.completionMode !== 'Indexed') return validateImmutable(spec.completions, oldSpec.completions, path);
  if (jsonEqual(spec.completions ?? null, oldSpec.completions ?? null) || !isSet(spec, 'completions')) return [];
  // Elastic indexed jobs: completions may change, but only together with parallelism.
  return spec.completions !== spec.parallelism ? [field.invalid(path, spec.completions, 'can only be modified in tandem with spec.parallelism')] : [];
}

export function validateJobUpdate(job: JsonObject, old: JsonObject): FieldError[] {
  const spec = objAt(job, 'spec') ?? {};
  const oldSpec = objAt(old, 'spec') ?? {};
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  errs.push(...validateJobSpec(spec));
  errs.push(...validateCompletionsUpdate(spec, oldSpec));
  errs.push(...validateImmutable(spec.selector, oldSpec.selector, SPEC.child('selector')));
  errs.push(...validateTemplateUpdate(job, old));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const) {
    errs.push(...validateImmutable(spec[f], oldSpec[f], SPEC.child(f)));
  }
  return errs;
}
