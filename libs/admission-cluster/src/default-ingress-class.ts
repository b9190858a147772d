// DefaultIngressClass: a new Ingress that names no class (neither
// spec.ingressClassName nor the legacy kubernetes.io/ingress.class
// annotation, whatever its value) gets the cluster's default IngressClass.

import type { ObjectReader } from '@logbook/admission';
import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { annotationIsTrue, pickDefaultClass } from './default-class.ts';
import { admissionForbidden, readerFailure } from './forbidden.ts';
import { isRecord } from './json-access.ts';

export const IS_DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const INGRESS_CLASSES = { group: 'networking.k8s.io', resource: 'ingressclasses' } as const;

export interface DefaultIngressClassOptions {
  readonly reader: ObjectReader;
}

export function defaultIngressClass(opts: DefaultIngressClassOptions): AdmissionPlugin {
  const { reader } = opts;
  return {
    name: 'DefaultIngressClass',
    async admit(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      if (attrs.operation !== 'CREATE' || attrs.group !== 'networking.k8s.io' || attrs.resource !== 'ingresses' || attrs.subresource !== '') return;
      const ingress = attrs.object as Record<string, unknown>;
      const spec = ingress['spec'];
      if (isRecord(spec) && spec['ingressClassName'] !== undefined && spec['ingressClassName'] !== null) return;
      const annotations = (ingress['metadata'] as Record<string, unknown> | undefined)?.['annotations'];
      if (isRecord(annotations) && Object.hasOwn(annotations, LEGACY_INGRESS_CLASS_ANNOTATION)) return;

      let classes;
      try {
        classes = await reader.list(INGRESS_CLASSES, '', signal);
      } catch (err) {
        throw readerFailure(attrs, err, signal);
      }
      const def = pickDefaultClass(classes, (c) => annotationIsTrue(c, IS_DEFAULT_INGRESS_CLASS_ANNOTATION));
      if (def === undefined) return;
      const name = def.metadata.name;
      if (name === undefined || name === '') throw admissionForbidden(attrs, 'default IngressClass has no name');
      if (isRecord(spec)) spec['ingressClassName'] = name;
      // An Ingress without spec is still valid (a default backend may come later); kube's typed
      // object always has a spec to write into, so the plain JSON object gets one.
      else if (spec === undefined) ingress['spec'] = { ingressClassName: name };
    },
  };
}
