// A real nats-server for tests: spawned on a free loopback port, no
// monitoring port, optionally with a small max_payload (which only a config
// file can set). kill() and restart() exercise outages on the same port.
// Test harness only: the store never spawns NATS.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServerOptions {
  /** Bytes; the server's max_payload (default: nats-server's 1 MB). */
  readonly maxPayload?: number;
  /** Path of the nats-server binary (default: PATH, then /usr/sbin, /usr/local/bin). */
  readonly bin?: string;
  /** How long to wait for "Server is ready". Default 5000 ms. */
  readonly readyTimeoutMs?: number;
}

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM) and removes its files. Final. */
  stop(): Promise<void>;
  /** SIGKILL: an abrupt outage; restart() brings it back on the same port. */
  kill(): Promise<void>;
  /** Starts it again on the same port (kills it first if it is running). */
  restart(): Promise<void>;
  /** SIGSTOP: a server that holds connections but answers nothing. Resolves once it is stopped. */
  pause(): Promise<void>;
  /** SIGCONT after pause(). */
  resume(): void;
}

function findBinary(): string {
  // Test harness: reading PATH here is the point (Debian puts nats-server in /usr/sbin, often off PATH).
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];
  for (const d of dirs) {
    if (d === '') continue;
    const p = join(d, 'nats-server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    }
  }
  throw new Error('nats-server not found on PATH or in /usr/sbin (Debian package nats-server)');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Signal delivery is asynchronous: the server can still answer for a moment
 * after kill() returns. Wait until the kernel reports it stopped (Linux /proc;
 * elsewhere, a short pause has to do).
 */
async function stoppedState(child: ChildProcess): Promise<void> {
  const statusFile = `/proc/${child.pid}/status`;
  for (let i = 0; i < 200; i++) {
    let status: string;
    try {
      status = readFileSync(statusFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await new Promise((r) => setTimeout(r, 100));
      return;
    }
    if (/^State:\s+T/m.test(status)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('nats-server did not stop after SIGSTOP');
}

function launch(bin: string, args: readonly string[], readyTimeoutMs: number): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server not ready within ${readyTimeoutMs} ms:\n${log}`));
    }, readyTimeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited (${code}) before ready:\n${log}`));
    };
    child.once('exit', onExit);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      // Keep only the start of the log: enough to explain a failed start.
      if (log.length < 8192) log += chunk;
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(child);
      }
    });
  });
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = options.bin ?? findBinary();
  const readyTimeoutMs = options.readyTimeoutMs ?? 5000;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'logbook-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-m', '0'];
  if (options.maxPayload !== undefined) {
    const conf = join(dir, 'nats.conf');
    writeFileSync(conf, `max_payload: ${options.maxPayload}\n`);
    args.push('-c', conf);
  }
  let child: ChildProcess | undefined = await launch(bin, args, readyTimeoutMs);
  let stopped = false;

  const kill = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c === undefined) return;
    c.kill('SIGKILL');
    await exited(c);
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    kill,
    async pause() {
      const c = child;
      if (c === undefined) return;
      c.kill('SIGSTOP');
      await stoppedState(c);
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async restart() {
      if (stopped) throw new Error('nats-server handle was stopped');
      await kill();
      child = await launch(bin, args, readyTimeoutMs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const c = child;
      child = undefined;
      if (c !== undefined) {
        c.kill('SIGCONT');
        c.kill('SIGTERM');
        await exited(c);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
