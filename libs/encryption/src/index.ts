// @logbook/encryption: encryption at rest, kube-apiserver's
// --encryption-provider-config. Parses the EncryptionConfiguration and gives
// each group-resource a ValueTransformer whose stored bytes are kube's exactly
// (aescbc, aesgcm, secretbox, identity), so an etcd written by kube-apiserver
// reads here and the other way round. KMS is rejected.

export { parseEncryptionConfiguration, MAX_CONFIG_SIZE_BYTES } from './parse-config.ts';
export { transformerFor, providersFor, PROVIDER_PREFIXES } from './transformer-for.ts';
export type { TransformerOptions } from './transformer-for.ts';
export type { ValueTransformer, RandomBytes } from './transformer.ts';
export { encryptionStatus, describeStoredValue, STORED_VALUE_KINDS } from './encryption-status.ts';
export type { ResourceEncryptionStatus, StoredValueDescription, StoredValueKind } from './encryption-status.ts';
export {
  ENCRYPTION_CONFIG_API_VERSION, ENCRYPTION_CONFIG_KIND, PROVIDER_TYPES, parseGroupResource, groupResourceYAML,
} from './config-types.ts';
export type {
  EncryptionConfiguration, ResourceConfig, ProviderConfig, ProviderType, KeyedProviderType, KeyConfig, GroupResource,
} from './config-types.ts';
export { SecretKey } from './secret-key.ts';
export { EncryptionConfigError, TransformError, ENCRYPTION_CONFIG_ERROR_CODES, TRANSFORM_ERROR_CODES } from './errors.ts';
export type { EncryptionConfigErrorCode, TransformErrorCode } from './errors.ts';
export { AES_KEY_SIZES, SECRETBOX_KEY_SIZES, KMS_UNSUPPORTED } from './validate-config.ts';
