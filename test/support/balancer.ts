import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a load balancer in front of several instances must do, on loopback: spread requests, skip a dead instance. */
export interface Balancer {
  readonly url: string;
  /** Each forwarded request: which target answered it, and what the balancer answered. */
  readonly forwarded: Array<{ target: string; path: string; status: number; updateId?: number }>;
  /** The next request goes to `targets()[index]` (skipping it only when it is down). */
  sendNextTo(index: number): void;
  /** The next request is forwarded and handled, but its answer is lost (the sender gets 502 and delivers again). */
  loseNextAnswer(): void;
  close(): Promise<void>;
}

/**
 * Round robin over `targets()` (base URLs, read at every request). A target that refuses the connection is skipped
 * for the next one; when none answers, 502.
 */
export async function createBalancer(targets: () => readonly string[]): Promise<Balancer> {
  const forwarded: Balancer['forwarded'] = [];
  let next = 0;
  let loseAnswer = false;
  let pinned: number | undefined;

  const forward = (target: string, req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((resolve, reject) => {
      const url = new URL(req.url ?? '/', target);
      const out = request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: { 'content-type': res.headers['content-type'] ?? 'application/json' },
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Whatever goes wrong in relaying ends this one exchange (a reset the bot sees), never the test process.
    req.on('end', () => void relay().catch(() => res.destroy()));
    const relay = async () => {
      const body = Buffer.concat(chunks);
      const all = targets();
      let updateId: number | undefined;
      try {
        const parsed = JSON.parse(body.toString('utf8')) as { update_id?: unknown };
        if (typeof parsed.update_id === 'number') updateId = parsed.update_id;
      } catch {
        // not JSON: forwarded as it is
      }
      if (pinned !== undefined) next = pinned;
      pinned = undefined;
      for (let tries = 0; tries < all.length; tries++) {
        const target = all[next++ % all.length] as string;
        try {
          const answer = await forward(target, req, body);
          const lose = loseAnswer;
          loseAnswer = false;
          const status = lose ? 502 : answer.status;
          forwarded.push({ target, path: req.url ?? '/', status, ...(updateId !== undefined ? { updateId } : {}) });
          res.writeHead(status, answer.headers).end(lose ? '{"error":"lost"}' : answer.body);
          return;
        } catch {
          // Refused or reset: that instance is down; the next one gets it.
        }
      }
      res.writeHead(502).end('{"error":"no instance"}');
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    sendNextTo(index) {
      pinned = index;
    },
    loseNextAnswer() {
      loseAnswer = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
