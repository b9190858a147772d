// --audit-* for one replica: @logbook/audit's auditor from the flags, with
// the webhook backend's HTTPS POST built from --audit-webhook-config-file
// (a kubeconfig, as kube reads it).

import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { auditorFromFlags, WebhookStatusError, type Auditor, type AuditEventList } from '@logbook/audit';
import { readKubeconfig, type KubeconfigConnection } from '@logbook/pki';
import type { Logger } from '@logbook/raft';

/** An answer body is read only for the error message: a bound keeps a chatty webhook from growing memory. */
const MAX_ERROR_BODY_BYTES = 4096;
/** One POST of a batch; the backend retries with backoff on a timeout or a retryable status. */
const POST_TIMEOUT_MS = 30_000;

export function buildAuditor(values: Readonly<Record<string, string>>, logger: Logger): Auditor {
  return auditorFromFlags(values, {
    readFile: (path) => readFileSync(path, 'utf8'),
    logger: { info: (msg, fields) => logger.info(msg, fields), error: (msg, fields) => logger.error(msg, fields) },
    webhookSend: (configFile) => webhookSender(configFile),
    stdout: { write: (line: string) => void process.stdout.write(line) },
  });
}

function webhookSender(configFile: string): (events: AuditEventList) => Promise<void> {
  let conn: Promise<KubeconfigConnection> | undefined;
  return async (events) => {
    conn ??= readKubeconfig(configFile);
    const c = await conn;
    await post(c, JSON.stringify(events));
  };
}

function post(c: KubeconfigConnection, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(c.server, {
      method: 'POST', timeout: POST_TIMEOUT_MS,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(c.token !== undefined ? { authorization: `Bearer ${c.token}` } : {}) },
      ...(c.caData !== undefined ? { ca: c.caData } : {}),
      ...(c.certData !== undefined ? { cert: c.certData } : {}),
      ...(c.keyData !== undefined ? { key: c.keyData } : {}),
      ...(c.tlsServerName !== undefined ? { servername: c.tlsServerName } : {}),
      rejectUnauthorized: !c.insecureSkipTLSVerify,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < MAX_ERROR_BODY_BYTES) text += chunk.slice(0, MAX_ERROR_BODY_BYTES - text.length);
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          resolve();
          return;
        }
        const retryAfter = Number(res.headers['retry-after']);
        reject(new WebhookStatusError(code, `the audit webhook answered ${code}: ${text}`, Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`the audit webhook did not answer within ${POST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
