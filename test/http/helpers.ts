import { createHmac } from 'node:crypto';
import http from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  json(): unknown;
}

/**
 * One request on a fresh connection (no keep-alive). `body` may be a list of chunks, sent chunked without
 * Content-Length; `stall` leaves the request unfinished. Resolves with the response even if the server closes the
 * connection while the body is still being written.
 */
export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[]; stall?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(init.body);
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined && !chunked && !init.stall) headers['content-length'] = Buffer.byteLength(init.body as string | Buffer);
    const req = http.request(url, { method: init.method ?? 'POST', headers, agent: false });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (Array.isArray(init.body)) {
      for (const chunk of init.body) req.write(chunk);
      req.end();
    } else if (init.stall) {
      req.write(init.body ?? '');
    } else {
      req.end(init.body);
    }
  });
}

export function sign(body: string | Buffer, secret: string, algorithm = 'sha512'): string {
  return createHmac(algorithm, secret).update(body).digest('hex');
}

export const okHealth = async () => ({
  status: 'ok' as const,
  database: { ok: true },
  wasend: { ok: true, lastContactAt: null },
  telegram: { ok: true, lastContactAt: null },
  uptimeS: 0,
});
