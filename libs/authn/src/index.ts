// @logbook/authn: kube-apiserver's authenticators (front proxy, client
// certificates, token file, bootstrap tokens, service-account JWTs, OIDC,
// anonymous), the chain that runs them in kube's order, impersonation, and
// the TokenRequest / TokenReview / SelfSubjectReview evaluators.
// No I/O of its own beyond what callers inject (object getters, fetch, clock).

export type { UserInfo } from './user-info.ts';
export {
  userInfo, serviceAccountUsername, serviceAccountGroups, splitServiceAccountUsername,
  ANONYMOUS_USER, ALL_AUTHENTICATED, ALL_UNAUTHENTICATED,
} from './user-info.ts';
export type { AuthRequest, AuthResult, Authenticator, TokenAuthenticator } from './authenticator.ts';
export { AuthnError, AUTHN_ERROR_CODES } from './authn-error.ts';
export type { AuthnErrorCode } from './authn-error.ts';
export type { HeaderMap, StripOptions } from './headers.ts';
export { headerMapFromRaw, headerMapFromObject, stripCredentials } from './headers.ts';
export { buildAuthenticator, anonymousUser, UNABLE_TO_MATCH_AUDIENCE } from './chain.ts';
export type { ChainConfig, AnonymousConfig } from './chain.ts';
export { unionAuthenticator, unionTokenAuthenticator } from './union.ts';
export { bearerTokenAuthenticator, websocketProtocolAuthenticator, INVALID_BEARER_TOKEN } from './bearer-token.ts';
export { x509Authenticator } from './x509.ts';
export { parseCertificateBundle, verifyChain } from './certificate.ts';
export { parseTokenFile, tokenFileAuthenticator } from './token-file.ts';
export type { WarnLogger } from './token-file.ts';
export { bootstrapTokenAuthenticator } from './bootstrap-token.ts';
export type { BootstrapTokenOptions, SecretLike } from './bootstrap-token.ts';
export { parseVerificationKeys, parseSigningKey, keyId } from './service-account-keys.ts';
export type { VerificationKey, SigningKey, SigningAlgorithm } from './service-account-keys.ts';
export { serviceAccountTokenAuthenticator, INVALIDATED } from './service-account-token.ts';
export type { ServiceAccountTokenOptions, ObjectGetter, LiveObject, BoundObjectKind } from './service-account-token.ts';
export { mintServiceAccountToken } from './mint-token.ts';
export type { MintOptions, MintedToken } from './mint-token.ts';
export { evaluateTokenRequest, DEFAULT_EXPIRATION_SECONDS, MIN_EXPIRATION_SECONDS, MAX_EXPIRATION_SECONDS } from './token-request.ts';
export type { TokenRequestOptions, TokenRequestJson, BoundObject, BoundObjectGetter } from './token-request.ts';
export { requestHeaderAuthenticator } from './request-header.ts';
export type { RequestHeaderConfig } from './request-header.ts';
export {
  planImpersonation, impersonate, impersonationForbidden, stripImpersonationHeaders, DEFAULT_IMPERSONATION_LIMITS,
} from './impersonation.ts';
export type { ImpersonationCheck, ImpersonationPlan, ImpersonationLimits, ImpersonationAuthorizer, AuthorizerDecision } from './impersonation.ts';
export { evaluateTokenReview, evaluateSelfSubjectReview, userInfoJson, SELF_SUBJECT_REVIEW_VERSIONS } from './reviews.ts';
export type { TokenReviewOptions, TokenReviewJson, SelfSubjectReviewJson, SelfSubjectReviewVersion, UserInfoJson } from './reviews.ts';
export { oidcAuthenticator, validateOidcConfig } from './oidc.ts';
export type { OidcConfig } from './oidc.ts';
export { defaultFetchJson, MIN_JWKS_REFRESH_MS } from './oidc-keys.ts';
export type { FetchJson } from './oidc-keys.ts';
