// @logbook/pki: the apiserver's certificates — a CA, serving and client
// certificates, kube-apiserver-style self-signed material in a cert dir — the
// identity a client certificate carries, and kubeconfig files.

export { generateCa, issueServingCert, issueClientCert, BACKDATE_MS, type CertAndKey, type CaOptions, type ServingCertOptions, type ClientCertOptions } from './certificates.ts';
export { ensureCertDir, ADMIN_USER, ADMIN_GROUP, KUBERNETES_SERVICE_NAMES, RENEW_BEFORE_DAYS, type CertDir, type CertDirOptions, type CertFiles } from './cert-dir.ts';
export { clientIdentity, type ClientIdentity } from './client-identity.ts';
export { kubeconfigYaml, writeKubeconfig, type KubeconfigOptions } from './kubeconfig.ts';
export { PkiError, type PkiErrorCode } from './pki-error.ts';
export { readKubeconfig, parseKubeconfig, type KubeconfigConnection } from './kubeconfig-read.ts';
export { ensureServiceAccountKey } from './service-account-key.ts';
