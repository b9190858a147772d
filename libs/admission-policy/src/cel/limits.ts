// kube-apiserver 1.33's CEL limits (k8s.io/apiserver/pkg/apis/cel), in the
// same units: Logbook's cost units approximate cel-go's (see cost-meter.ts),
// so the numbers keep their meaning of "roughly 0.1 s per expression".

/** The cost one expression's evaluation may spend. */
export const PER_CALL_COST_LIMIT = 1_000_000;
/** The cost every expression of one policy binding may spend together. */
export const RUNTIME_COST_BUDGET = 10_000_000;
/** The cost the matchConditions of one webhook or binding may spend together. */
export const MATCH_CONDITIONS_COST_BUDGET = 2_500_000;
/** A messageExpression longer than this falls back to the static message. */
export const MAX_EVALUATED_MESSAGE_BYTES = 5 * 1024;
/** Expressions longer than this are not compiled (kube's validation limit for VAP expressions). */
export const MAX_EXPRESSION_LENGTH = 5 * 1024;
