// What buildAuthorizerChain needs to construct the Node and Webhook modes.
// Node is synchronous given the graph; Webhook reads its kubeconfig, so it is
// built (async) before the chain and handed in ready. Flag problems are
// reported all at once, in kube-apiserver's words where it has them.

import { AuthorizationConfigError } from './authorization-config-error.ts';
import type { AuthorizationMode } from './authorizer-chain.ts';
import { NodeAuthorizer, type NodeAuthorizerOptions } from './node-authorizer.ts';
import type { NodeGraphReader } from './node-graph.ts';
import { WEBHOOK_DEFAULTS, WEBHOOK_VERSIONS, webhookAuthorizer, type WebhookAuthorizer, type WebhookAuthorizerOptions, type WebhookVersion } from './webhook-authorizer.ts';

/** The --authorization-webhook-* flags, durations already parsed to milliseconds. */
export interface WebhookFlags {
  /** --authorization-webhook-config-file */
  readonly configFile: string;
  /** --authorization-webhook-version (default v1beta1) */
  readonly version?: string;
  /** --authorization-webhook-cache-authorized-ttl (default 5m) */
  readonly authorizedTTLMs?: number;
  /** --authorization-webhook-cache-unauthorized-ttl (default 30s) */
  readonly unauthorizedTTLMs?: number;
}

/** Every problem with the webhook flags for these modes; empty when they are fine. */
export function validateWebhookFlags(modes: readonly AuthorizationMode[], flags: WebhookFlags): string[] {
  const problems: string[] = [];
  const webhook = modes.includes('Webhook');
  if (webhook && flags.configFile === '') problems.push("authorization-mode Webhook's authorization config file not passed");
  if (!webhook && flags.configFile !== '') problems.push('cannot specify --authorization-webhook-config-file without mode Webhook');
  const version = flags.version ?? WEBHOOK_DEFAULTS.version;
  if (!(WEBHOOK_VERSIONS as readonly string[]).includes(version)) problems.push(`--authorization-webhook-version: Unsupported value: "${version}": supported values: "v1", "v1beta1"`);
  for (const [flag, v] of [['--authorization-webhook-cache-authorized-ttl', flags.authorizedTTLMs], ['--authorization-webhook-cache-unauthorized-ttl', flags.unauthorizedTTLMs]] as const) {
    if (v !== undefined && !(v >= 0)) problems.push(`${flag} must not be negative`);
  }
  return problems;
}

/** Builds the Webhook mode's authorizer from its flags, reading the kubeconfig now so a bad file fails start-up. */
export async function webhookModeAuthorizer(flags: WebhookFlags, extra: Omit<WebhookAuthorizerOptions, 'kubeconfigPath' | 'connection' | 'version' | 'authorizedTTLMs' | 'unauthorizedTTLMs'> = {}): Promise<WebhookAuthorizer> {
  const problems = validateWebhookFlags(['Webhook'], flags);
  if (problems.length > 0) throw new AuthorizationConfigError('MissingDependency', problems.join('; '));
  return webhookAuthorizer({
    ...extra,
    kubeconfigPath: flags.configFile,
    version: (flags.version ?? WEBHOOK_DEFAULTS.version) as WebhookVersion,
    ...(flags.authorizedTTLMs === undefined ? {} : { authorizedTTLMs: flags.authorizedTTLMs }),
    ...(flags.unauthorizedTTLMs === undefined ? {} : { unauthorizedTTLMs: flags.unauthorizedTTLMs }),
  });
}

/** Builds the Node mode's authorizer; the graph is required. */
export function nodeModeAuthorizer(deps: { readonly nodeGraph?: NodeGraphReader }, options: Omit<NodeAuthorizerOptions, 'graph'> = {}): NodeAuthorizer {
  if (deps.nodeGraph === undefined) throw new AuthorizationConfigError('MissingDependency', 'authorization-mode Node needs the node authorizer graph');
  return new NodeAuthorizer({ ...options, graph: deps.nodeGraph });
}
