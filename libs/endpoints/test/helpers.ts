// A real HTTP/1.1 server on loopback for tests: the writers under test get a
// genuine ServerResponse, and the client sees the bytes kubectl would.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export async function withServer<T>(handler: Handler, fn: (base: string) => Promise<T>): Promise<T> {
  const errors: unknown[] = [];
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      errors.push(err);
      if (!res.headersSent) res.writeHead(599);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const out = await fn(`http://127.0.0.1:${port}`);
    if (errors.length > 0) throw errors[0];
    return out;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
