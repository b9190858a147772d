// CertificateSubjectRestriction: nobody may ask the kube-apiserver-client
// signer for a certificate in the system:masters group — such a certificate
// would bypass authorization entirely and could never be revoked.

import type { AdmissionAttributes, AdmissionPlugin } from '@logbook/registry';
import { isCsr } from './certificate-approval.ts';
import { CsrParseError, parseCsrSubject } from './csr-request.ts';
import { admissionForbidden } from './forbidden.ts';
import { stringAt, valueAt } from './json-access.ts';

export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const SYSTEM_MASTERS_GROUP = 'system:masters';

export function certificateSubjectRestriction(): AdmissionPlugin {
  return {
    name: 'CertificateSubjectRestriction',
    validate(attrs: AdmissionAttributes): void {
      if (attrs.operation !== 'CREATE' || attrs.subresource !== '' || !isCsr(attrs)) return;
      const signerName = stringAt(attrs.object, 'spec', 'signerName');
      if (signerName !== KUBE_APISERVER_CLIENT_SIGNER) return;
      let organization: readonly string[];
      try {
        organization = parseCsrSubject(valueAt(attrs.object, 'spec', 'request')).organization;
      } catch (err) {
        if (!(err instanceof CsrParseError)) throw err;
        throw admissionForbidden(attrs, `failed to parse CSR: ${err.message}`);
      }
      if (organization.includes(SYSTEM_MASTERS_GROUP)) {
        throw admissionForbidden(attrs, `use of ${KUBE_APISERVER_CLIENT_SIGNER} signer with ${SYSTEM_MASTERS_GROUP} group is not allowed`);
      }
    },
  };
}
