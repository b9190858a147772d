// Running the real etcdctl (v3 API) against a cluster: one-shot commands
// with a deadline, and long-running ones (watch, lease keep-alive) read line
// by line. The child's environment drops every ETCDCTL_* and ETCD_* variable:
// etcdctl exits when a variable and a flag name the same setting, and a
// developer's own ETCDCTL_ENDPOINTS must never point a test elsewhere.

import { spawn, type ChildProcess } from 'node:child_process';

const ETCDCTL = 'etcdctl';
/** Output kept per command; a command printing more is killed (a runaway watch, say). */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/** Lines a stream buffers that the test has not read; past it the stream is killed and reads fail. */
const MAX_BUFFERED_LINES = 10_000;

export interface EtcdctlResult {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface EtcdctlOptions {
  /** `host:port` or URLs; joined into --endpoints. */
  readonly endpoints: readonly string[];
  readonly stdin?: string | Uint8Array;
  readonly timeoutMs?: number;
}

export function etcdctlEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_') && !k.startsWith('ETCD_')) env[k] = v;
  env.ETCDCTL_API = '3';
  return env;
}

function withEndpoints(args: readonly string[], endpoints: readonly string[]): string[] {
  if (endpoints.length === 0) throw new RangeError('etcdctl needs at least one endpoint');
  // As given: host:port or URLs (etcdctl 3.4 sends a URL endpoint as the
  // HTTP/2 :authority of per-endpoint commands; the store accepts that).
  return [`--endpoints=${endpoints.join(',')}`, ...args];
}

/** Runs one etcdctl command to completion (or to `timeoutMs`, then SIGKILL). Never rejects for a non-zero exit. */
export function runEtcdctl(args: readonly string[], options: EtcdctlOptions): Promise<EtcdctlResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawn(ETCDCTL, withEndpoints(args, options.endpoints), { env: etcdctlEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let timedOut = false;
    let overflow = false;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_OUTPUT_BYTES) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${ETCDCTL}: ${e.message}`, { cause: e }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (overflow) {
        reject(new Error(`etcdctl ${args.join(' ')} printed more than ${MAX_OUTPUT_BYTES} bytes`));
        return;
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    // A command that reads no stdin may exit before we write: EPIPE is expected then.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * The `Error: ...` line etcdctl prints last on stderr, without its JSON log
 * lines (the client's retry warnings), or '' when there is none.
 */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('Error: '));
  return lines.at(-1) ?? '';
}

/** A long-running etcdctl (watch, lease keep-alive) whose stdout is read line by line. */
export class EtcdctlStream implements AsyncDisposable {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiters: (() => void)[] = [];
  #partial = '';
  #stderr = '';
  #exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #overflowed = false;
  readonly exited: Promise<void>;

  constructor(args: readonly string[], endpoints: readonly string[]) {
    this.#child = spawn(ETCDCTL, withEndpoints(args, endpoints), { env: etcdctlEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.setEncoding('utf8');
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stdout!.on('data', (text: string) => this.#onStdout(text));
    this.#child.stderr!.on('data', (text: string) => {
      if (this.#stderr.length < 64 * 1024) this.#stderr += text;
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('close', (code, signal) => {
        this.#exited = { code, signal };
        this.#wake();
        resolve();
      });
      this.#child.once('error', (e) => {
        this.#stderr += `spawn error: ${e.message}\n`;
      });
    });
  }

  #onStdout(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop()!;
    for (const line of parts) {
      if (this.#lines.length >= MAX_BUFFERED_LINES) {
        this.#overflowed = true;
        this.#child.kill('SIGKILL');
        break;
      }
      this.#lines.push(line);
    }
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The next line of stdout; rejects at `timeoutMs`, or when the process has exited with nothing left to read. */
  async nextLine(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#overflowed) throw new Error(`etcdctl stream buffered more than ${MAX_BUFFERED_LINES} unread lines and was killed`);
      const line = this.#lines.shift();
      if (line !== undefined) return line;
      if (this.#exited !== undefined) {
        throw new Error(`etcdctl exited (code ${this.#exited.code}, signal ${this.#exited.signal}) before printing another line; stderr: ${this.#stderr}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line from etcdctl within ${timeoutMs} ms; stderr: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next `count` lines, within `timeoutMs` in total. */
  async lines(count: number, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const got: string[] = [];
    while (got.length < count) got.push(await this.nextLine(Math.max(1, deadline - Date.now())));
    return got;
  }

  async close(): Promise<void> {
    if (this.#exited === undefined) this.#child.kill('SIGTERM');
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
