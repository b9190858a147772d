// CertificateApproval: a write to certificatesigningrequests/approval needs
// `approve` on the CSR's signer. The signer is read from the stored object,
// so a request cannot pick an easier signer in the same update.

import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { goQuote } from '@logbook/apimachinery';
import { admissionForbidden } from './forbidden.ts';
import { stringAt } from './json-access.ts';
import { isAuthorizedForSignerName, type Authorize } from './signer-authorization.ts';

export interface CertificatePluginOptions {
  readonly authorize: Authorize;
}

export function isCsr(attrs: AdmissionAttributes): boolean {
  return attrs.group === 'certificates.k8s.io' && attrs.resource === 'certificatesigningrequests';
}

export function certificateApproval(opts: CertificatePluginOptions): AdmissionPlugin {
  const { authorize } = opts;
  return {
    name: 'CertificateApproval',
    async validate(attrs: AdmissionAttributes, signal?: AbortSignal): Promise<void> {
      if (attrs.operation !== 'UPDATE' || attrs.subresource !== 'approval' || !isCsr(attrs)) return;
      // The server's own writes (no user) are trusted, as kube's loopback client is system:masters.
      if (attrs.ctx === undefined) return;
      if (attrs.oldObject === undefined) throw admissionForbidden(attrs, 'expected type CertificateSigningRequest, got: <nil>');
      const signerName = stringAt(attrs.oldObject, 'spec', 'signerName') ?? '';
      if (!(await isAuthorizedForSignerName(authorize, attrs.ctx, 'approve', signerName, signal))) {
        throw admissionForbidden(attrs, `user not permitted to approve requests with signerName ${goQuote(signerName)}`);
      }
    },
  };
}
