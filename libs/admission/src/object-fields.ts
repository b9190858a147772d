// Reading and writing the decoded JSON of an object under admission. The
// body has passed schema validation, but plugins still meet absent fields
// and must not crash on a wrong shape: they read defensively and leave a
// wrong-typed field for validation to report.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object at `obj[key]`, or undefined when absent or not an object. */
export function objectField(obj: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = obj?.[key];
  return isObject(v) ? v : undefined;
}

/** The object at `obj[key]`, created when absent (null counts as absent). Undefined when a non-object is there. */
export function ensureObjectField(obj: JsonObject, key: string): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) {
    const created: JsonObject = {};
    obj[key] = created;
    return created;
  }
  return isObject(v) ? v : undefined;
}

/** The objects in the list at `obj[key]` (non-objects skipped); [] when absent. */
export function objectList(obj: JsonObject | undefined, key: string): JsonObject[] {
  const v = obj?.[key];
  return Array.isArray(v) ? v.filter(isObject) : [];
}

export function stringField(obj: JsonObject | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** The pod's spec, or undefined for a body without one (validation will refuse it). */
export function podSpec(obj: JsonObject): JsonObject | undefined {
  return objectField(obj, 'spec');
}

export function annotationsOf(obj: JsonObject): Readonly<Record<string, unknown>> {
  return objectField(objectField(obj, 'metadata'), 'annotations') ?? {};
}
