// What the registry asks of a kind's rules: kube's defaulting (SetDefaults_*,
// applied when a request body is decoded) and its validation on create and on
// update, with kube's field paths and messages.

import type { FieldError } from '@logbook/apimachinery';

/** A JSON object as decoded from a request: plain and mutable. */
export type JsonObject = Record<string, unknown>;

export interface KindRules {
  /** Fills in kube's defaults in place (only where a field is unset). */
  readonly default?: (obj: JsonObject) => void;
  /** ValidateX for a new object (metadata included). */
  readonly validateCreate?: (obj: JsonObject) => FieldError[];
  /** ValidateXUpdate: the new object against the stored one (immutable fields, ...). */
  readonly validateUpdate?: (obj: JsonObject, old: JsonObject) => FieldError[];
  /** ValidateXStatusUpdate for writes to /status. */
  readonly validateStatusUpdate?: (obj: JsonObject, old: JsonObject) => FieldError[];
}

/** Rules keyed by `<group>/<Kind>` (`/Pod`, `apps/Deployment`). */
export type RuleTable = Readonly<Record<string, KindRules>>;
