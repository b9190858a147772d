// The review kinds: POST-only, stored nowhere, answered from the caller and
// the authorizer (kube's pkg/registry/authorization and
// authentication/selfsubjectreview). `kubectl auth can-i` sends a
// SelfSubjectAccessReview (as protobuf from 1.32 on), `--list` a
// SelfSubjectRulesReview, `kubectl auth whoami` a SelfSubjectReview.

import { methodNotSupported, notFoundPath } from '@logbook/apimachinery';
import {
  localSubjectAccessReview, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview, userInfo,
  type Authorizer, type RuleResolver, type UserInfo,
} from '@logbook/authz';
import { evaluateTokenReview, type Authenticator } from '@logbook/authn';
import { decodeBody, readBody } from './body.ts';
import { notAcceptableError, writeObject, type ResponseFormat } from './respond.ts';
import { negotiateOutput } from './table-negotiate.ts';
import { BODY_DECODING, type ResourceRequest } from './resource-handler.ts';

export interface ReviewOptions {
  readonly authorizer: Authorizer;
  readonly ruleResolver: RuleResolver;
  readonly maxBodyBytes: number;
  /** TokenReview: the server's own authentication chain and --api-audiences; absent: tokenreviews is 404. */
  readonly tokenReview?: { readonly authenticator: Authenticator; readonly apiAudiences: readonly string[] };
}

const AUTHORIZATION = 'authorization.k8s.io';
const AUTHENTICATION = 'authentication.k8s.io';
const REVIEWS: ReadonlySet<string> = new Set([
  `${AUTHORIZATION}/selfsubjectaccessreviews`, `${AUTHORIZATION}/subjectaccessreviews`, `${AUTHORIZATION}/localsubjectaccessreviews`,
  `${AUTHORIZATION}/selfsubjectrulesreviews`, `${AUTHENTICATION}/selfsubjectreviews`, `${AUTHENTICATION}/tokenreviews`,
]);

/** The answer's encoding (negotiated first: an unservable Accept reads nothing) and the body, in JSON, YAML or protobuf. */
async function readCreateBody(r: ResourceRequest, maxBodyBytes: number): Promise<{ body: Record<string, unknown>; format: ResponseFormat }> {
  const output = negotiateOutput(r.req.headers.accept);
  if (output === undefined) throw notAcceptableError();
  const body = decodeBody(r.req.headers['content-type'], await readBody(r.req, maxBodyBytes, r.signal), BODY_DECODING);
  return { body, format: output.format };
}

export function isReviewRequest(r: ResourceRequest): boolean {
  return REVIEWS.has(`${r.info.apiGroup}/${r.info.resource}`);
}

/** The caller as the authorizers see it. */
export function callerUser(r: ResourceRequest): UserInfo {
  return userInfo(r.caller.user, { groups: [...r.caller.groups] });
}

export async function serveReview(o: ReviewOptions, r: ResourceRequest): Promise<void> {
  const { info } = r;
  const gr = { group: info.apiGroup, resource: info.resource };
  if (info.subresource !== '' || info.name !== '') throw notFoundPath();
  if (info.resource === 'tokenreviews' && o.tokenReview === undefined) throw notFoundPath();
  if (info.verb !== 'create') throw methodNotSupported(gr, info.verb === '' ? r.req.method ?? '' : info.verb);
  const { body, format } = await readCreateBody(r, o.maxBodyBytes);
  const user = callerUser(r);
  let answer: unknown;
  switch (info.resource) {
    case 'selfsubjectaccessreviews': answer = await selfSubjectAccessReview(body, user, o.authorizer, { apiVersion: `${AUTHORIZATION}/${info.apiVersion}` }); break;
    case 'subjectaccessreviews': answer = await subjectAccessReview(body, o.authorizer); break;
    case 'localsubjectaccessreviews': answer = await localSubjectAccessReview(body, info.namespace, o.authorizer); break;
    case 'selfsubjectrulesreviews': answer = await selfSubjectRulesReview(body, user, o.ruleResolver); break;
    // Answers what the token authenticates as (kube echoes spec.token back: audit logs should keep tokenreviews at Metadata).
    case 'tokenreviews': answer = await evaluateTokenReview(body, o.tokenReview!); break;
    default:
      // SelfSubjectReview: who the server thinks you are (kubectl auth whoami).
      answer = {
        kind: 'SelfSubjectReview', apiVersion: `${AUTHENTICATION}/${info.apiVersion}`, metadata: { creationTimestamp: null },
        status: { userInfo: { username: user.name, ...(user.uid !== '' ? { uid: user.uid } : {}), groups: [...user.groups], ...(Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}) } },
      };
  }
  writeObject(r.res, 201, answer, format);
}

export function isTokenRequest(r: ResourceRequest): boolean {
  return r.info.apiGroup === '' && r.info.resource === 'serviceaccounts' && r.info.subresource === 'token';
}

/** POST serviceaccounts/<name>/token: a bound service-account token (kubectl create token). */
export async function serveTokenRequest(tokens: { request(body: unknown, namespace: string, serviceAccount: string): Promise<unknown> } | undefined, maxBodyBytes: number, r: ResourceRequest): Promise<void> {
  const { info } = r;
  if (tokens === undefined || info.name === '' || info.namespace === '') throw notFoundPath();
  if (info.verb !== 'create') throw methodNotSupported({ group: '', resource: 'serviceaccounts/token' }, info.verb === '' ? r.req.method ?? '' : info.verb);
  const { body, format } = await readCreateBody(r, maxBodyBytes);
  writeObject(r.res, 201, await tokens.request(body, info.namespace, info.name), format);
}
