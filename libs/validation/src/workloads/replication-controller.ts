// core/v1 ReplicationController: a map selector that must be non-empty and
// match the template, and a template that keeps its pods running.

import { field, FieldPath, type FieldError } from '@logbook/apimachinery';
import { validateObjectMeta, validateObjectMetaUpdate } from '../core/object-meta.ts';
import type { JsonObject } from '../types.ts';
import { nonNegative } from './common.ts';
import { numAt, objAt, stringMapAt, type JsonObjectLike } from './json.ts';
import { validateReplicatedTemplate, type TemplateSelector } from './template.ts';

const SPEC = FieldPath.root('spec');

// kube's labels.Set(...).AsSelector(): plain equality on every key, no syntax check.
function mapSelector(m: Readonly<Record<string, string>>): TemplateSelector {
  return {
    isEmpty: () => Object.keys(m).length === 0,
    matches: (labels) => Object.entries(m).every(([k, v]) => labels[k] === v),
  };
}

function validateSpec(spec: JsonObjectLike): FieldError[] {
  const errs = nonNegative(numAt(spec, 'minReadySeconds') ?? 0, SPEC.child('minReadySeconds'));
  const selectorMap = stringMapAt(spec, 'selector') ?? {};
  if (Object.keys(selectorMap).length === 0) errs.push(field.required(SPEC.child('selector'), ''));
  errs.push(...nonNegative(numAt(spec, 'replicas') ?? 0, SPEC.child('replicas')));
  errs.push(...validateReplicatedTemplate(spec.template, mapSelector(selectorMap), SPEC.child('template'), 'ReplicationController'));
  return errs;
}

export function validateReplicationController(obj: JsonObject): FieldError[] {
  return [...validateObjectMeta(obj.metadata, { namespaced: true, nameRule: 'subdomain' }), ...validateSpec(objAt(obj, 'spec') ?? {})];
}

export function validateReplicationControllerUpdate(obj: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateSpec(objAt(obj, 'spec') ?? {})];
}
