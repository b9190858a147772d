// The control plane's own API client: HTTP/2 to this apiserver on loopback
// with its loopback token, the serving certificate pinned (the apiserver
// knows exactly which certificate it serves, whoever signed it). Controllers
// talk to the API through it like any client.

import http2 from 'node:http2';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
}

/** Bound on a response body the controllers read (a page of a list). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;

export class LoopbackClient {
  readonly #url: string;
  readonly #token: string;
  readonly #fingerprint: string;
  #session: http2.ClientHttp2Session | undefined;

  constructor(o: { readonly port: number; readonly token: string; readonly servingCertPem: string }) {
    this.#url = `https://127.0.0.1:${o.port}`;
    this.#token = o.token;
    this.#fingerprint = new X509Certificate(o.servingCertPem).fingerprint256;
  }

  request(method: string, path: string, body?: unknown): Promise<ApiReply> {
    const session = this.#connect();
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = {
        ':method': method, ':path': path, authorization: `Bearer ${this.#token}`, accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      };
      // No body: the request ends with its headers (http2 does this itself for GET).
      const stream = session.request(headers, { endStream: body === undefined });
      stream.setTimeout(REQUEST_TIMEOUT_MS, () => stream.close(http2.constants.NGHTTP2_CANCEL));
      let status = 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > MAX_RESPONSE_BYTES) stream.close(http2.constants.NGHTTP2_CANCEL);
        else chunks.push(c);
      });
      stream.on('error', reject);
      stream.on('close', () => {
        if (status === 0) {
          reject(new Error(`${method} ${path}: no response`));
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON (a plain-text error): keep the text.
        }
        resolve({ status, body: parsed });
      });
      if (body !== undefined) stream.end(JSON.stringify(body));
    });
  }

  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  #connect(): http2.ClientHttp2Session {
    if (this.#session !== undefined && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const session = http2.connect(this.#url, {
      // Pinned below instead: the serving certificate may come from any CA.
      rejectUnauthorized: false,
    });
    session.on('secureConnect', () => {
      const cert = (session.socket as TLSSocket).getPeerX509Certificate();
      if (cert?.fingerprint256 !== this.#fingerprint) session.destroy(new Error('loopback: the server presented an unexpected certificate'));
    });
    session.on('error', () => undefined); // surfaces on the requests
    session.on('close', () => {
      if (this.#session === session) this.#session = undefined;
    });
    session.unref();
    this.#session = session;
    return session;
  }
}
