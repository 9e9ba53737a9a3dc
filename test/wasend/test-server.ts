import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** performance.now() when the request arrived. */
  readonly at: number;
}

export interface TestServer {
  readonly url: string;
  /** One handler per exact `METHOD path` (path as sent, percent-encoded). Unrouted requests get 404. */
  route(method: string, path: string, handler: RouteHandler): void;
  hits(method: string, path: string): number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP server on port 0 for one test file; `close` also drops hanging connections. */
export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    requests.push({ method, path, authorization: req.headers.authorization, at: performance.now() });
    const handler = routes.get(`${method} ${path}`);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no such route' }));
      return;
    }
    handler(req, res, requests.filter((r) => r.method === method && r.path === path).length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    route(method, path, handler) {
      routes.set(`${method} ${path}`, handler);
    },
    hits(method, path) {
      return requests.filter((r) => r.method === method && r.path === path).length;
    },
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
