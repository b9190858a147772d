// Decodes Mutating/ValidatingWebhookConfiguration objects (v1) into
// WebhookSpecs, once per object: the watch cache hands out the same object
// until it changes, so a WeakMap keyed by the object makes the per-request
// cost a lookup. The registry validates these objects on write; a shape it
// should have refused is still reported here (ConfigurationError) rather
// than skipped, because a skipped security webhook fails open silently.

import { fromLabelSelector, type LabelSelector } from '@logbook/apimachinery';
import type { KubeObject } from '@logbook/apistorage';
import {
  FAILURE_POLICIES, MATCH_POLICIES, REINVOCATION_POLICIES, RULE_SCOPES, SIDE_EFFECT_CLASSES,
  type ClientConfig, type MatchCondition, type WebhookRule, type WebhookSpec,
} from './types.ts';

/** kube's bounds on timeoutSeconds (validation refuses others; we clamp to stay safe). */
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MAX_TIMEOUT_SECONDS = 30;
export const MIN_TIMEOUT_SECONDS = 1;

export type WebhookType = 'mutating' | 'validating';

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly code = 'invalid-configuration' as const;
  readonly configurationName: string;

  constructor(configurationName: string, problem: string) {
    super(`invalid webhook configuration ${JSON.stringify(configurationName)}: ${problem}`);
    this.configurationName = configurationName;
  }
}

type Decoded = { readonly hooks: readonly WebhookSpec[] } | { readonly error: ConfigurationError };

const caches: Record<WebhookType, WeakMap<KubeObject, Decoded>> = { mutating: new WeakMap(), validating: new WeakMap() };

/**
 * Every webhook of the given configurations, in kube's order: configurations
 * sorted by name, webhooks in their configuration's order. Throws the first
 * ConfigurationError met.
 */
export function webhooksOf(type: WebhookType, configurations: readonly KubeObject[]): WebhookSpec[] {
  const sorted = [...configurations].sort((a, b) => compare(a.metadata.name ?? '', b.metadata.name ?? ''));
  const out: WebhookSpec[] = [];
  for (const c of sorted) {
    let d = caches[type].get(c);
    if (d === undefined) {
      d = decodeConfiguration(type, c);
      caches[type].set(c, d);
    }
    if ('error' in d) throw d.error;
    out.push(...d.hooks);
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function decodeConfiguration(type: WebhookType, obj: KubeObject): Decoded {
  const configurationName = obj.metadata.name ?? '';
  try {
    const webhooks = obj['webhooks'];
    if (webhooks === undefined || webhooks === null) return { hooks: [] };
    if (!Array.isArray(webhooks)) throw new Error('webhooks: must be a list');
    return { hooks: webhooks.map((w: unknown, i) => decodeWebhook(type, configurationName, w, i)) };
  } catch (err) {
    return { error: new ConfigurationError(configurationName, err instanceof Error ? err.message : String(err)) };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${path}.${key}: must be a string`);
  return v;
}

function stringList(o: Record<string, unknown>, key: string, path: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`${path}.${key}: must be a list of strings`);
  return v;
}

function oneOf<T extends string>(allowed: readonly T[], o: Record<string, unknown>, key: string, path: string, dflt: T): T;
function oneOf<T extends string>(allowed: readonly T[], o: Record<string, unknown>, key: string, path: string, dflt: undefined): T | undefined;
function oneOf<T extends string>(allowed: readonly T[], o: Record<string, unknown>, key: string, path: string, dflt: T | undefined): T | undefined {
  const v = optString(o, key, path);
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${path}.${key}: unsupported value ${JSON.stringify(v)}`);
  return v as T;
}

function decodeWebhook(type: WebhookType, configurationName: string, w: unknown, index: number): WebhookSpec {
  const path = `webhooks[${index}]`;
  if (!isRecord(w)) throw new Error(`${path}: must be an object`);
  const name = optString(w, 'name', path);
  if (name === undefined || name === '') throw new Error(`${path}.name: Required value`);
  const timeout = w['timeoutSeconds'];
  if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || !Number.isInteger(timeout))) {
    throw new Error(`${path}.timeoutSeconds: must be an integer`);
  }
  const timeoutSeconds = typeof timeout === 'number'
    ? Math.min(MAX_TIMEOUT_SECONDS, Math.max(MIN_TIMEOUT_SECONDS, timeout))
    : DEFAULT_TIMEOUT_SECONDS;
  return {
    uid: `${configurationName}/${name}/${index}`,
    configurationName,
    name,
    clientConfig: decodeClientConfig(w['clientConfig'], `${path}.clientConfig`),
    rules: decodeRules(w['rules'], `${path}.rules`),
    failurePolicy: oneOf(FAILURE_POLICIES, w, 'failurePolicy', path, 'Fail'),
    matchPolicy: oneOf(MATCH_POLICIES, w, 'matchPolicy', path, 'Equivalent'),
    namespaceSelector: decodeSelector(w['namespaceSelector'], `${path}.namespaceSelector`),
    objectSelector: decodeSelector(w['objectSelector'], `${path}.objectSelector`),
    sideEffects: oneOf(SIDE_EFFECT_CLASSES, w, 'sideEffects', path, undefined),
    timeoutSeconds,
    admissionReviewVersions: stringList(w, 'admissionReviewVersions', path),
    matchConditions: decodeMatchConditions(w['matchConditions'], `${path}.matchConditions`),
    reinvocationPolicy: type === 'mutating' ? oneOf(REINVOCATION_POLICIES, w, 'reinvocationPolicy', path, 'Never') : 'Never',
  };
}

function decodeClientConfig(v: unknown, path: string): ClientConfig {
  if (!isRecord(v)) throw new Error(`${path}: Required value`);
  const url = optString(v, 'url', path);
  const svc = v['service'];
  let service: ClientConfig['service'];
  if (svc !== undefined && svc !== null) {
    if (!isRecord(svc)) throw new Error(`${path}.service: must be an object`);
    const port = svc['port'];
    if (port !== undefined && port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new Error(`${path}.service.port: must be an integer between 1 and 65535`);
    }
    const namespace = optString(svc, 'namespace', `${path}.service`) ?? '';
    const name = optString(svc, 'name', `${path}.service`) ?? '';
    if (namespace === '' || name === '') throw new Error(`${path}.service: namespace and name are required`);
    service = { namespace, name, path: optString(svc, 'path', `${path}.service`) ?? '', port: typeof port === 'number' ? port : 443 };
  }
  if ((url === undefined) === (service === undefined)) throw new Error(`${path}: exactly one of url or service is required`);
  const ca = optString(v, 'caBundle', path);
  return { url, service, caBundlePem: ca === undefined || ca === '' ? undefined : Buffer.from(ca, 'base64').toString('utf8') };
}

function decodeRules(v: unknown, path: string): WebhookRule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${path}: must be a list`);
  return v.map((r: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(r)) throw new Error(`${p}: must be an object`);
    return {
      operations: stringList(r, 'operations', p),
      apiGroups: stringList(r, 'apiGroups', p),
      apiVersions: stringList(r, 'apiVersions', p),
      resources: stringList(r, 'resources', p),
      scope: oneOf(RULE_SCOPES, r, 'scope', p, '*'),
    };
  });
}

// v1 defaults both selectors to {} (everything); only a malformed one is an error.
function decodeSelector(v: unknown, path: string): LabelSelector {
  if (v === undefined || v === null) return fromLabelSelector({});
  if (!isRecord(v)) throw new Error(`${path}: must be an object`);
  return fromLabelSelector(v);
}

function decodeMatchConditions(v: unknown, path: string): MatchCondition[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${path}: must be a list`);
  return v.map((c: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(c)) throw new Error(`${p}: must be an object`);
    return { name: optString(c, 'name', p) ?? '', expression: optString(c, 'expression', p) ?? '' };
  });
}
