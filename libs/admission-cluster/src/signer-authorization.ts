// Whether a user may act (approve, sign) for a CSR signer. The permission
// lives on the virtual resource `signers` in certificates.k8s.io, named by
// the signerName; a grant on "<domain>/*" covers every signer of the domain.
// The authorizer itself is injected: admission does not know which modes
// (RBAC, Node, webhook) the server runs.

export interface AuthorizeAttributes {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly name: string;
}

/** Resolves true only for an explicit allow. */
export type Authorize = (a: AuthorizeAttributes) => Promise<boolean>;

export interface SignerUser {
  readonly user: string;
  readonly groups?: readonly string[];
}

async function allowed(authorize: Authorize, who: SignerUser, verb: string, name: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    return await authorize({ user: who.user, groups: who.groups ?? [], verb, group: 'certificates.k8s.io', resource: 'signers', name });
  } catch (err) {
    // kube logs an authorizer error and counts it as "no": the caller falls
    // through to the wildcard check, then refuses. An abort ends the request.
    if (signal?.aborted === true) throw err;
    return false;
  }
}

/** The exact signerName first, then the wildcard `<domain>/*` form. */
export async function isAuthorizedForSignerName(
  authorize: Authorize, who: SignerUser, verb: string, signerName: string, signal?: AbortSignal,
): Promise<boolean> {
  if (await allowed(authorize, who, verb, signerName, signal)) return true;
  const domain = signerName.split('/')[0] ?? '';
  return allowed(authorize, who, verb, `${domain}/*`, signal);
}
