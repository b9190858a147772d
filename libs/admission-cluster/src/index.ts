// @logbook/admission-cluster: kube-apiserver's admission plugins for
// cluster-level objects — storage (default class, in-use protection, claim
// resize), ingress classes, certificate signing requests, and the
// NodeRestriction plugin that confines kubelets to their own node. Each
// export is a factory taking its dependencies and returning an
// AdmissionPlugin for the registry's chain.

export { defaultStorageClass, IS_DEFAULT_STORAGE_CLASS_ANNOTATION, BETA_IS_DEFAULT_STORAGE_CLASS_ANNOTATION, BETA_STORAGE_CLASS_ANNOTATION } from './default-storage-class.ts';
export type { DefaultStorageClassOptions } from './default-storage-class.ts';
export { defaultIngressClass, IS_DEFAULT_INGRESS_CLASS_ANNOTATION, LEGACY_INGRESS_CLASS_ANNOTATION } from './default-ingress-class.ts';
export type { DefaultIngressClassOptions } from './default-ingress-class.ts';
export { storageObjectInUseProtection, PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from './storage-object-in-use-protection.ts';
export { persistentVolumeClaimResize } from './persistent-volume-claim-resize.ts';
export type { PersistentVolumeClaimResizeOptions } from './persistent-volume-claim-resize.ts';
export { certificateApproval } from './certificate-approval.ts';
export type { CertificatePluginOptions } from './certificate-approval.ts';
export { certificateSigning } from './certificate-signing.ts';
export { certificateSubjectRestriction, KUBE_APISERVER_CLIENT_SIGNER } from './certificate-subject-restriction.ts';
export { isAuthorizedForSignerName } from './signer-authorization.ts';
export type { Authorize, AuthorizeAttributes, SignerUser } from './signer-authorization.ts';
export { parseCsrSubject, CsrParseError } from './csr-request.ts';
export type { CsrSubject } from './csr-request.ts';
export { nodeRestriction, NODE_LEASE_NAMESPACE } from './node-restriction.ts';
export type { NodeRestrictionOptions } from './node-restriction.ts';
export { nodeIdentity, NODE_USER_PREFIX, NODES_GROUP } from './node-identity.ts';
export type { NodeIdentity } from './node-identity.ts';
export { MIRROR_POD_ANNOTATION } from './node-restriction-pods.ts';
