// The flags `logbook apiserver` takes: kube-apiserver 1.33's (the ones Logbook
// implements, and every other one, accepted and named in a warning so an
// existing configuration carries over without silently losing meaning) plus
// Logbook's own. Defaults are kube-apiserver's.

import { AUDIT_FLAGS } from '@logbook/audit';
import type { FlagSpec } from '@logbook/cli-kit';

/** How a value is checked; for accepted-but-unimplemented flags this is the whole check. */
export type ApiserverFlagKind = 'bool' | 'int' | 'float' | 'duration' | 'string' | 'list' | 'ip' | 'map';

export interface ApiserverFlagSpec extends FlagSpec {
  readonly kind: ApiserverFlagKind;
}

const ARG: Readonly<Record<ApiserverFlagKind, string | undefined>> = {
  bool: undefined,
  int: 'N',
  float: 'X',
  duration: 'DURATION',
  string: 'VALUE',
  list: 'A,B,...',
  ip: 'IP',
  map: 'K=V,...',
};

function spec(name: string, kind: ApiserverFlagKind, help: string, more: Partial<ApiserverFlagSpec> = {}): ApiserverFlagSpec {
  const arg = ARG[kind];
  return { name, kind, help, ...(arg === undefined ? {} : { arg }), ...more };
}

export const IMPLEMENTED_FLAGS: readonly ApiserverFlagSpec[] = [
  spec('etcd-servers', 'list', 'etcd (or Logbook store) servers to connect to, scheme://ip:port, comma separated', { arg: 'URL,...' }),
  spec('etcd-prefix', 'string', 'prefix of every key in etcd', { default: '/registry', arg: 'PREFIX' }),
  spec('secure-port', 'int', 'port to serve HTTPS on', { default: '6443' }),
  spec('bind-address', 'ip', 'IP address to listen on for --secure-port (0.0.0.0 or :: for all interfaces)', { default: '0.0.0.0' }),
  spec('advertise-address', 'ip', 'IP address advertised to members of the cluster (blank: --bind-address, unless unspecified)'),
  spec('cert-dir', 'string', 'directory for self-signed TLS material, used when --tls-cert-file and --tls-private-key-file are not given', { default: '/var/run/kubernetes', arg: 'DIR' }),
  spec('tls-cert-file', 'string', 'serving certificate (PEM, with intermediates after it)', { arg: 'FILE' }),
  spec('tls-private-key-file', 'string', 'private key for --tls-cert-file', { arg: 'FILE' }),
  spec('client-ca-file', 'string', 'CA bundle that client certificates are verified against; CN is the user, O the groups', { arg: 'FILE' }),
  spec('service-cluster-ip-range', 'list', 'CIDR (or one IPv4 and one IPv6 CIDR) from which service cluster IPs are allocated', { default: '10.0.0.0/24', arg: 'CIDR[,CIDR]' }),
  spec('service-node-port-range', 'string', 'port range for NodePort services, inclusive: a-b or a+n', { default: '30000-32767', arg: 'RANGE' }),
  spec('request-timeout', 'duration', 'default timeout of a request (watches and other long-running requests excepted)', { default: '1m0s' }),
  spec('min-request-timeout', 'int', 'minimum seconds a watch request stays open before the server closes it (randomized up to twice this)', { default: '1800' }),
  spec('max-requests-inflight', 'int', 'non-mutating requests in flight before others get 429 (0: no limit)', { default: '400' }),
  spec('max-mutating-requests-inflight', 'int', 'mutating requests in flight before others get 429 (0: no limit)', { default: '200' }),
  spec('watch-cache', 'bool', 'serve watches and cached reads from a per-resource watch cache', { default: 'true' }),
  spec('watch-cache-sizes', 'list', 'per-resource watch cache sizes: resource[.group]#size,...', { arg: 'RESOURCE#SIZE,...' }),
  spec('default-watch-cache-size', 'int', 'watch cache size of resources not in --watch-cache-sizes (0: no watch cache for them)', { default: '100' }),
  spec('v', 'int', 'log level verbosity (-v N also works)', { default: '0' }),
  spec('shutdown-delay-duration', 'duration', 'time to keep serving after shutdown starts, so load balancers stop sending requests first', { default: '0s' }),
  spec('goaway-chance', 'float', 'probability in [0, 0.02] of sending GOAWAY to an HTTP/2 client, so clients rebalance across replicas', { default: '0' }),
  spec('nats-url', 'string', 'Logbook: NATS server(s) carrying committed changes to the watch caches (unset: watch the store directly)', { arg: 'nats://HOST:PORT,...' }),
  spec('anonymous-auth', 'bool', 'requests no authenticator claims run as system:anonymous (group system:unauthenticated); false: 401', { default: 'true' }),
  spec('token-auth-file', 'string', 'static bearer tokens: CSV lines token,user,uid,"group1,group2"', { arg: 'FILE' }),
  spec('enable-bootstrap-token-auth', 'bool', 'accept bootstrap tokens (Secrets of type bootstrap.kubernetes.io/token in kube-system) as bearer tokens'),
  spec('oidc-issuer-url', 'string', 'OpenID issuer (https); its ID tokens are accepted as bearer tokens', { arg: 'URL' }),
  spec('oidc-client-id', 'string', 'client id the ID tokens must be issued for (required with --oidc-issuer-url)', { arg: 'ID' }),
  spec('oidc-ca-file', 'string', 'CA bundle the issuer\'s discovery and key endpoints are verified against (default: the system roots)', { arg: 'FILE' }),
  spec('oidc-username-claim', 'string', 'claim naming the user', { default: 'sub', arg: 'CLAIM' }),
  spec('oidc-username-prefix', 'string', 'prefix of OIDC user names (unset: "<issuer>#" unless the claim is email; "-": none)', { arg: 'PREFIX' }),
  spec('oidc-groups-claim', 'string', 'claim holding the user\'s groups (a string or an array of strings)', { arg: 'CLAIM' }),
  spec('oidc-groups-prefix', 'string', 'prefix of OIDC group names', { arg: 'PREFIX' }),
  spec('oidc-required-claim', 'map', 'claims an ID token must carry with these exact values', { arg: 'CLAIM=VALUE,...' }),
  spec('oidc-signing-algs', 'list', 'accepted JOSE signing algorithms', { default: 'RS256', arg: 'ALG,...' }),
  spec('requestheader-client-ca-file', 'string', 'CA bundle verifying authenticating front proxies; their headers name the user', { arg: 'FILE' }),
  spec('requestheader-allowed-names', 'list', 'front-proxy client certificate common names accepted (empty: any verified by the CA)', { arg: 'CN,...' }),
  spec('requestheader-username-headers', 'list', 'headers a front proxy names the user in, first non-empty wins', { arg: 'HEADER,...' }),
  spec('requestheader-uid-headers', 'list', 'headers a front proxy gives the user\'s uid in', { arg: 'HEADER,...' }),
  spec('requestheader-group-headers', 'list', 'headers a front proxy lists the user\'s groups in', { arg: 'HEADER,...' }),
  spec('requestheader-extra-headers-prefix', 'list', 'header prefixes a front proxy passes user extras under', { arg: 'PREFIX,...' }),
  spec('service-account-issuer', 'list', 'issuer(s) of service-account tokens; the first signs new ones', { arg: 'URL,...' }),
  spec('service-account-signing-key-file', 'string', 'private key (PEM) service-account tokens are signed with (enables TokenRequest)', { arg: 'FILE' }),
  spec('service-account-key-file', 'list', 'public or private keys (PEM) service-account tokens are verified with (default: the signing key)', { arg: 'FILE,...' }),
  spec('api-audiences', 'list', 'audiences tokens must be meant for (default: the service-account issuers)', { arg: 'AUDIENCE,...' }),
  spec('service-account-max-token-expiration', 'duration', 'longest lifetime a TokenRequest may ask for (0: no limit)', { default: '0s' }),
  spec('authorization-mode', 'list', 'ordered authorizers: AlwaysAllow, AlwaysDeny, RBAC, Node, Webhook (ABAC is refused); unset: authenticated users may do anything, anonymous only /healthz, /livez, /readyz, /version', { arg: 'MODE,...' }),
  spec('enable-admission-plugins', 'list', 'admission plugins to turn on besides the default set (order does not matter: kube\'s fixed order applies)', { arg: 'NAME,...' }),
  spec('disable-admission-plugins', 'list', 'admission plugins to turn off, default ones included', { arg: 'NAME,...' }),
  spec('admission-control-config-file', 'string', 'AdmissionConfiguration file: per-plugin configuration (PodSecurity defaults and exemptions, ...)', { arg: 'FILE' }),
  spec('default-not-ready-toleration-seconds', 'int', 'tolerationSeconds of the not-ready:NoExecute toleration DefaultTolerationSeconds adds', { default: '300' }),
  spec('default-unreachable-toleration-seconds', 'int', 'tolerationSeconds of the unreachable:NoExecute toleration DefaultTolerationSeconds adds', { default: '300' }),
  spec('authorization-webhook-config-file', 'string', 'kubeconfig of the service --authorization-mode=Webhook sends SubjectAccessReviews to', { arg: 'FILE' }),
  spec('authorization-webhook-version', 'string', 'authorization.k8s.io version of those SubjectAccessReviews: v1 or v1beta1', { default: 'v1beta1' }),
  spec('authorization-webhook-cache-authorized-ttl', 'duration', 'how long an allow from the webhook is cached', { default: '5m0s' }),
  spec('authorization-webhook-cache-unauthorized-ttl', 'duration', 'how long a deny from the webhook is cached', { default: '30s' }),
  spec('encryption-provider-config', 'string', 'EncryptionConfiguration: which resources are encrypted at rest, with which providers and keys (aescbc, aesgcm, secretbox, identity)', { arg: 'FILE' }),
  ...AUDIT_FLAGS.map((a) => spec(a.name, a.kind, a.help, a.default === '' ? {} : { default: a.default })),
  spec('nats-subject-prefix', 'string', 'Logbook: first tokens of the subjects the store publishes on (its own --nats-subject-prefix)', { default: 'logbook.events', arg: 'SUBJECT' }),
  spec('version', 'bool', 'print the version and exit'),
];

// Every other kube-apiserver 1.33 flag, grouped by value kind. Names only:
// the meaning is upstream's, and none of them has an effect in Logbook.
const OTHER: Readonly<Record<ApiserverFlagKind, readonly string[]>> = {
  bool: [
    'aggregator-reject-forwarding-redirect', 'allow-privileged', 'audit-log-batch-throttle-enable', 'audit-log-compress',
    'audit-log-truncate-enabled', 'audit-webhook-batch-throttle-enable', 'audit-webhook-truncate-enabled', 'contention-profiling', 'disable-http2-serving',
    'emulation-forward-compatible', 'enable-aggregator-routing', 'enable-garbage-collector', 'enable-logs-handler',
    'enable-priority-and-fairness', 'encryption-provider-config-automatic-reload', 'log-json-split-stream', 'log-text-split-stream', 'permit-address-sharing',
    'permit-port-sharing', 'profiling', 'runtime-config-emulation-forward-compatible', 'service-account-extend-token-expiration', 'service-account-lookup',
    'shutdown-send-retry-after',
  ],
  int: [
    'apiserver-count', 'audit-log-batch-buffer-size', 'audit-log-batch-max-size', 'audit-log-batch-throttle-burst', 'audit-log-maxage', 'audit-log-maxbackup',
    'audit-log-maxsize', 'audit-log-truncate-max-batch-size', 'audit-log-truncate-max-event-size', 'audit-webhook-batch-buffer-size', 'audit-webhook-batch-max-size',
    'audit-webhook-batch-throttle-burst', 'audit-webhook-truncate-max-batch-size', 'audit-webhook-truncate-max-event-size', 'delete-collection-workers', 'http2-max-streams-per-connection', 'lease-reuse-duration-seconds',
    'max-connection-bytes-per-sec',
  ],
  float: ['audit-log-batch-throttle-qps', 'audit-webhook-batch-throttle-qps'],
  duration: [
    'audit-log-batch-max-wait', 'audit-webhook-batch-max-wait', 'audit-webhook-initial-backoff', 'authentication-token-webhook-cache-ttl',
    'authorization-webhook-cache-authorized-ttl', 'authorization-webhook-cache-unauthorized-ttl', 'coordinated-leadership-lease-duration',
    'coordinated-leadership-renew-deadline', 'coordinated-leadership-retry-period', 'etcd-compaction-interval', 'etcd-count-metric-poll-period',
    'etcd-db-metric-poll-interval', 'etcd-healthcheck-timeout', 'etcd-readycheck-timeout', 'event-ttl', 'kubelet-timeout', 'livez-grace-period',
    'log-flush-frequency', 'shutdown-watch-termination-grace-period', 'storage-initialization-timeout',
  ],
  ip: [],
  map: ['allow-metric-labels', 'emulated-version', 'feature-gates', 'runtime-config', 'vmodule'],
  list: [
    'admission-control', 'cloud-provider-gce-l7lb-src-cidrs', 'cloud-provider-gce-lb-src-cidrs', 'cors-allowed-origins',
    'disabled-metrics', 'etcd-servers-overrides', 'kubelet-preferred-address-types',
    'strict-transport-security-directives',
    'tls-cipher-suites', 'tls-sni-cert-key',
  ],
  string: [
    'allow-metric-labels-manifest', 'audit-log-format', 'audit-log-mode', 'audit-log-path', 'audit-log-version',
    'audit-policy-file', 'audit-webhook-config-file', 'audit-webhook-mode', 'audit-webhook-version', 'authentication-config', 'authentication-token-webhook-config-file',
    'authentication-token-webhook-version', 'authorization-config', 'authorization-policy-file', 'authorization-webhook-config-file', 'authorization-webhook-version',
    'cloud-config', 'cloud-provider', 'debug-socket-path', 'egress-selector-config-file', 'encryption-provider-config', 'endpoint-reconciler-type',
    'etcd-cafile', 'etcd-certfile', 'etcd-keyfile', 'external-hostname', 'kubelet-certificate-authority', 'kubelet-client-certificate', 'kubelet-client-key',
    'log-json-info-buffer-size', 'log-text-info-buffer-size', 'logging-format', 'master-service-namespace', 'peer-advertise-ip', 'peer-advertise-port', 'peer-ca-file',
    'proxy-client-cert-file', 'proxy-client-key-file', 'service-account-jwks-uri', 'service-account-signing-endpoint',
    'show-hidden-metrics-for-version', 'storage-backend', 'storage-media-type', 'tls-min-version',
    'tracing-config-file',
  ],
};

/** Their values are checked by kind (a malformed one fails upstream at startup too), then ignored. */
const IMPLEMENTED_NAMES = new Set(IMPLEMENTED_FLAGS.map((s) => s.name));

export const UNIMPLEMENTED_FLAGS: readonly ApiserverFlagSpec[] = (Object.keys(OTHER) as ApiserverFlagKind[]).flatMap((kind) =>
  OTHER[kind].filter((name) => !IMPLEMENTED_NAMES.has(name)).map((name) => spec(name, kind, 'kube-apiserver flag, accepted without effect', { unimplemented: true })),
);

export const APISERVER_FLAGS: readonly ApiserverFlagSpec[] = [...IMPLEMENTED_FLAGS, ...UNIMPLEMENTED_FLAGS];

export const APISERVER_FLAGS_BY_NAME: ReadonlyMap<string, ApiserverFlagSpec> = new Map(APISERVER_FLAGS.map((s) => [s.name, s] as const));

export function apiserverHelp(command = 'logbook apiserver'): string {
  const lines = [`usage: ${command} [flags]`, '', 'Runs one Logbook apiserver replica: the Kubernetes API over HTTPS, backed by the store.', ''];
  for (const s of IMPLEMENTED_FLAGS) {
    lines.push(`  --${s.name}${s.arg === undefined ? '' : ` ${s.arg}`}`);
    lines.push(`      ${s.help}${s.default === undefined ? '' : ` (default ${s.default})`}`);
  }
  lines.push('', `The other ${UNIMPLEMENTED_FLAGS.length} kube-apiserver 1.33 flags are accepted and named in a warning; they have no effect.`, '');
  return lines.join('\n');
}
