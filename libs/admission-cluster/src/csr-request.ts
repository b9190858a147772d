// The PKCS#10 request inside a CertificateSigningRequest: spec.request is
// the PEM text, base64-encoded in JSON as Go encodes []byte. Only the
// subject is needed by admission; parsing uses @peculiar/asn1-csr (pure
// ASN.1 decoding, no crypto provider).

import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

export interface CsrSubject {
  readonly commonName: string;
  readonly organization: readonly string[];
}

/** A spec.request that is not a CERTIFICATE REQUEST; `message` is what kube's error says. */
export class CsrParseError extends Error {
  override readonly name = 'CsrParseError';
  readonly code = 'CSR_PARSE' as const;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/;

function firstPemBlock(text: string): { type: string; der: Buffer } | undefined {
  const m = PEM_BLOCK.exec(text);
  if (m === null) return undefined;
  // Headers ("Proc-Type: ...") are legal in PEM; CSRs never carry them, so any line with ':' is skipped.
  const body = (m[2] ?? '').split(/\r?\n/).filter((l) => !l.includes(':')).join('');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
  return { type: m[1] ?? '', der: Buffer.from(body, 'base64') };
}

/** Decodes spec.request (base64 of PEM) and returns the subject; throws CsrParseError. */
export function parseCsrSubject(request: unknown): CsrSubject {
  if (typeof request !== 'string') throw new CsrParseError('PEM block type must be CERTIFICATE REQUEST');
  const pem = Buffer.from(request, 'base64').toString('latin1');
  const block = firstPemBlock(pem);
  if (block === undefined || block.type !== 'CERTIFICATE REQUEST') throw new CsrParseError('PEM block type must be CERTIFICATE REQUEST');
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(block.der, CertificationRequest);
  } catch (err) {
    throw new CsrParseError('x509: malformed certificate request', { cause: err });
  }
  let commonName = '';
  const organization: string[] = [];
  for (const rdn of csr.certificationRequestInfo.subject) {
    for (const atv of rdn) {
      // Go keeps the last CN it meets and every O, in order.
      if (atv.type === OID_COMMON_NAME) commonName = atv.value.toString();
      else if (atv.type === OID_ORGANIZATION) organization.push(atv.value.toString());
    }
  }
  return { commonName, organization };
}
