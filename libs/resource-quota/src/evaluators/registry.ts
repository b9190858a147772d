// Which evaluator measures a group-resource: the three with special rules,
// the generic object count for everything else, none for kube's ignored
// resources (virtual ones that are never stored, and events).

import type { Evaluator, GroupResource } from './evaluator.ts';
import { objectCountEvaluator } from './object-count.ts';
import { persistentVolumeClaimEvaluator } from './persistent-volume-claims.ts';
import { podEvaluator } from './pods.ts';
import { serviceEvaluator } from './services.ts';

const IGNORED = new Set([
  '/bindings', '/componentstatuses', '/events', 'events.k8s.io/events',
  'authentication.k8s.io/tokenreviews', 'authentication.k8s.io/selfsubjectreviews',
  'authorization.k8s.io/subjectaccessreviews', 'authorization.k8s.io/selfsubjectaccessreviews',
  'authorization.k8s.io/localsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews',
]);

const SPECIAL: readonly Evaluator[] = [podEvaluator, serviceEvaluator, persistentVolumeClaimEvaluator];

/** The evaluator for `gr`, or undefined when quota ignores it. */
export function evaluatorFor(gr: GroupResource): Evaluator | undefined {
  if (IGNORED.has(`${gr.group}/${gr.resource}`)) return undefined;
  const special = SPECIAL.find((e) => e.groupResource.group === gr.group && e.groupResource.resource === gr.resource);
  return special ?? objectCountEvaluator(gr);
}

/** The special evaluators, for resolving quota names that are not object counts. */
export function specialEvaluators(): readonly Evaluator[] {
  return SPECIAL;
}
