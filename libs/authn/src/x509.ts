// Client certificates (--client-ca-file): the user is the subject's CN, the
// groups its O attributes. The TLS layer does the chain check against the
// client CA and tells us the outcome; a certificate it could not verify is an
// error (kube verifies and fails), not "not mine".

import { NONE, authError, authOk, type AuthRequest, type AuthResult, type Authenticator } from './authenticator.ts';
import { allowsClientAuth, certificateIdentifier, commonName, subjectValues } from './certificate.ts';
import { userInfo } from './user-info.ts';

export function x509Authenticator(): Authenticator {
  return {
    authenticate(req: AuthRequest): Promise<AuthResult> {
      return Promise.resolve(authenticateCertificate(req));
    },
  };
}

function authenticateCertificate(req: AuthRequest): AuthResult {
  const leaf = req.peerCertificates[0];
  if (leaf === undefined) return NONE;
  if (!req.clientCertVerified) return authError(`verifying certificate ${certificateIdentifier(leaf)} failed: x509: certificate signed by unknown authority`);
  if (!allowsClientAuth(leaf)) return authError(`verifying certificate ${certificateIdentifier(leaf)} failed: x509: certificate specifies an incompatible key usage`);
  const name = commonName(leaf);
  if (name === '') return NONE;
  return authOk(userInfo(name, { groups: subjectValues(leaf, 'O') }));
}
