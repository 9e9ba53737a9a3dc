import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';

/**
 * Connections kept to the Bot API per origin. grammY's default (node-fetch over an `http.Agent` without a cap) opens
 * one per request in flight: 50 `/qr` at once opened 30 new connections, each a TLS handshake against Telegram. A
 * request beyond the cap waits for a free connection; Telegram answers in milliseconds, and `getUpdates` holds one.
 */
const DEFAULT_CONNECTIONS = 24;
/** How long an idle connection is kept for the next call, ms (Telegram keeps them longer). */
const KEEP_ALIVE_MS = 60_000;

/** How long closing waits for calls still out, ms. */
const CLOSE_GRACE_MS = 1_000;

/** What grammY hands its `fetch`: a JSON string, or a multipart body as a stream of small chunks. */
interface BotApiInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Readable;
  readonly signal?: AbortSignal;
}

/** The part of a `fetch` response grammY reads. */
interface BotApiResponse {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

/** The Bot API's HTTP client, shared by every grammY `Api` of the process. */
export interface BotApiTransport {
  /** For grammY's `client.fetch`. */
  readonly fetch: typeof fetch;
  /** POSTs `body` to `url` on the kept connections and reads the answer as JSON (uploads, see `uploads.ts`). */
  post(url: string, body: Buffer, contentType: string, signal: AbortSignal | undefined): Promise<unknown>;
  /** Closes the kept connections (after the last call). */
  close(): Promise<void>;
}

/**
 * The Bot API over undici's `request` on kept connections. A multipart upload (a photo) goes out as one buffer with
 * its length: grammY's form-data stream sent as it comes costs a chunked write per field, most of the socket time a
 * `/qr` took. The photo is a Buffer already (grammY retries it from the start), so nothing large is copied twice.
 */
export function createBotApiTransport(options: { readonly connections?: number } = {}): BotApiTransport {
  const dispatcher = new Agent({
    connections: options.connections ?? DEFAULT_CONNECTIONS,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
  });
  const send = (
    url: string,
    method: 'GET' | 'POST',
    headers: Record<string, string> | undefined,
    body: string | Buffer | undefined,
    signal?: AbortSignal,
  ) =>
    request(url, {
      method,
      ...(headers ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(signal ? { signal } : {}),
      dispatcher,
    });
  const botFetch = async (url: string, init: BotApiInit = {}): Promise<BotApiResponse> => {
    const body = init.body === undefined || typeof init.body === 'string' ? init.body : await collect(init.body);
    const headers = init.headers ? withoutConnection(init.headers) : undefined;
    const answer = await send(url, init.method === 'GET' ? 'GET' : 'POST', headers, body, init.signal);
    return { ok: answer.statusCode >= 200 && answer.statusCode < 300, status: answer.statusCode, json: () => answer.body.json() };
  };
  return {
    fetch: botFetch as unknown as typeof fetch,
    post: async (url, body, contentType, signal) => (await send(url, 'POST', { 'content-type': contentType }, body, signal)).body.json(),
    // Calls still out (a long poll the stop did not abort) get a moment, then their connections are cut.
    close: async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
      const closed = await Promise.race([dispatcher.close().then(() => 'closed' as const), late]);
      clearTimeout(timer);
      if (closed === 'late') await dispatcher.destroy().catch(() => undefined);
    },
  };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from((chunk as Uint8Array).buffer, (chunk as Uint8Array).byteOffset, (chunk as Uint8Array).byteLength);
    chunks.push(buffer);
    size += buffer.length;
  }
  return Buffer.concat(chunks, size);
}

/** undici manages its connections itself and refuses a `connection` header. */
function withoutConnection(headers: Record<string, string>): Record<string, string> {
  const { connection: _connection, ...rest } = headers;
  return rest;
}
