import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through proxy to a Bot API server that can lose the answer of a call Telegram already carried out. */
export interface DroppingProxy {
  readonly apiRoot: string;
  /** The next `count` calls of `method` reach Telegram, but the connection is reset before the answer arrives. */
  dropAnswer(method: string, count?: number): void;
  /** How many answers were dropped so far. */
  dropped(): number;
  /** The next `count` calls of `method` reach Telegram, and their answers are never sent back (the connection hangs). */
  holdAnswer(method: string, count?: number): void;
  close(): Promise<void>;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function createDroppingProxy(targetRoot: string): Promise<DroppingProxy> {
  const target = new URL(targetRoot);
  const drops = new Map<string, number>();
  const holds = new Map<string, number>();
  let droppedCount = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const method = /\/([A-Za-z]+)\/?$/.exec(new URL(req.url ?? '/', 'http://proxy').pathname)?.[1] ?? '';
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const upstream = httpRequest({
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
      });
      upstream.on('response', (answer) => {
        void readAll(answer).then((bytes) => {
          const held = holds.get(method) ?? 0;
          if (held > 0) {
            holds.set(method, held - 1);
            return;
          }
          const left = drops.get(method) ?? 0;
          if (left > 0) {
            drops.set(method, left - 1);
            droppedCount++;
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, {
            'content-type': answer.headers['content-type'] ?? 'application/json',
            'content-length': bytes.length,
          });
          res.end(bytes);
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    dropAnswer(method, count = 1) {
      drops.set(method, (drops.get(method) ?? 0) + count);
    },
    dropped: () => droppedCount,
    holdAnswer(method, count = 1) {
      holds.set(method, (holds.get(method) ?? 0) + count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
