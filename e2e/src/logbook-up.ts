// `logbook up` as a user runs it: one process, its data in a directory, its
// kubeconfig announced on stdout; and the real kubectl pointed at it. The
// child's environment drops KUBECONFIG and KUBERNETES_*: a developer's own
// cluster must never be what a test talks to.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { freeLoopbackPorts } from './free-ports.ts';
import { BoundedLog } from './bounded-log.ts';

const CLI = resolve(import.meta.dirname, '../../services/cli/bin/logbook.js');
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class LogbookUp implements AsyncDisposable {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly #ports: { readonly api: number; readonly client: number; readonly peer: number };
  readonly #ownsDir: boolean;
  #child: ChildProcess | undefined;
  readonly #log = new BoundedLog(256 * 1024);

  private constructor(dataDir: string, ownsDir: boolean, ports: { api: number; client: number; peer: number }) {
    this.dataDir = dataDir;
    this.kubeconfig = join(dataDir, 'admin.kubeconfig');
    this.#ownsDir = ownsDir;
    this.#ports = ports;
  }

  static async start(extraArgs: readonly string[] = []): Promise<LogbookUp> {
    const [api, client, peer] = await freeLoopbackPorts(3);
    const up = new LogbookUp(mkdtempSync(join(tmpdir(), 'logbook-up-')), true, { api: api!, client: client!, peer: peer! });
    await up.#spawn(extraArgs);
    return up;
  }

  get apiPort(): number {
    return this.#ports.api;
  }

  logs(): string {
    return this.#log.tail(60);
  }

  /** SIGTERM and wait for the exit (a clean stop), then start again on the same data directory. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn([]);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.#child = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    if (this.#ownsDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Runs kubectl against this control plane; never rejects for a non-zero exit. */
  kubectl(args: readonly string[], opts: { readonly stdin?: string; readonly timeoutMs?: number } = {}): Promise<KubectlResult> {
    return runKubectl(this.kubeconfig, args, opts);
  }

  async #spawn(extraArgs: readonly string[]): Promise<void> {
    const args = [
      CLI, 'up', '--data-dir', this.dataDir, '--secure-port', String(this.#ports.api),
      '--store-client-url', `http://127.0.0.1:${this.#ports.client}`, '--store-peer-url', `http://127.0.0.1:${this.#ports.peer}`,
      ...extraArgs,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stderr.on('data', (c: Buffer) => this.#log.append(c.toString()));
    let out = '';
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`logbook up did not announce its kubeconfig within 30 s\n${this.logs()}`)), 30_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('export KUBECONFIG=')) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`logbook up exited (${code ?? signal}) before serving\n${this.logs()}`));
      });
    });
  }
}

export function kubectlEnv(kubeconfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (k !== 'KUBECONFIG' && !k.startsWith('KUBERNETES_')) env[k] = v;
  env.KUBECONFIG = kubeconfig;
  return env;
}

export interface InstalledKubectl {
  /** `1.30`, or `kubectl` for the unversioned one. */
  readonly label: string;
  readonly path: string;
}

/**
 * The versioned kubectl binaries installed beside the `kubectl` on PATH (the
 * Google Cloud SDK dispatcher ships `kubectl.1.27` … `kubectl.1.33`), in the
 * order asked; when none of them is there, the plain `kubectl`.
 */
export function installedKubectls(versions: readonly string[]): InstalledKubectl[] {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'kubectl')).find((p) => existsSync(p));
  if (onPath === undefined) return [];
  const dir = dirname(realpathSync(onPath));
  const found = versions.map((v) => ({ label: v, path: join(dir, `kubectl.${v}`) })).filter((k) => existsSync(k.path));
  return found.length > 0 ? found : [{ label: 'kubectl', path: onPath }];
}

export function runKubectl(kubeconfig: string, args: readonly string[], opts: { readonly stdin?: string; readonly timeoutMs?: number; readonly binary?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(opts.binary ?? 'kubectl', args, { env: kubectlEnv(kubeconfig), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let bytes = 0;
    const take = (into: 'out' | 'err') => (c: Buffer): void => {
      bytes += c.length;
      if (bytes > MAX_OUTPUT_BYTES) child.kill('SIGKILL');
      if (into === 'out') stdout += c.toString();
      else stderr += c.toString();
    };
    child.stdout.on('data', take('out'));
    child.stderr.on('data', take('err'));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveResult({ code, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
