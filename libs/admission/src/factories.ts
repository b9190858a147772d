// The factories for the plugins this package implements, keyed by kube's
// plugin names, ready for buildAdmissionPlugins. Dependencies are bound
// here once; the per-plugin configuration argument is unused because none
// of these plugins reads the admission configuration file in kube either.

import type { RandomInt } from '@logbook/apimachinery';
import type { AdmissionPluginFactory } from './build.ts';
import type { ObjectReader } from './reader.ts';
import { defaultTolerationSeconds, type DefaultTolerationSecondsOptions } from './default-toleration-seconds.ts';
import { limitRanger } from './limit-ranger.ts';
import { priorityAdmission } from './priority.ts';
import { runtimeClassAdmission } from './runtime-class.ts';
import { serviceAccountAdmission } from './service-account.ts';
import { taintNodesByCondition } from './taint-nodes-by-condition.ts';

export interface PodAdmissionDeps {
  readonly reader: ObjectReader;
  readonly randomInt: RandomInt;
  readonly tolerationSeconds?: DefaultTolerationSecondsOptions;
}

export function podAdmissionFactories(deps: PodAdmissionDeps): Record<string, AdmissionPluginFactory> {
  return {
    LimitRanger: () => limitRanger({ reader: deps.reader }),
    ServiceAccount: () => serviceAccountAdmission({ reader: deps.reader, randomInt: deps.randomInt }),
    TaintNodesByCondition: () => taintNodesByCondition(),
    Priority: () => priorityAdmission({ reader: deps.reader }),
    DefaultTolerationSeconds: () => defaultTolerationSeconds(deps.tolerationSeconds ?? {}),
    RuntimeClass: () => runtimeClassAdmission({ reader: deps.reader }),
  };
}
