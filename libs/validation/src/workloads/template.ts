// Pod templates: ValidatePodTemplateSpec and the variants the controllers
// use (selector must match the template's labels, restartPolicy Always, no
// activeDeadlineSeconds).

import { field, FieldPath, validateAnnotations, validateLabels, type FieldError } from '@logbook/apimachinery';
import { isObject, objAt, objectsAt, stringMapAt, strAt, type JsonObjectLike } from './json.ts';
import { validatePodSpec } from './pod-spec.ts';
import { goStringMap, invalidRendered } from '../core/go-render.ts';

/** What the template checks need of a selector (a LabelSelector, or an RC's map selector). */
export interface TemplateSelector {
  isEmpty(): boolean;
  matches(labels: Readonly<Record<string, string>>): boolean;
}

export const SELECTOR_MISMATCH_MSG = '`selector` does not match template `labels`';

function templateLabels(template: unknown): Record<string, string> {
  return stringMapAt(objAt(template, 'metadata'), 'labels') ?? {};
}

/** Labels and annotations of a template; kube reports them at `<template>.labels`, without `metadata`. */
export function validateTemplateMeta(template: unknown, path: FieldPath): FieldError[] {
  const meta = objAt(template, 'metadata');
  return [
    ...validateLabels(stringMapAt(meta, 'labels') ?? {}, path.child('labels')),
    ...validateAnnotations(stringMapAt(meta, 'annotations') ?? {}, path.child('annotations')),
  ];
}

/** ValidatePodTemplateSpec. */
export function validatePodTemplateSpec(template: JsonObjectLike, path: FieldPath): FieldError[] {
  const errs = validateTemplateMeta(template, path);
  errs.push(...validatePodSpec(objAt(template, 'spec') ?? {}, path.child('spec')));
  if (objectsAt(objAt(template, 'spec'), 'ephemeralContainers').length > 0) {
    errs.push(field.forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

/** The selector-matches-labels check: skipped for an empty (match-everything) selector. */
export function selectorMatchErrors(selector: TemplateSelector, template: unknown, path: FieldPath): FieldError[] {
  const labels = templateLabels(template);
  if (selector.isEmpty() || selector.matches(labels)) return [];
  // kube renders the labels with Go's %#v: map[string]string{"app":"web"}.
  return [invalidRendered(path.child('metadata', 'labels'), goStringMap(stringMapAt(objAt(template, 'metadata'), 'labels')), SELECTOR_MISMATCH_MSG)];
}

/**
 * Rules for templates of controllers that keep pods running: restartPolicy
 * Always, no activeDeadlineSeconds. `owner` names the kind in kube's message.
 */
export function validateLongRunningTemplate(template: unknown, path: FieldPath, owner: string, deadlineAsInvalid = false): FieldError[] {
  const errs: FieldError[] = [];
  const spec = objAt(template, 'spec');
  const restartPolicy = strAt(spec, 'restartPolicy');
  if (restartPolicy !== 'Always') errs.push(field.notSupported(path.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  const deadline = spec?.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) {
    const p = path.child('spec', 'activeDeadlineSeconds');
    const msg = `activeDeadlineSeconds in ${owner} is not Supported`;
    errs.push(deadlineAsInvalid ? field.invalid(p, deadline, msg) : field.forbidden(p, msg));
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployment, ReplicaSet) and ForRC. */
export function validateReplicatedTemplate(template: unknown, selector: TemplateSelector, path: FieldPath, owner: string): FieldError[] {
  if (!isObject(template)) return [field.required(path, '')];
  return [
    ...selectorMatchErrors(selector, template, path),
    ...validatePodTemplateSpec(template, path),
    ...validateLongRunningTemplate(template, path, owner),
  ];
}

export const TEMPLATE_ROOT = FieldPath.root('template');
