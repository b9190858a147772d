// --authorization-mode=Webhook (kube's plugin/pkg/authorizer/webhook with the
// legacy flags): each request's attributes become a SubjectAccessReview POSTed
// to the service named by --authorization-webhook-config-file. Answers are
// cached per spec — allowed ones for --authorization-webhook-cache-authorized-ttl,
// all others for -unauthorized-ttl — in an LRU of CACHE_SIZE entries.
//
// Failure rule (kube's FailurePolicy NoOpinion for the flag configuration):
// an unreachable, slow or broken webhook yields NoOpinion carrying the error,
// logged; the union then moves on, so with nothing after it the request is
// refused, and with RBAC after it RBAC decides.

import { readKubeconfig, type KubeconfigConnection } from '@logbook/pki';
import { ExpiringLru, type Clock } from './expiring-lru.ts';
import type { Attributes, Authorizer, Decision, RuleResolver, RulesResult } from './types.ts';
import { DEFAULT_RETRY_BACKOFF, WebhookClient, type RetryBackoff } from './webhook-client.ts';

export const WEBHOOK_VERSIONS = ['v1', 'v1beta1'] as const;
export type WebhookVersion = (typeof WEBHOOK_VERSIONS)[number];

/** kube-apiserver's flag defaults. */
export const WEBHOOK_DEFAULTS = {
  version: 'v1beta1' as WebhookVersion,
  authorizedTTLMs: 5 * 60_000,
  unauthorizedTTLMs: 30_000,
  requestTimeoutMs: 30_000,
  cacheSize: 8192,
} as const;

/** kube does not cache attributes whose controlled fields exceed this many characters in total. */
const MAX_CACHED_ATTRIBUTE_CHARS = 10_000;

export interface WebhookLogger {
  error(msg: string, fields?: Readonly<Record<string, string | number | boolean | undefined>>): void;
}

export interface WebhookAuthorizerOptions {
  /** --authorization-webhook-config-file; or give `connection` directly. */
  readonly kubeconfigPath?: string;
  readonly connection?: KubeconfigConnection;
  /** --authorization-webhook-version. */
  readonly version?: WebhookVersion;
  readonly authorizedTTLMs?: number;
  readonly unauthorizedTTLMs?: number;
  readonly requestTimeoutMs?: number;
  readonly retryBackoff?: RetryBackoff;
  readonly cacheSize?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: WebhookLogger;
}

/** The status a webhook answers with, as cached. */
export interface SubjectAccessReviewStatus {
  readonly allowed: boolean;
  readonly denied: boolean;
  readonly reason: string;
}

const BOTH_ERROR = 'webhook subject access review returned both allow and deny response';

export class WebhookAuthorizer implements Authorizer, RuleResolver {
  readonly #client: WebhookClient;
  readonly #version: WebhookVersion;
  readonly #authorizedTTLMs: number;
  readonly #unauthorizedTTLMs: number;
  readonly #cache: ExpiringLru<string, SubjectAccessReviewStatus>;
  readonly #logger: WebhookLogger | undefined;

  constructor(connection: KubeconfigConnection, options: Omit<WebhookAuthorizerOptions, 'kubeconfigPath' | 'connection'> = {}) {
    this.#version = options.version ?? WEBHOOK_DEFAULTS.version;
    if (!(WEBHOOK_VERSIONS as readonly string[]).includes(this.#version)) throw new Error(`assertion failed: unsupported webhook version ${this.#version}`);
    this.#authorizedTTLMs = options.authorizedTTLMs ?? WEBHOOK_DEFAULTS.authorizedTTLMs;
    this.#unauthorizedTTLMs = options.unauthorizedTTLMs ?? WEBHOOK_DEFAULTS.unauthorizedTTLMs;
    this.#cache = new ExpiringLru(options.cacheSize ?? WEBHOOK_DEFAULTS.cacheSize, options.clock ?? { now: () => performance.now() });
    this.#logger = options.logger;
    this.#client = new WebhookClient(connection, {
      requestTimeoutMs: options.requestTimeoutMs ?? WEBHOOK_DEFAULTS.requestTimeoutMs,
      retryBackoff: options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
  }

  async authorize(attrs: Attributes): Promise<Decision> {
    const spec = subjectAccessReviewSpec(attrs, this.#version);
    const key = JSON.stringify(spec);
    let status = this.#cache.get(key);
    if (status === undefined) {
      try {
        status = decodeStatus(await this.#client.post(subjectAccessReview(spec, this.#version)));
      } catch (err) {
        const message = (err as Error).message;
        this.#logger?.error(`Failed to make webhook authorizer request: ${message}`, { user: attrs.user.name, verb: attrs.verb, resource: attrs.resource, namespace: attrs.namespace, name: attrs.name });
        return { decision: 'NoOpinion', reason: '', error: message };
      }
      if (shouldCache(attrs)) this.#cache.set(key, status, status.allowed ? this.#authorizedTTLMs : this.#unauthorizedTTLMs);
    }
    if (status.allowed && status.denied) return { decision: 'Deny', reason: status.reason, error: BOTH_ERROR };
    if (status.denied) return { decision: 'Deny', reason: status.reason };
    if (status.allowed) return { decision: 'Allow', reason: status.reason };
    return { decision: 'NoOpinion', reason: status.reason };
  }

  /** As kube: a webhook cannot list what it would allow. */
  rulesFor(): Promise<RulesResult> {
    return Promise.resolve({ resourceRules: [], nonResourceRules: [], incomplete: true, error: 'webhook authorizer does not support user rule resolution' });
  }

  /** Closes idle keep-alive connections; in-flight requests fail. */
  close(): void {
    this.#client.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Builds the authorizer from a kubeconfig file (read once, now) or from a connection. */
export async function webhookAuthorizer(options: WebhookAuthorizerOptions): Promise<WebhookAuthorizer> {
  const { kubeconfigPath, connection, ...rest } = options;
  if ((kubeconfigPath === undefined) === (connection === undefined)) throw new Error('assertion failed: webhookAuthorizer needs exactly one of kubeconfigPath and connection');
  return new WebhookAuthorizer(connection ?? (await readKubeconfig(kubeconfigPath ?? '')), rest);
}

type Json = Record<string, unknown>;

/** The review's spec in Go's field order with omitempty; also the cache key. */
export function subjectAccessReviewSpec(attrs: Attributes, version: WebhookVersion): Json {
  const spec: Json = {};
  const put = (o: Json, k: string, v: string): void => {
    if (v !== '') o[k] = v;
  };
  if (attrs.resourceRequest) {
    const ra: Json = {};
    put(ra, 'namespace', attrs.namespace);
    put(ra, 'verb', attrs.verb);
    put(ra, 'group', attrs.apiGroup);
    put(ra, 'version', attrs.apiVersion);
    put(ra, 'resource', attrs.resource);
    put(ra, 'subresource', attrs.subresource);
    put(ra, 'name', attrs.name);
    spec['resourceAttributes'] = ra;
  } else {
    const nra: Json = {};
    put(nra, 'path', attrs.path);
    put(nra, 'verb', attrs.verb);
    spec['nonResourceAttributes'] = nra;
  }
  put(spec, 'user', attrs.user.name);
  // v1beta1 spelled the list "group".
  if (attrs.user.groups.length > 0) spec[version === 'v1' ? 'groups' : 'group'] = [...attrs.user.groups];
  const extraKeys = Object.keys(attrs.user.extra).sort();
  if (extraKeys.length > 0) spec['extra'] = Object.fromEntries(extraKeys.map((k) => [k, [...(attrs.user.extra[k] ?? [])]]));
  put(spec, 'uid', attrs.user.uid);
  return spec;
}

function subjectAccessReview(spec: Json, version: WebhookVersion): Json {
  return { apiVersion: `authorization.k8s.io/${version}`, kind: 'SubjectAccessReview', metadata: { creationTimestamp: null }, spec, status: { allowed: false } };
}

function decodeStatus(body: unknown): SubjectAccessReviewStatus {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('webhook response is not a SubjectAccessReview object');
  const status = (body as Json)['status'];
  // Go decodes a missing status as its zero value: neither allowed nor denied.
  if (status === undefined || status === null) return { allowed: false, denied: false, reason: '' };
  if (typeof status !== 'object' || Array.isArray(status)) throw new Error('webhook response status is not an object');
  const s = status as Json;
  const bool = (k: string): boolean => {
    const v = s[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw new Error(`webhook response status.${k} is not a boolean`);
    return v;
  };
  const reason = s['reason'];
  if (reason !== undefined && reason !== null && typeof reason !== 'string') throw new Error('webhook response status.reason is not a string');
  return { allowed: bool('allowed'), denied: bool('denied'), reason: reason ?? '' };
}

function shouldCache(attrs: Attributes): boolean {
  const size = attrs.namespace.length + attrs.verb.length + attrs.apiGroup.length + attrs.apiVersion.length + attrs.resource.length + attrs.subresource.length + attrs.name.length + attrs.path.length;
  return size < MAX_CACHED_ATTRIBUTE_CHARS;
}
