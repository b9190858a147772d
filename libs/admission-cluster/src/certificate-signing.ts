// CertificateSigning: a write to certificatesigningrequests/status that
// changes status.certificate or status.conditions needs `sign` on the CSR's
// signer (taken from the stored object). Other status writes pass: they do
// not issue anything.

import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { goQuote } from '@logbook/apimachinery';
import { isCsr, type CertificatePluginOptions } from './certificate-approval.ts';
import { admissionForbidden } from './forbidden.ts';
import { semanticEqual, stringAt, valueAt } from './json-access.ts';
import { isAuthorizedForSignerName } from './signer-authorization.ts';

export function certificateSigning(opts: CertificatePluginOptions): AdmissionPlugin {
  const { authorize } = opts;
  return {
    name: 'CertificateSigning',
    async validate(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      if (attrs.operation !== 'UPDATE' || attrs.subresource !== 'status' || !isCsr(attrs)) return;
      if (attrs.ctx === undefined) return;
      if (attrs.oldObject === undefined) throw admissionForbidden(attrs, 'expected type CertificateSigningRequest, got: <nil>');
      const oldCert = valueAt(attrs.oldObject, 'status', 'certificate');
      const newCert = valueAt(attrs.object, 'status', 'certificate');
      // status.certificate is base64 bytes: compared as text, absent and "" alike (JSON cannot tell Go's nil from empty).
      const certChanged = (typeof oldCert === 'string' ? oldCert : '') !== (typeof newCert === 'string' ? newCert : '');
      const conditionsChanged = !semanticEqual(valueAt(attrs.oldObject, 'status', 'conditions'), valueAt(attrs.object, 'status', 'conditions'));
      if (!certChanged && !conditionsChanged) return;
      const signerName = stringAt(attrs.oldObject, 'spec', 'signerName') ?? '';
      if (!(await isAuthorizedForSignerName(authorize, attrs.ctx, 'sign', signerName, signal))) {
        throw admissionForbidden(attrs, `user not permitted to sign requests with signerName ${goQuote(signerName)}`);
      }
    },
  };
}
